"""Reading a flavor's block of a model directory's MLmodel."""

from __future__ import annotations

import os
import sys
from typing import Any

from heron.exceptions import NotFound
from heron.models.model import Model


def model_dir_of(path: str) -> str:
    """The model directory of ``path``: itself, or the directory of a model file in it."""
    return os.path.dirname(path) if os.path.isfile(path) else path


def flavor_configuration(model_dir: str, flavor_name: str) -> dict[str, Any]:
    """The ``flavor_name`` block of the MLmodel in ``model_dir``.

    Raises:
        NotFound: No MLmodel there, or the model has no such flavor (the message lists the
            flavors it has).
    """
    model = Model.load(model_dir)
    conf = model.flavors.get(flavor_name)
    if conf is None:
        raise NotFound(
            f"Model does not have the \"{flavor_name}\" flavor (at '{model_dir}'); it has "
            f"{sorted(model.flavors)}"
        )
    return dict(conf)


def add_code_to_path(model_dir: str, conf: dict[str, Any]) -> None:
    """Put the flavor's ``code`` directory (``code_paths`` at save time) on ``sys.path``."""
    code = conf.get("code")
    if not code:
        return
    path = os.path.abspath(os.path.join(model_dir, str(code)))
    if path not in sys.path:
        sys.path.insert(0, path)


def download_flavor_model(
    model_uri: str | os.PathLike[str], dst_path: str | None, flavor_name: str
) -> tuple[str, dict[str, Any]]:
    """Download a model URI, read its ``flavor_name`` block and put its code on ``sys.path``.

    The first step of every flavor's ``load_model``.

    Returns:
        The local model directory and the flavor's MLmodel block.

    Raises:
        NotFound: No model there, or no such flavor.
    """
    from heron.artifacts import download_model

    local = download_model(os.fspath(model_uri), dst_path)
    conf = flavor_configuration(local, flavor_name)
    add_code_to_path(local, conf)
    return local, conf


def pickle_deserialization_allowed() -> bool:
    """False when ``MLFLOW_ALLOW_PICKLE_DESERIALIZATION`` (default true) is set to false."""
    value = os.environ.get("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "true").strip().lower()
    return value not in ("false", "0", "no", "off")


def require_pickle_allowed(what: str) -> None:
    """Refuse to unpickle ``what`` when the environment disallows it.

    Raises:
        InvalidParameter: ``MLFLOW_ALLOW_PICKLE_DESERIALIZATION`` is false.
    """
    if not pickle_deserialization_allowed():
        from heron.exceptions import InvalidParameter

        raise InvalidParameter(
            f"Deserializing {what} using pickle is disallowed, but it is saved in pickle "
            "format. Set the environment variable 'MLFLOW_ALLOW_PICKLE_DESERIALIZATION' to "
            "'true' to allow it; only load models from trusted sources."
        )
