"""The client's model-registry methods, with MLflow 3.x's names, arguments and defaults.

Every call goes to the registry store of the client's registry URI (the tracking URI unless
one was given): the same database as tracking for ``sqlite:``/``postgresql:``, a tracking
server's registry endpoints for ``http(s):``. Tags are given as dictionaries and their values
converted with ``str``; version numbers may be ``int`` or a string of one.

Stage methods still work but warn, as MLflow 3.x does: aliases replace stages.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.entities import PagedList
from heron.entities.registry import (
    ModelVersion,
    ModelVersionStage,
    ModelVersionStatus,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelTag,
)
from heron.exceptions import HeronError, InvalidParameter
from heron.store.registry.base import (
    SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
    SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
    Version,
)
from heron.validation_registry import missing_value

if TYPE_CHECKING:
    from heron.store.registry.base import RegistryStore

_logger = logging.getLogger(__name__)

AWAIT_POLL_SECONDS = 3.0
STAGES_DEPRECATION = (
    "Model registry stages will be removed in a future major release. To learn more about "
    "the deprecation of model registry stages, see our migration guide here: "
    "https://mlflow.org/docs/latest/model-registry.html#migrating-from-stages"
)


def _deprecated(method: str, since: str, impact: str) -> None:
    warnings.warn(
        f"``heron.tracking.client.MlflowClient.{method}`` is deprecated since {since}. {impact}",
        FutureWarning,
        stacklevel=3,
    )


def _required_key(key: str | None) -> str:
    if key is None:
        raise InvalidParameter(missing_value("key"))
    return key


def _model_version_tags(tags: Mapping[str, Any] | None) -> list[ModelVersionTag]:
    return [ModelVersionTag(str(key), str(value)) for key, value in (tags or {}).items()]


class RegistryMethods:
    """Model-registry methods of :class:`heron.tracking.MlflowClient`."""

    _registry_uri: str

    @property
    def registry_store(self) -> RegistryStore:
        """The registry store of this client's registry URI (one per URI and process)."""
        from heron.store.registry import get_registry_store

        return get_registry_store(self._registry_uri)

    # -- registered models -------------------------------------------------------------

    def create_registered_model(
        self,
        name: str,
        tags: Mapping[str, Any] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """Create a registered model with no versions; AlreadyExists if the name is taken.

        Args:
            name: A unique name (no ``/`` or ``:``).
            tags: Tags of the model; values are converted with ``str``.
            description: A description (Markdown).
        """
        model_tags = [RegisteredModelTag(str(k), str(v)) for k, v in (tags or {}).items()]
        return self.registry_store.create_registered_model(name, model_tags, description)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """The registered model with its latest version per stage, tags and aliases."""
        return self.registry_store.get_registered_model(name)

    def update_registered_model(self, name: str, description: str | None = None) -> RegisteredModel:
        """Set a registered model's description."""
        return self.registry_store.update_registered_model(name, description)

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a registered model; its versions, tags and aliases follow.

        Raises:
            InvalidParameter: ``new_name`` is empty.
            AlreadyExists: ``new_name`` is taken.
        """
        if new_name.strip() == "":
            raise InvalidParameter("The name must not be an empty string.")
        return self.registry_store.rename_registered_model(name, new_name)

    def delete_registered_model(self, name: str) -> None:
        """Delete a registered model with its versions, tags and aliases (irrevocable)."""
        self.registry_store.delete_registered_model(name)

    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """One page of registered models; its ``token`` fetches the next page.

        Args:
            filter_string: e.g. ``"name LIKE 'rf-%' AND tags.team = 'a'"`` (``name`` with
                ``= != LIKE ILIKE``, ``tags.<key>``; clauses joined with ``AND``).
            max_results: The page size, at most 1000.
            order_by: e.g. ``["name DESC"]``, ``["last_updated_timestamp"]``; by name.
            page_token: The ``token`` of the previous page.
        """
        return self.registry_store.search_registered_models(
            filter_string, max_results, order_by, page_token
        )

    def list_registered_models(
        self,
        max_results: int = SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """One page of every registered model (deprecated: use search_registered_models)."""
        _deprecated(
            "list_registered_models",
            "1.28",
            "This method will be removed in a future release. "
            "Use ``search_registered_models`` instead.",
        )
        return self.search_registered_models(max_results=max_results, page_token=page_token)

    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = None
    ) -> list[ModelVersion]:
        """The highest version in each of ``stages`` (every stage when None); deprecated."""
        _deprecated("get_latest_versions", "2.9.0", STAGES_DEPRECATION)
        return self.registry_store.get_latest_versions(name, stages)

    def set_registered_model_tag(self, name: str, key: str, value: Any) -> None:
        """Set a registered model's tag (the value is converted with ``str``)."""
        self.registry_store.set_registered_model_tag(name, RegisteredModelTag(key, str(value)))

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """Delete a registered model's tag."""
        self.registry_store.delete_registered_model_tag(name, key)

    # -- model versions ----------------------------------------------------------------

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: Mapping[str, Any] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        await_creation_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
        model_id: str | None = None,
    ) -> ModelVersion:
        """Add the next version to a registered model.

        Args:
            name: The registered model (it must exist).
            source: Where the model's files are: ``runs:/<run_id>/<path>``,
                ``models:/<model_id>``, ``models:/<name>/<version>``, an artifact URI, or a
                local path (embedded stores only; a server refuses local paths).
            run_id: The run that produced the model.
            tags: Version tags; values are converted with ``str``.
            run_link: A link to that run.
            description: A description (Markdown).
            await_creation_for: Seconds to wait for the version to become READY (0 or None:
                do not wait). Heron's stores create versions READY.
            model_id: The logged model (MLflow 3.x) the version is made from.
        """
        version = self.registry_store.create_model_version(
            name,
            str(source),
            run_id,
            _model_version_tags(tags),
            run_link,
            description,
            model_id=model_id,
        )
        return self._await_ready(version, await_creation_for)

    def _await_ready(self, version: ModelVersion, seconds: float | None) -> ModelVersion:
        """Poll a PENDING version until it is READY, as MLflow's client does."""
        pending = ModelVersionStatus.PENDING_REGISTRATION.value
        if not seconds or seconds <= 0 or version.status != pending:
            return version
        _logger.info(
            "Waiting up to %s seconds for model version to finish creation. "
            "Model name: %s, version %s",
            seconds,
            version.name,
            version.version,
        )
        deadline = time.monotonic() + seconds
        while version.status == pending:
            if time.monotonic() > deadline:
                raise HeronError(
                    f"Exceeded max wait time for model name: {version.name} version: "
                    f"{version.version} to become READY. Status: {version.status} "
                    f"Wait Time: {seconds}"
                )
            time.sleep(AWAIT_POLL_SECONDS)
            version = self.registry_store.get_model_version(version.name, version.version)
        if version.status != ModelVersionStatus.READY.value:
            raise HeronError(
                f"Model version creation failed for model name: {version.name} version: "
                f"{version.version} with status: {version.status} and message: "
                f"{version.status_message}"
            )
        return version

    def get_model_version(self, name: str, version: Version) -> ModelVersion:
        """One version of a registered model; NotFound if it does not exist."""
        return self.registry_store.get_model_version(name, version)

    def update_model_version(
        self, name: str, version: Version, description: str | None = None
    ) -> ModelVersion:
        """Set a version's description."""
        return self.registry_store.update_model_version(name, version, description)

    def transition_model_version_stage(
        self,
        name: str,
        version: Version,
        stage: str,
        archive_existing_versions: bool = False,
    ) -> ModelVersion:
        """Move a version to a stage (deprecated in MLflow 3.x in favour of aliases).

        Args:
            name: The registered model.
            version: The version.
            stage: ``None``, ``Staging``, ``Production`` or ``Archived``, in any case.
            archive_existing_versions: Move every other version in the target stage to
                ``Archived`` (only for Staging and Production).
        """
        _deprecated("transition_model_version_stage", "2.9.0", STAGES_DEPRECATION)
        if str(stage).strip() == "":
            raise InvalidParameter("The stage must not be an empty string.")
        return self.registry_store.transition_model_version_stage(
            name, version, stage, archive_existing_versions
        )

    def get_model_version_stages(self, name: str, version: Version) -> list[str]:
        """Every stage a version can be moved to (deprecated, as stages are)."""
        _deprecated("get_model_version_stages", "2.9.0", STAGES_DEPRECATION)
        return [stage.value for stage in ModelVersionStage]

    def delete_model_version(self, name: str, version: Version) -> None:
        """Delete a version and its aliases; its number is never reused."""
        self.registry_store.delete_model_version(name, version)

    def get_model_version_download_uri(self, name: str, version: Version) -> str:
        """Where a version's files are (a URI to download or resolve further)."""
        return self.registry_store.get_model_version_download_uri(name, version)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """One page of model versions; its ``token`` fetches the next page.

        Args:
            filter_string: e.g. ``"name = 'rf' AND run_id IN ('a', 'b')"`` (``name``,
                ``run_id``, ``source_path``, ``version_number``, ``tags.<key>``).
            max_results: The page size, at most 200000.
            order_by: e.g. ``["version_number ASC"]``; by name, newest version first.
            page_token: The ``token`` of the previous page.
        """
        return self.registry_store.search_model_versions(
            filter_string, max_results, order_by, page_token
        )

    def _version_or_stage(self, name: str, version: Version | None, stage: str | None) -> Version:
        if version and stage:
            raise InvalidParameter("version and stage cannot be set together")
        if not (version or stage):
            raise InvalidParameter("version or stage must be set")
        if version:
            return version
        warnings.warn(
            "The `stage` parameter of the model version tag APIs is deprecated. "
            + STAGES_DEPRECATION,
            FutureWarning,
            stacklevel=3,
        )
        latest = self.registry_store.get_latest_versions(name, [str(stage)])
        if not latest:
            raise InvalidParameter(f"Could not find any model version for {stage} stage")
        return latest[0].version

    def set_model_version_tag(
        self,
        name: str,
        version: Version | None = None,
        key: str | None = None,
        value: Any = None,
        stage: str | None = None,
    ) -> None:
        """Set a version's tag; ``stage`` (deprecated) means that stage's latest version."""
        number = self._version_or_stage(name, version, stage)
        tag = ModelVersionTag(_required_key(key), str(value))
        self.registry_store.set_model_version_tag(name, number, tag)

    def delete_model_version_tag(
        self,
        name: str,
        version: Version | None = None,
        key: str | None = None,
        stage: str | None = None,
    ) -> None:
        """Delete a version's tag; ``stage`` (deprecated) means that stage's latest version."""
        number = self._version_or_stage(name, version, stage)
        self.registry_store.delete_model_version_tag(name, number, _required_key(key))

    # -- aliases -----------------------------------------------------------------------

    def set_registered_model_alias(self, name: str, alias: str, version: Version) -> None:
        """Point an alias (e.g. ``champion``) at a version, moving it if it exists."""
        self.registry_store.set_registered_model_alias(name, alias, version)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove an alias."""
        self.registry_store.delete_registered_model_alias(name, alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version an alias points at (``latest``: the highest version)."""
        return self.registry_store.get_model_version_by_alias(name, alias)
