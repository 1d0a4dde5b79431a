"""A model's ``model_config``: given as a dict or a YAML file, overridden at load as MLflow does.

At save, ``model_config`` (a dict with string keys and JSON values, or the path of a YAML
file) is stored in the python_function flavor's ``config``. At load, ``model_config`` (same
forms) and the ``MLFLOW_PYFUNC_INFERENCE_CONFIG`` variable (a JSON object) override the keys
the saved configuration has; other keys are ignored with a warning.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from heron.exceptions import InvalidParameter

_logger = logging.getLogger(__name__)
INFERENCE_CONFIG_VARIABLE = "MLFLOW_PYFUNC_INFERENCE_CONFIG"

ModelConfigArgument = str | os.PathLike[str] | Mapping[str, Any] | None


def _from_file(path: str) -> Any:
    import yaml

    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise InvalidParameter(
            "An invalid `model_config` file was passed. The provided `model_config` "
            f"file '{path}' is not a valid file path."
        )
    with open(path, encoding="utf-8") as file:
        try:
            return yaml.safe_load(file)
        except yaml.YAMLError as error:
            raise InvalidParameter(
                f"The provided `model_config` file '{path}' is not a valid YAML file: {error}"
            ) from error


def read_model_config(model_config: ModelConfigArgument) -> dict[str, Any] | None:
    """The configuration as a dict: a YAML file is read, a mapping checked.

    Raises:
        InvalidParameter: A missing or invalid YAML file, non-string keys or values that are
            not JSON-serializable.
    """
    if model_config is None:
        return None
    if isinstance(model_config, (str, os.PathLike)):
        model_config = _from_file(os.fspath(model_config))
        if model_config is None:
            return None
    if not isinstance(model_config, Mapping) or not all(isinstance(k, str) for k in model_config):
        raise InvalidParameter(
            "An invalid ``model_config`` structure was passed. ``model_config`` must be a "
            "valid file path or of type ``dict`` with string keys."
        )
    try:
        json.dumps(dict(model_config))
    except (TypeError, ValueError) as error:
        raise InvalidParameter(
            "Values in the provided ``model_config`` are of an unsupported type. Only "
            "JSON-serializable data types can be provided as values."
        ) from error
    return dict(model_config)


def overridden_model_config(
    saved: Mapping[str, Any] | None, given: ModelConfigArgument
) -> dict[str, Any] | None:
    """The configuration a model loads with: ``saved`` with the overrides it accepts.

    Raises:
        InvalidParameter: ``given`` is invalid, or the environment variable is not JSON.
    """
    overrides: dict[str, Any] = {}
    environment = os.environ.get(INFERENCE_CONFIG_VARIABLE)
    if environment:
        try:
            overrides.update(dict(json.loads(environment)))
        except (ValueError, TypeError) as error:
            raise InvalidParameter(
                f"{INFERENCE_CONFIG_VARIABLE} must hold a JSON object: {error}"
            ) from error
    overrides.update(read_model_config(given) or {})
    if not overrides:
        return dict(saved) if saved else None
    if not saved:
        _logger.warning(
            "Argument(s) %s were ignored since the model's ``pyfunc`` flavor doesn't accept "
            "model configuration. Use ``model_config`` when logging the model to allow it.",
            ", ".join(overrides),
        )
        return None
    ignored = [key for key in overrides if key not in saved]
    if ignored:
        _logger.warning(
            "Argument(s) %s were ignored since they are not valid keys in the corresponding "
            "section of the ``pyfunc`` flavor. Use ``model_config`` when logging the model to "
            "include the keys you plan to indicate. Current allowed configuration includes %s",
            ", ".join(ignored),
            ", ".join(saved),
        )
    return {**saved, **{k: v for k, v in overrides.items() if k in saved}}
