"""The REST registry store: the registry-store contract over a Heron or MLflow server.

Every method is one call of :mod:`heron.protocol`'s route table (the routes and codecs the
server uses), sent as MLflow's client sends it, so an MLflow 3.x server answers it too:
version numbers are checked here (as every registry store checks them), travel as strings
and come back as ints; searches answer one page with its ``next_page_token``; a server's
error comes back as the class its code names.
"""

from __future__ import annotations

from collections.abc import Sequence

from heron.entities import PagedList
from heron.entities.registry import (
    ModelVersion,
    ModelVersionStage,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelTag,
)
from heron.store.registry.base import RegistryStore, Version
from heron.store.rpc import RpcClient, page_of
from heron.validation_registry import validate_version


class RestRegistryStore(RpcClient, RegistryStore):
    """A registry store behind a tracking server's REST API.

    Args:
        host_uri: The server, e.g. ``http://localhost:5000`` (a path prefix is kept).
        transport: The HTTP transport; by default one keep-alive pool configured from
            :mod:`heron.config` (auth, TLS, retries).
    """

    # -- registered models -------------------------------------------------------------

    def create_registered_model(
        self,
        name: str,
        tags: Sequence[RegisteredModelTag] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """See :meth:`RegistryStore.create_registered_model`."""
        result = self.call("CreateRegisteredModel", name=name, tags=tags, description=description)
        return _model(result)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """See :meth:`RegistryStore.get_registered_model`."""
        return _model(self.call("GetRegisteredModel", name=name))

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        """See :meth:`RegistryStore.update_registered_model`."""
        return _model(self.call("UpdateRegisteredModel", name=name, description=description))

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """See :meth:`RegistryStore.rename_registered_model`."""
        return _model(self.call("RenameRegisteredModel", name=name, new_name=new_name))

    def delete_registered_model(self, name: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model`."""
        self.call("DeleteRegisteredModel", name=name)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """See :meth:`RegistryStore.search_registered_models`."""
        result = self.call(
            "SearchRegisteredModels",
            filter=filter_string,
            max_results=max_results,
            order_by=order_by,
            page_token=page_token,
        )
        return page_of(result, "registered_models")

    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = None
    ) -> list[ModelVersion]:
        """See :meth:`RegistryStore.get_latest_versions`."""
        stage_names = [str(stage) for stage in stages or ()]
        result = self.call("GetLatestVersions", name=name, stages=stage_names)
        return list(result.get("model_versions", ()))

    def set_registered_model_tag(self, name: str, tag: RegisteredModelTag) -> None:
        """See :meth:`RegistryStore.set_registered_model_tag`."""
        self.call("SetRegisteredModelTag", name=name, key=tag.key, value=tag.value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model_tag`."""
        self.call("DeleteRegisteredModelTag", name=name, key=key)

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
        result = self.call(
            "CreateModelVersion",
            name=name,
            source=source,
            run_id=run_id,
            tags=tags,
            run_link=run_link,
            description=description,
            model_id=model_id,
        )
        return _version(result)

    def get_model_version(self, name: str, version: Version) -> ModelVersion:
        """See :meth:`RegistryStore.get_model_version`."""
        return _version(self.call("GetModelVersion", name=name, version=validate_version(version)))

    def update_model_version(
        self, name: str, version: Version, description: str | None
    ) -> ModelVersion:
        """See :meth:`RegistryStore.update_model_version`."""
        result = self.call(
            "UpdateModelVersion",
            name=name,
            version=validate_version(version),
            description=description,
        )
        return _version(result)

    def transition_model_version_stage(
        self,
        name: str,
        version: Version,
        stage: ModelVersionStage | str,
        archive_existing_versions: bool = False,
    ) -> ModelVersion:
        """See :meth:`RegistryStore.transition_model_version_stage`."""
        result = self.call(
            "TransitionModelVersionStage",
            name=name,
            version=validate_version(version),
            stage=str(stage),
            archive_existing_versions=bool(archive_existing_versions),
        )
        return _version(result)

    def delete_model_version(self, name: str, version: Version) -> None:
        """See :meth:`RegistryStore.delete_model_version`."""
        self.call("DeleteModelVersion", name=name, version=validate_version(version))

    def get_model_version_download_uri(self, name: str, version: Version) -> str:
        """See :meth:`RegistryStore.get_model_version_download_uri`."""
        result = self.call(
            "GetModelVersionDownloadUri", name=name, version=validate_version(version)
        )
        return str(result.get("artifact_uri", ""))

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """See :meth:`RegistryStore.search_model_versions`."""
        result = self.call(
            "SearchModelVersions",
            filter=filter_string,
            max_results=max_results,
            order_by=order_by,
            page_token=page_token,
        )
        return page_of(result, "model_versions")

    def set_model_version_tag(self, name: str, version: Version, tag: ModelVersionTag) -> None:
        """See :meth:`RegistryStore.set_model_version_tag`."""
        self.call(
            "SetModelVersionTag",
            name=name,
            version=validate_version(version),
            key=tag.key,
            value=tag.value,
        )

    def delete_model_version_tag(self, name: str, version: Version, key: str) -> None:
        """See :meth:`RegistryStore.delete_model_version_tag`."""
        self.call("DeleteModelVersionTag", name=name, version=validate_version(version), key=key)

    # -- aliases -----------------------------------------------------------------------

    def set_registered_model_alias(self, name: str, alias: str, version: Version) -> None:
        """See :meth:`RegistryStore.set_registered_model_alias`."""
        self.call(
            "SetRegisteredModelAlias", name=name, alias=alias, version=validate_version(version)
        )

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """See :meth:`RegistryStore.delete_registered_model_alias`."""
        self.call("DeleteRegisteredModelAlias", name=name, alias=alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """See :meth:`RegistryStore.get_model_version_by_alias`."""
        return _version(self.call("GetModelVersionByAlias", name=name, alias=alias))


def _model(result: dict[str, object]) -> RegisteredModel:
    model = result["registered_model"]
    assert isinstance(model, RegisteredModel)
    return model


def _version(result: dict[str, object]) -> ModelVersion:
    version = result["model_version"]
    assert isinstance(version, ModelVersion)
    return version
