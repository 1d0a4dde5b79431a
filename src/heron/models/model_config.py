"""``ModelConfig``: the configuration a model-from-code file reads (``mlflow.models``'s name).

While a model's code file runs (at logging and at loading), the ``model_config`` given to
``log_model``/``load_model`` is the configuration; a file run on its own falls back to the
``development_config`` it names.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from heron.exceptions import InvalidParameter

_UNSET = object()
# _UNSET: no model file is being run; "": one is, without configuration; else dict or path.
_current: Any = _UNSET


@contextlib.contextmanager
def model_config_set(config: str | dict[str, Any] | None) -> Iterator[None]:
    """Make ``config`` what :class:`ModelConfig` reads while a model's code file runs."""
    global _current
    previous, _current = _current, ("" if config is None else config)
    # A file that uses MLflow's own ModelConfig (MLflow installed here) reads MLflow's global.
    mlflow_state = sys.modules.get("mlflow.models.model_config")
    mlflow_previous = getattr(mlflow_state, "__mlflow_model_config__", None)
    if mlflow_state is not None:
        mlflow_state.__mlflow_model_config__ = _current  # type: ignore[attr-defined]
    try:
        yield
    finally:
        _current = previous
        if mlflow_state is not None:
            mlflow_state.__mlflow_model_config__ = mlflow_previous  # type: ignore[attr-defined]


class ModelConfig:
    """A model's configuration: a dict, or a YAML file's content.

    Args:
        development_config: A dict or YAML file path used when the file runs on its own
            (not while a model is logged or loaded).

    Raises:
        FileNotFoundError: No configuration is available, or the file does not exist.
    """

    def __init__(self, *, development_config: str | dict[str, Any] | None = None) -> None:
        config = development_config if _current is _UNSET else _current
        if not config:
            raise FileNotFoundError(
                "Config file is not provided which is needed to load the model. "
                "Please provide a valid path."
            )
        if not isinstance(config, dict) and not os.path.isfile(config):
            raise FileNotFoundError(f"Config file '{config}' not found.")
        self.config: str | dict[str, Any] = config

    def _read_config(self) -> Any:
        if isinstance(self.config, dict):
            return self.config
        import yaml

        with open(self.config, encoding="utf-8") as file:
            try:
                return yaml.safe_load(file)
            except yaml.YAMLError as error:
                raise InvalidParameter(f"Error parsing YAML file: {error}") from error

    def to_dict(self) -> Any:
        """The whole configuration as a dict."""
        return self._read_config()

    def get(self, key: str) -> Any:
        """The value of a top-level key.

        Raises:
            KeyError: The configuration has no such key.
        """
        data = self._read_config()
        if data and key in data:
            return data[key]
        raise KeyError(f"Key '{key}' not found in configuration: {data}.")
