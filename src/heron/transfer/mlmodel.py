"""Pointing copied models at their new run and logged-model ids (``--mlmodel-fix``).

An ``MLmodel`` file records the run that logged it (``run_id``) and, in MLflow 3.x, the
logged model (``model_id``, ``model_uuid``, ``artifact_path``). After an import these
would name the source's objects; :func:`patch_mlmodel` rewrites them to the destination's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MLMODEL_FILE = "MLmodel"


def is_mlmodel(path: str) -> bool:
    """Whether an artifact path names an ``MLmodel`` file."""
    return path.rsplit("/", 1)[-1] == MLMODEL_FILE


def patch_mlmodel(
    content: bytes,
    run_id: str | None,
    model_ids: Mapping[str, str],
    locations: Mapping[str, str] | None = None,
) -> bytes:
    """An ``MLmodel`` file's bytes with its ids pointing at the destination.

    Args:
        content: The file as exported.
        run_id: The destination run; replaces ``run_id`` where the file has one.
        model_ids: Source to destination logged-model ids (``model_id``, ``model_uuid``).
        locations: Source to destination logged-model artifact locations
            (``artifact_path``).

    Returns:
        The patched file, or ``content`` itself when nothing needed a change or the file
        is not a YAML mapping.
    """
    import yaml

    try:
        data: Any = yaml.safe_load(content)
    except yaml.YAMLError:
        return content
    if not isinstance(data, dict):
        return content
    changed = False
    if run_id is not None and data.get("run_id") not in (None, run_id):
        data["run_id"] = run_id
        changed = True
    for key, mapping in (
        ("model_id", model_ids),
        ("model_uuid", model_ids),
        ("artifact_path", locations or {}),
    ):
        value = data.get(key)
        if isinstance(value, str) and value in mapping:
            data[key] = mapping[value]
            changed = True
    if not changed:
        return content
    return yaml.safe_dump(data, default_flow_style=False, sort_keys=False).encode("utf-8")


def replace_ids(text: str, ids: Mapping[str, str]) -> str:
    """``text`` with every source id in ``ids`` replaced by its destination id.

    Used for tag values that embed ids, such as ``mlflow.log-model.history`` and
    ``mlflow.parentRunId``; run and model ids are random enough to replace as text.
    """
    for old, new in ids.items():
        if old and old in text:
            text = text.replace(old, new)
    return text
