"""``model.json``: one registered model and its exported versions.

Written in mlflow-export-import's current layout (``mlflow.registered_model`` with its
``versions``; model tags and aliases as lists, version tags as maps); read in it and in the
older layout the user guide shows (a top-level ``registered_model`` with
``latest_versions``).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from heron.entities import ModelVersion, RegisteredModel
from heron.transfer import jsonio
from heron.transfer.errors import CorruptBundle

MODEL_JSON = "model.json"
MODELS_JSON = "models.json"
LIST_FILE = "registered_models.json"


def encode_version(version: ModelVersion, experiment_name: str | None = None) -> dict[str, Any]:
    """One entry of ``versions`` (the version number as a string, as MLflow's REST API)."""
    entry: dict[str, Any] = {
        "name": version.name,
        "version": str(version.version),
        "creation_timestamp": version.creation_timestamp,
        "last_updated_timestamp": version.last_updated_timestamp,
        "current_stage": version.current_stage,
        "description": version.description or "",
        "user_id": version.user_id or "",
        "source": version.source or "",
        "run_id": version.run_id or "",
        "run_link": version.run_link or "",
        "status": version.status,
        "status_message": version.status_message or "",
        "tags": dict(sorted(version.tags.items())),
        "aliases": list(version.aliases),
        "_creation_timestamp": jsonio.millis_text(version.creation_timestamp),
        "_last_updated_timestamp": jsonio.millis_text(version.last_updated_timestamp),
    }
    if version.model_id:
        entry["model_id"] = version.model_id
    if experiment_name is not None:
        entry["_experiment_name"] = experiment_name
    return entry


def encode_model(model: RegisteredModel, versions: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``mlflow`` payload of a ``model.json``."""
    return {
        "registered_model": {
            "name": model.name,
            "creation_timestamp": model.creation_timestamp,
            "last_updated_timestamp": model.last_updated_timestamp,
            "description": model.description or "",
            "tags": [{"key": k, "value": v} for k, v in sorted(model.tags.items())],
            "aliases": [
                {"alias": alias, "version": str(number)}
                for alias, number in sorted(model.aliases.items())
            ],
            "versions": sorted(versions, key=lambda entry: int(entry["version"])),
        }
    }


def _pairs(value: Any, key: str, item: str) -> dict[str, str]:
    """A map from a REST list of ``{key, value}`` pairs, or a map as it is."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {str(pair[key]): str(pair[item]) for pair in value or ()}


def decode_version(entry: dict[str, Any]) -> ModelVersion:
    """A version from an entry of ``versions`` / ``latest_versions``."""
    return ModelVersion(
        name=str(entry["name"]),
        version=int(entry["version"]),
        creation_timestamp=int(entry.get("creation_timestamp") or 0),
        last_updated_timestamp=int(entry.get("last_updated_timestamp") or 0),
        description=entry.get("description") or None,
        user_id=entry.get("user_id") or None,
        current_stage=str(entry.get("current_stage") or "None"),
        source=entry.get("source") or None,
        run_id=entry.get("run_id") or None,
        status=str(entry.get("status") or "READY"),
        status_message=entry.get("status_message") or None,
        tags=_pairs(entry.get("tags"), "key", "value"),
        run_link=entry.get("run_link") or None,
        aliases=[str(a) for a in entry.get("aliases") or ()],
        model_id=entry.get("model_id") or None,
    )


def read_model(directory: str) -> tuple[RegisteredModel, list[ModelVersion]]:
    """The registered model and its exported versions from ``<directory>/model.json``.

    Raises:
        CorruptBundle: The file is missing, unreadable or lacks required fields.
    """
    path = os.path.join(directory, MODEL_JSON)
    content = jsonio.read_json(path, "model")
    data = jsonio.payload(content)
    found = data.get("registered_model", content.get("registered_model"))
    if not isinstance(found, dict):
        raise CorruptBundle(f"Corrupt model file '{path}': no 'registered_model'")
    try:
        entries = found.get("versions")
        if entries is None:
            entries = found.get("latest_versions") or []
        versions = sorted((decode_version(e) for e in entries), key=lambda v: v.version)
        aliases = {
            str(k): int(v) for k, v in _pairs(found.get("aliases"), "alias", "version").items()
        }
        model = RegisteredModel(
            name=str(found["name"]),
            creation_timestamp=int(found.get("creation_timestamp") or 0),
            last_updated_timestamp=int(found.get("last_updated_timestamp") or 0),
            description=found.get("description") or None,
            tags=_pairs(found.get("tags"), "key", "value"),
            aliases=aliases,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CorruptBundle(f"Corrupt model file '{path}': {error}") from None
    versions = [
        replace(v, aliases=[a for a, n in aliases.items() if n == v.version] or v.aliases)
        for v in versions
    ]
    return model, versions
