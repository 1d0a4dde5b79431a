"""State dicts: ``state_dict.pth`` saved, logged as run artifacts and loaded back (MLflow's
``save_state_dict`` / ``log_state_dict`` / ``load_state_dict``; not a model directory)."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from heron.exceptions import InvalidParameter
from heron.flavors.configuration import require_pickle_allowed

STATE_DICT_FILE = "state_dict.pth"


def save_state_dict(
    state_dict: dict[str, Any], path: str | os.PathLike[str], **kwargs: Any
) -> None:
    """Write ``path/state_dict.pth`` with ``torch.save`` (``kwargs`` are its arguments).

    Raises:
        InvalidParameter: ``state_dict`` is not a dict (e.g. a module passed by mistake).
    """
    import torch

    if not isinstance(state_dict, dict):
        raise InvalidParameter(
            f"Invalid object type for `state_dict`: {type(state_dict).__name__}. "
            "Must be an instance of `dict`"
        )
    os.makedirs(path, exist_ok=True)
    torch.save(state_dict, os.path.join(path, STATE_DICT_FILE), **kwargs)


def log_state_dict(state_dict: dict[str, Any], artifact_path: str, **kwargs: Any) -> None:
    """Save a state dict and log it under ``artifact_path`` of the active run."""
    from heron.tracking import fluent_runs, session

    with tempfile.TemporaryDirectory(prefix="heron-state-dict-") as temp:
        save_state_dict(state_dict, temp, **kwargs)
        session.client().log_artifacts(fluent_runs.active_run_id(), temp, artifact_path)


def load_state_dict(state_dict_uri: str, **kwargs: Any) -> Any:
    """Load ``state_dict.pth`` from a directory URI (path, ``runs:/``, ...).

    ``kwargs`` go to ``torch.load`` (``map_location``, ``weights_only``...).
    """
    import torch

    from heron.artifacts import download_artifacts

    require_pickle_allowed("this state dict")
    local = download_artifacts(artifact_uri=str(state_dict_uri))
    return torch.load(os.path.join(local, STATE_DICT_FILE), **kwargs)
