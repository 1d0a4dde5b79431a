"""The SQL registry store: SQLite and PostgreSQL, in the tracking store's database."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from heron.entities import PagedList
from heron.entities.registry import (
    ModelVersion,
    ModelVersionStage,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelTag,
)
from heron.store.clock import now_millis
from heron.store.db import Database, ensure_schema
from heron.store.registry.base import RegistryStore, Version
from heron.store.registry.sql import aliases, models, search, versions


class SqlRegistryStore(RegistryStore):
    """A registry store in a SQL database, next to (and often shared with) tracking.

    Opening a fresh database creates the whole schema (tracking tables included), so a
    tracking store opened on it later finds it ready; opening one written by another
    schema revision is refused until ``heron db upgrade`` has run. Safe to share between
    threads.

    Args:
        db_uri: ``sqlite:///path.db``, ``sqlite://`` (in memory) or
            ``postgresql://user:password@host:port/database``.
        clock: Milliseconds since the epoch, for timestamps; the system clock by default.
    """

    def __init__(self, db_uri: str, clock: Callable[[], int] | None = None):
        self.db_uri = db_uri
        self._clock = clock or now_millis
        self._db = Database(db_uri)
        try:
            ensure_schema(self._db)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        """Close the store's database connections."""
        self._db.close()

    # -- registered models -------------------------------------------------------------

    def create_registered_model(
        self,
        name: str,
        tags: Sequence[RegisteredModelTag] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """See :meth:`RegistryStore.create_registered_model`."""
        return models.create_registered_model(self._db, name, tags, description, self._clock())

    def get_registered_model(self, name: str) -> RegisteredModel:
        """See :meth:`RegistryStore.get_registered_model`."""
        return models.get_registered_model(self._db, name)

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        """See :meth:`RegistryStore.update_registered_model`."""
        return models.update_registered_model(self._db, name, description, self._clock())

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """See :meth:`RegistryStore.rename_registered_model`."""
        return models.rename_registered_model(self._db, name, new_name, self._clock())

    def delete_registered_model(self, name: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model`."""
        models.delete_registered_model(self._db, name)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """See :meth:`RegistryStore.search_registered_models`."""
        return search.search_registered_models(
            self._db, filter_string, max_results, order_by, page_token
        )

    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = None
    ) -> list[ModelVersion]:
        """See :meth:`RegistryStore.get_latest_versions`."""
        return versions.get_latest_versions(self._db, name, stages)

    def set_registered_model_tag(self, name: str, tag: RegisteredModelTag) -> None:
        """See :meth:`RegistryStore.set_registered_model_tag`."""
        models.set_registered_model_tag(self._db, name, tag)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model_tag`."""
        models.delete_registered_model_tag(self._db, name, key)

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
        return versions.create_model_version(
            self._db, name, source, run_id, tags, run_link, description, model_id, self._clock()
        )

    def get_model_version(self, name: str, version: Version) -> ModelVersion:
        """See :meth:`RegistryStore.get_model_version`."""
        return versions.get_model_version(self._db, name, version)

    def update_model_version(
        self, name: str, version: Version, description: str | None
    ) -> ModelVersion:
        """See :meth:`RegistryStore.update_model_version`."""
        return versions.update_model_version(self._db, name, version, description, self._clock())

    def transition_model_version_stage(
        self,
        name: str,
        version: Version,
        stage: ModelVersionStage | str,
        archive_existing_versions: bool = False,
    ) -> ModelVersion:
        """See :meth:`RegistryStore.transition_model_version_stage`."""
        return versions.transition_model_version_stage(
            self._db, name, version, stage, archive_existing_versions, self._clock()
        )

    def delete_model_version(self, name: str, version: Version) -> None:
        """See :meth:`RegistryStore.delete_model_version`."""
        versions.delete_model_version(self._db, name, version, self._clock())

    def get_model_version_download_uri(self, name: str, version: Version) -> str:
        """See :meth:`RegistryStore.get_model_version_download_uri`."""
        return versions.get_model_version_download_uri(self._db, name, version)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """See :meth:`RegistryStore.search_model_versions`."""
        return search.search_model_versions(
            self._db, filter_string, max_results, order_by, page_token
        )

    def set_model_version_tag(self, name: str, version: Version, tag: ModelVersionTag) -> None:
        """See :meth:`RegistryStore.set_model_version_tag`."""
        versions.set_model_version_tag(self._db, name, version, tag)

    def delete_model_version_tag(self, name: str, version: Version, key: str) -> None:
        """See :meth:`RegistryStore.delete_model_version_tag`."""
        versions.delete_model_version_tag(self._db, name, version, key)

    # -- aliases -----------------------------------------------------------------------

    def set_registered_model_alias(self, name: str, alias: str, version: Version) -> None:
        """See :meth:`RegistryStore.set_registered_model_alias`."""
        aliases.set_registered_model_alias(self._db, name, alias, version)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model_alias`."""
        aliases.delete_registered_model_alias(self._db, name, alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """See :meth:`RegistryStore.get_model_version_by_alias`."""
        return aliases.get_model_version_by_alias(self._db, name, alias)
