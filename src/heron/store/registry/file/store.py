"""The registry store of an ``mlruns`` folder (its ``models/`` tree)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
from collections.abc import Sequence

from heron.entities import PagedList
from heron.entities.registry import (
    ACTIVE_STAGES,
    DELETED_STAGE,
    ModelVersion,
    ModelVersionStage,
    ModelVersionStatus,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelTag,
)
from heron.exceptions import AlreadyExists, InvalidParameter, NotFound
from heron.store.clock import now_millis
from heron.store.registry.base import RegistryStore, Version
from heron.store.registry.file import search
from heron.store.registry.file.folder import (
    ALIASES,
    RegistryFolder,
    model_meta,
    version_meta,
    version_not_found,
)
from heron.store.tracking.file import layout
from heron.store.tracking.file.reader import MlrunsReader
from heron.validation import validate_key
from heron.validation_registry import (
    RESERVED_ALIAS_LATEST,
    missing_value,
    validate_alias,
    validate_description,
    validate_model_name,
    validate_new_alias,
    validate_registry_tag,
    validate_version,
)

_LOGGED_MODEL_SOURCE = re.compile(r"^models:/(m-[0-9a-f]{32})/?$")
_VERSION_SOURCE = re.compile(r"^models:/([^/@]+)/([0-9]+)/?$")


class FileRegistryStore(RegistryStore):
    """Registered models in MLflow's layout under ``<root>/models``.

    Args:
        root: The ``mlruns`` folder (a path).
    """

    def __init__(self, root: str):
        self.folder = RegistryFolder(root)
        os.makedirs(self.folder.models, exist_ok=True)

    # -- registered models -------------------------------------------------------------

    def create_registered_model(
        self,
        name: str,
        tags: Sequence[RegisteredModelTag] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """See :meth:`RegistryStore.create_registered_model`."""
        validate_model_name(name)
        tag_values = {tag.key: validate_registry_tag(tag.key, tag.value) for tag in tags or ()}
        text = validate_description(description)
        path = self.folder.model_dir(name)
        now = now_millis()
        model = RegisteredModel(name, now, now, text, tags=tag_values)
        with layout.locked(self.folder.models):
            if os.path.exists(os.path.join(path, layout.META)):
                raise AlreadyExists(f"Registered Model (name={name}) already exists.")
            for key, value in tag_values.items():
                layout.write_text(layout.confined(os.path.join(path, layout.TAGS), key), value)
            layout.write_yaml(os.path.join(path, layout.META), model_meta(model, {}))
        return self.get_registered_model(name)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """See :meth:`RegistryStore.get_registered_model`."""
        validate_model_name(name)
        return self.folder.read_model(self.folder.existing_model_dir(name))

    def _save_model(self, model_name: str, **changes: object) -> RegisteredModel:
        path = self.folder.existing_model_dir(model_name)
        model = dataclasses.replace(self.folder.read_model(path), **changes)  # type: ignore[arg-type]
        layout.write_yaml(
            os.path.join(path, layout.META), model_meta(model, self.folder.aliases(path))
        )
        return model

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        """See :meth:`RegistryStore.update_registered_model`."""
        validate_model_name(name)
        text = validate_description(description)
        self._save_model(name, description=text, last_updated_timestamp=now_millis())
        return self.get_registered_model(name)

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """See :meth:`RegistryStore.rename_registered_model`."""
        validate_model_name(name)
        validate_model_name(new_name, "new_name")
        with layout.locked(self.folder.models):
            source = self.folder.existing_model_dir(name)
            if new_name == name:
                return self.get_registered_model(name)
            target = self.folder.model_dir(new_name)
            if os.path.exists(os.path.join(target, layout.META)):
                raise AlreadyExists(f"Registered Model (name={new_name}) already exists.")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.rename(source, target)
            now = now_millis()
            self._save_model(new_name, name=new_name, last_updated_timestamp=now)
            for number in self.folder.version_numbers(target):
                self._rewrite_version(target, number, name=new_name, last_updated_timestamp=now)
        return self.get_registered_model(new_name)

    def delete_registered_model(self, name: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model`."""
        validate_model_name(name)
        shutil.rmtree(self.folder.existing_model_dir(name))

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """See :meth:`RegistryStore.search_registered_models`."""
        models = []
        for name in self.folder.model_names():
            try:
                models.append(self.folder.read_model(self.folder.existing_model_dir(name)))
            except (NotFound, InvalidParameter, OSError):
                continue
        return search.registered_models(models, filter_string, max_results, order_by, page_token)

    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = None
    ) -> list[ModelVersion]:
        """See :meth:`RegistryStore.get_latest_versions`."""
        validate_model_name(name)
        if isinstance(stages, str):
            stages = [stages]
        wanted = {ModelVersionStage.coerce(stage).value for stage in stages or ()}
        latest = self.get_registered_model(name).latest_versions
        return [v for v in latest if not wanted or v.current_stage in wanted]

    def set_registered_model_tag(self, name: str, tag: RegisteredModelTag) -> None:
        """See :meth:`RegistryStore.set_registered_model_tag`."""
        validate_model_name(name)
        value = validate_registry_tag(tag.key, tag.value)
        path = self.folder.existing_model_dir(name)
        layout.write_text(layout.confined(os.path.join(path, layout.TAGS), tag.key), value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model_tag`."""
        validate_model_name(name)
        validate_key(key, "tag")
        path = self.folder.existing_model_dir(name)
        _unlink(layout.confined(os.path.join(path, layout.TAGS), key))

    # -- model versions ----------------------------------------------------------------

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: Sequence[ModelVersionTag] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        model_id: str | None = None,
    ) -> ModelVersion:
        """See :meth:`RegistryStore.create_model_version`."""
        validate_model_name(name)
        if not isinstance(source, str) or not source:
            raise InvalidParameter(missing_value("source"))
        tag_values = {
            tag.key: validate_registry_tag(tag.key, tag.value, version_tag=True)
            for tag in tags or ()
        }
        text = validate_description(description)
        model_dir = self.folder.existing_model_dir(name)
        location, source_run = self._resolve(source)
        if not run_id and not source_run and model_id:
            source_run = self._logged_model(model_id)[1]
        with layout.locked(model_dir):  # one numbering at a time
            number = max(self.folder.version_numbers(model_dir), default=0) + 1
            now = now_millis()
            version = ModelVersion(
                name=name,
                version=number,
                creation_timestamp=now,
                last_updated_timestamp=now,
                description=text,
                current_stage=ModelVersionStage.NONE.value,
                source=source,
                run_id=run_id or source_run,
                status=ModelVersionStatus.READY.value,
                run_link=run_link,
                model_id=model_id,
            )
            path = os.path.join(model_dir, f"version-{number}")
            for key, value in tag_values.items():
                layout.write_text(layout.confined(os.path.join(path, layout.TAGS), key), value)
            layout.write_yaml(
                os.path.join(path, layout.META), version_meta(version, location or source)
            )
            self._save_model(name, last_updated_timestamp=now)
        return self.get_model_version(name, number)

    def _logged_model(self, model_id: str) -> tuple[str | None, str | None]:
        reader = MlrunsReader(self.folder.root)
        try:
            model, _ = reader.read_logged_model(reader.find_logged_model_dir(model_id))
        except NotFound:
            return None, None
        return model.artifact_location, model.source_run_id

    def _resolve(self, source: str) -> tuple[str | None, str | None]:
        logged = _LOGGED_MODEL_SOURCE.match(source)
        if logged:
            return self._logged_model(logged.group(1))
        registered = _VERSION_SOURCE.match(source)
        if registered:
            name, number = registered.group(1), int(registered.group(2))
            return self.get_model_version_download_uri(name, number), None
        return None, None

    def _live(self, name: str, version: Version) -> tuple[str, int]:
        validate_model_name(name)
        number = validate_version(version)
        model_dir = self.folder.existing_model_dir(name)
        if number not in self.folder.version_numbers(model_dir):
            raise version_not_found(name, number)
        found = self.folder.read_version(model_dir, number, {})
        if found.current_stage == DELETED_STAGE:
            raise version_not_found(name, number)
        return model_dir, number

    def _rewrite_version(self, model_dir: str, number: int, **changes: object) -> None:
        current = self.folder.read_version(model_dir, number, {})
        location = self.folder.storage_location(model_dir, number)
        updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
        path = os.path.join(model_dir, f"version-{number}", layout.META)
        layout.write_yaml(path, version_meta(updated, location))

    def get_model_version(self, name: str, version: Version) -> ModelVersion:
        """See :meth:`RegistryStore.get_model_version`."""
        model_dir, number = self._live(name, version)
        return self.folder.read_version(model_dir, number, self.folder.aliases(model_dir))

    def update_model_version(
        self, name: str, version: Version, description: str | None
    ) -> ModelVersion:
        """See :meth:`RegistryStore.update_model_version`."""
        text = validate_description(description)
        model_dir, number = self._live(name, version)
        self._rewrite_version(
            model_dir, number, description=text, last_updated_timestamp=now_millis()
        )
        return self.get_model_version(name, number)

    def transition_model_version_stage(
        self,
        name: str,
        version: Version,
        stage: ModelVersionStage | str,
        archive_existing_versions: bool = False,
    ) -> ModelVersion:
        """See :meth:`RegistryStore.transition_model_version_stage`."""
        target = ModelVersionStage.coerce(stage)
        if archive_existing_versions and target not in ACTIVE_STAGES:
            raise InvalidParameter(
                "Model version transition cannot archive existing model versions because "
                f"'{stage}' is not an Active stage. Valid stages are "
                f"{[s.value for s in ACTIVE_STAGES]}"
            )
        model_dir, number = self._live(name, version)
        now = now_millis()
        with layout.locked(model_dir):
            if archive_existing_versions:
                for other in self.folder.live_versions(model_dir):
                    if other.version != number and other.current_stage == target.value:
                        self._rewrite_version(
                            model_dir,
                            other.version,
                            current_stage=ModelVersionStage.ARCHIVED.value,
                            last_updated_timestamp=now,
                        )
            self._rewrite_version(
                model_dir, number, current_stage=target.value, last_updated_timestamp=now
            )
            self._save_model(name, last_updated_timestamp=now)
        return self.get_model_version(name, number)

    def delete_model_version(self, name: str, version: Version) -> None:
        """See :meth:`RegistryStore.delete_model_version`."""
        model_dir, number = self._live(name, version)
        now = now_millis()
        with layout.locked(model_dir):
            self._rewrite_version(
                model_dir,
                number,
                current_stage=DELETED_STAGE,
                last_updated_timestamp=now,
                description=None,
                user_id=None,
                source="REDACTED-SOURCE-PATH",
                run_id="REDACTED-RUN-ID",
                run_link="REDACTED-RUN-LINK",
                status_message=None,
            )
            for alias, target in self.folder.aliases(model_dir).items():
                if target == number:
                    _unlink(os.path.join(model_dir, ALIASES, alias))
            self._save_model(name, last_updated_timestamp=now)

    def get_model_version_download_uri(self, name: str, version: Version) -> str:
        """See :meth:`RegistryStore.get_model_version_download_uri`."""
        model_dir, number = self._live(name, version)
        location = self.folder.storage_location(model_dir, number)
        if location is None:
            raise version_not_found(name, number)
        return location

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """See :meth:`RegistryStore.search_model_versions`."""
        versions = []
        for name in self.folder.model_names():
            try:
                versions += self.folder.live_versions(self.folder.existing_model_dir(name))
            except (NotFound, InvalidParameter, OSError):
                continue
        return search.model_versions(versions, filter_string, max_results, order_by, page_token)

    def set_model_version_tag(self, name: str, version: Version, tag: ModelVersionTag) -> None:
        """See :meth:`RegistryStore.set_model_version_tag`."""
        value = validate_registry_tag(tag.key, tag.value, version_tag=True)
        model_dir, number = self._live(name, version)
        tags = os.path.join(model_dir, f"version-{number}", layout.TAGS)
        layout.write_text(layout.confined(tags, tag.key), value)

    def delete_model_version_tag(self, name: str, version: Version, key: str) -> None:
        """See :meth:`RegistryStore.delete_model_version_tag`."""
        validate_key(key, "tag")
        model_dir, number = self._live(name, version)
        _unlink(layout.confined(os.path.join(model_dir, f"version-{number}", layout.TAGS), key))

    # -- aliases -----------------------------------------------------------------------

    def set_registered_model_alias(self, name: str, alias: str, version: Version) -> None:
        """See :meth:`RegistryStore.set_registered_model_alias`."""
        validate_new_alias(alias)
        model_dir, number = self._live(name, version)
        layout.write_text(layout.confined(os.path.join(model_dir, ALIASES), alias), str(number))
        self._save_model(name)  # meta.yaml keeps a copy of the aliases, as MLflow's does

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model_alias`."""
        validate_model_name(name)
        validate_alias(alias)
        model_dir = self.folder.existing_model_dir(name)
        _unlink(layout.confined(os.path.join(model_dir, ALIASES), alias))
        self._save_model(name)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """See :meth:`RegistryStore.get_model_version_by_alias`."""
        validate_model_name(name)
        validate_alias(alias)
        model_dir = self.folder.existing_model_dir(name)
        if alias.lower() == RESERVED_ALIAS_LATEST:
            live = self.folder.live_versions(model_dir)
            if not live:
                raise NotFound(f"Latest version not found for model {name}.")
            return self.get_model_version(name, live[-1].version)
        number = self.folder.aliases(model_dir).get(alias)
        if number is None:
            raise InvalidParameter(f"Registered model alias {alias} not found.")
        return self.get_model_version(name, number)


def _unlink(path: str) -> None:
    # A missing tag or alias is not an error.
    with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
        os.unlink(path)
