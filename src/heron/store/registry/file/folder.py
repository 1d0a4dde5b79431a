"""The registry's ``models/`` tree in an ``mlruns`` folder, as MLflow 3.17.2 lays it out:
``models/<name>/meta.yaml``, ``tags/``, ``aliases/<alias>`` (holding a version number) and
``version-<n>/meta.yaml`` with its ``tags/``. Deleted versions stay, in stage
``Deleted_Internal``, so their numbers are never reused."""

from __future__ import annotations

import os
from typing import Any

from heron.entities.registry import DELETED_STAGE, ModelVersion, RegisteredModel
from heron.exceptions import InvalidParameter, NotFound
from heron.store.tracking.file import layout

WORKSPACE = "default"
_NAME_MAX = 255  # bytes of one file name on common file systems
VERSION_PREFIX = "version-"
ALIASES = "aliases"


def model_not_found(name: str) -> NotFound:
    """MLflow's error for a missing registered model."""
    return NotFound(f"Registered Model with name={name} not found")


def version_not_found(name: str, version: int) -> NotFound:
    """MLflow's error for a missing (or deleted) model version."""
    return NotFound(f"Model Version (name={name}, version={version}) not found")


class RegistryFolder:
    """Paths and reads of the ``models/`` tree under an ``mlruns`` root."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        self.models = os.path.join(self.root, layout.REGISTRY_FOLDER)

    def model_dir(self, name: str) -> str:
        """The folder a model of this name has (or would have)."""
        try:
            path = layout.confined(self.models, name)
        except InvalidParameter:
            raise InvalidParameter(f"Invalid registered model name: '{name}'") from None
        if any(len(part.encode()) > _NAME_MAX for part in name.split("/")):
            raise InvalidParameter(
                f"Registered model name '{name[:40]}...' is longer than a file name may be "
                f"({_NAME_MAX} bytes) in a file store; use a database store for such names"
            )
        return path

    def existing_model_dir(self, name: str) -> str:
        """The folder of an existing model; NotFound otherwise."""
        path = self.model_dir(name)
        if not os.path.isfile(os.path.join(path, layout.META)):
            raise model_not_found(name)
        return path

    def version_dir(self, name: str, version: int) -> str:
        """The folder of a version of an existing model."""
        return os.path.join(self.existing_model_dir(name), f"{VERSION_PREFIX}{version}")

    def model_names(self) -> list[str]:
        """Every registered model's name (models may be nested: names may hold ``/``)."""
        names = []
        for directory, subdirs, files in os.walk(self.models):
            if layout.META in files and directory != self.models:
                meta = layout.read_yaml(os.path.join(directory, layout.META))
                if "name" in meta and "version" not in meta:
                    names.append(str(meta["name"]))
            subdirs[:] = [
                d
                for d in subdirs
                if not d.startswith(VERSION_PREFIX) and d not in (layout.TAGS, ALIASES)
            ]
        return names

    def version_numbers(self, model_dir: str) -> list[int]:
        """Numbers of every version folder of a model, deleted ones included."""
        numbers = []
        for entry in os.scandir(model_dir):
            suffix = entry.name[len(VERSION_PREFIX) :]
            if (
                entry.name.startswith(VERSION_PREFIX)
                and suffix.isdigit()
                and os.path.isfile(os.path.join(entry.path, layout.META))
            ):
                numbers.append(int(suffix))
        return sorted(numbers)

    def aliases(self, model_dir: str) -> dict[str, int]:
        """``{alias: version}`` of a model."""
        found = {}
        for alias, text in layout.read_key_files(os.path.join(model_dir, ALIASES)).items():
            if text.strip().isdigit():
                found[alias] = int(text.strip())
        return found

    def read_version(self, model_dir: str, number: int, aliases: dict[str, int]) -> ModelVersion:
        """A version (deleted ones too: their stage is ``Deleted_Internal``)."""
        path = os.path.join(model_dir, f"{VERSION_PREFIX}{number}")
        meta = layout.read_yaml(os.path.join(path, layout.META))
        return ModelVersion(
            name=str(meta.get("name")),
            version=int(meta.get("version") or number),
            creation_timestamp=int(meta.get("creation_timestamp") or 0),
            last_updated_timestamp=_int(meta.get("last_updated_timestamp")),
            description=meta.get("description"),
            user_id=meta.get("user_id"),
            current_stage=str(meta.get("current_stage") or "None"),
            source=meta.get("source"),
            run_id=meta.get("run_id"),
            status=str(meta.get("status") or "READY"),
            status_message=meta.get("status_message"),
            tags=layout.read_key_files(os.path.join(path, layout.TAGS)),
            run_link=meta.get("run_link"),
            aliases=sorted(a for a, v in aliases.items() if v == number),
            model_id=meta.get("model_id"),
        )

    def storage_location(self, model_dir: str, number: int) -> str | None:
        """Where a version's files are, as registered."""
        path = os.path.join(model_dir, f"{VERSION_PREFIX}{number}", layout.META)
        meta = layout.read_yaml(path)
        return meta.get("storage_location") or meta.get("source")

    def live_versions(self, model_dir: str) -> list[ModelVersion]:
        """Every version of a model that is not deleted, by number."""
        aliases = self.aliases(model_dir)
        versions = [
            self.read_version(model_dir, n, aliases) for n in self.version_numbers(model_dir)
        ]
        return [v for v in versions if v.current_stage != DELETED_STAGE]

    def read_model(self, model_dir: str) -> RegisteredModel:
        """A registered model with its tags, aliases and latest version per stage."""
        meta = layout.read_yaml(os.path.join(model_dir, layout.META))
        latest: dict[str, ModelVersion] = {}
        for version in self.live_versions(model_dir):
            latest[version.current_stage] = version
        return RegisteredModel(
            name=str(meta.get("name")),
            creation_timestamp=_int(meta.get("creation_timestamp")),
            last_updated_timestamp=_int(meta.get("last_updated_timestamp")),
            description=meta.get("description"),
            latest_versions=sorted(latest.values(), key=lambda v: v.version),
            tags=layout.read_key_files(os.path.join(model_dir, layout.TAGS)),
            aliases=self.aliases(model_dir),
        )


def model_meta(model: RegisteredModel, aliases: dict[str, int]) -> dict[str, Any]:
    """A registered model's ``meta.yaml``."""
    return {
        "aliases": {alias: str(version) for alias, version in aliases.items()},
        "creation_timestamp": model.creation_timestamp,
        "deployment_job_id": None,
        "deployment_job_state": None,
        "description": model.description,
        "last_updated_timestamp": model.last_updated_timestamp,
        "name": model.name,
        "workspace": WORKSPACE,
    }


def version_meta(version: ModelVersion, storage_location: str | None) -> dict[str, Any]:
    """A version's ``meta.yaml``."""
    return {
        "creation_timestamp": version.creation_timestamp,
        "current_stage": version.current_stage,
        "deployment_job_state": None,
        "description": version.description,
        "last_updated_timestamp": version.last_updated_timestamp,
        "model_id": version.model_id,
        "name": version.name,
        "run_id": version.run_id,
        "run_link": version.run_link,
        "source": version.source,
        "status": version.status,
        "status_message": version.status_message,
        "storage_location": storage_location,
        "user_id": version.user_id,
        "version": version.version,
        "workspace": WORKSPACE,
    }


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]
