"""``model.json``: one registered model and its exported versions.

Written in mlflow-export-import's current layout (``mlflow.registered_model`` with its
``versions``; model tags and aliases as lists, version tags as maps); read in it and in the
older layout the user guide shows (a top-level ``registered_model`` with
``latest_versions``).

In the 1.2 layout (``--bundle-format 1.2``), a version's ``source`` is written so that
mlflow-export-import 1.2.0's importer finds the model's files: as their place in the
bundle, ``<run_id>/artifacts/<path>`` (it takes the path after the first ``artifacts`` of
a source, and so misreads ``mlflow-artifacts:`` URIs and runs:/ URIs alike); the source
as the registry has it is kept in ``_source``, which Heron reads back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

from heron.entities import ModelVersion, RegisteredModel
from heron.exceptions import InvalidParameter
from heron.models.uris import is_models_uri, parse_model_uri
from heron.transfer import jsonio
from heron.transfer.errors import CorruptBundle

MODEL_JSON = "model.json"
MODELS_JSON = "models.json"
LIST_FILE = "registered_models.json"


def run_relative_path(source: str, run_id: str, artifact_uri: str | None) -> str | None:
    """The path of a version's ``source`` inside its run's artifacts, if it is there.

    Understands ``runs:/<run_id>/<path>``, ``<artifact_uri>/<path>``, and any URI with
    ``/<run_id>/artifacts/`` in it (a run's files in an artifact store).
    """
    prefix = f"runs:/{run_id}"
    if source == prefix or source.startswith(prefix + "/"):
        return source[len(prefix) :].strip("/")
    root = (artifact_uri or "").rstrip("/")
    if root and (source == root or source.startswith(root + "/")):
        return source[len(root) :].strip("/")
    marker = f"/{run_id}/artifacts"
    if marker in source:
        rest = source.split(marker, 1)[1]
        if rest == "" or rest.startswith("/"):
            return rest.strip("/")
    return None


def source_model_id(version: ModelVersion) -> str | None:
    """The logged model behind a version: its ``model_id``, else the id a
    ``models:/<model_id>`` source names (MLflow's server leaves ``model_id`` out)."""
    if version.model_id:
        return version.model_id
    source = version.source or ""
    if not is_models_uri(source):
        return None
    try:
        return parse_model_uri(source).model_id
    except InvalidParameter:
        return None


def encode_version(
    version: ModelVersion,
    experiment_name: str | None = None,
    run_source: str | None = None,
) -> dict[str, Any]:
    """One entry of ``versions`` (the version number as a string, as MLflow's REST API).

    Args:
        version: The version.
        experiment_name: Its run's experiment, for ``_experiment_name``.
        run_source: Another ``source`` to write (the 1.2 layout's), keeping the
            registry's in ``_source``.
    """
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
    if run_source and run_source != entry["source"]:
        entry["_source"], entry["source"] = entry["source"], run_source
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
        source=entry.get("_source") or entry.get("source") or None,
        run_id=entry.get("run_id") or None,
        status=str(entry.get("status") or "READY"),
        status_message=entry.get("status_message") or None,
        tags=_pairs(entry.get("tags"), "key", "value"),
        run_link=entry.get("run_link") or None,
        aliases=[str(a) for a in entry.get("aliases") or ()],
        model_id=entry.get("model_id") or None,
    )


@dataclass
class ModelFile:
    """What a ``model.json`` holds.

    Attributes:
        model: The registered model (its description, tags and aliases).
        versions: The exported versions, lowest number first.
        experiments: The source experiment of each version's run, by run id, where the
            file names it (``_experiment_name``).
        artifact_uris: The source artifact URI of each version's run, by run id, where
            the file names it (``_run_artifact_uri``).
    """

    model: RegisteredModel
    versions: list[ModelVersion]
    experiments: dict[str, str] = field(default_factory=dict)
    artifact_uris: dict[str, str] = field(default_factory=dict)


def read_model(directory: str) -> ModelFile:
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
    return ModelFile(
        model,
        versions,
        _by_run(entries, "_experiment_name"),
        _by_run(entries, "_run_artifact_uri"),
    )


def _by_run(entries: list[Any], key: str) -> dict[str, str]:
    """``{run_id: entry[key]}`` for the version entries that have both."""
    return {
        str(e["run_id"]): str(e[key])
        for e in entries
        if isinstance(e, dict) and e.get("run_id") and e.get(key)
    }
