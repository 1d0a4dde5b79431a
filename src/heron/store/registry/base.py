"""The registry-store contract.

Every backend (SQL, REST, ...) implements :class:`RegistryStore`; the contract suite in
``tests/contract/registry`` checks the semantics below against each of them.

- Names: a registered model name is unique; ``get_*`` raises
  :class:`~heron.exceptions.NotFound` ("Registered Model with name=X not found",
  "Model Version (name=X, version=N) not found"); creating or renaming onto a taken name
  raises :class:`~heron.exceptions.AlreadyExists`.
- Versions are numbered ``max(every version ever created) + 1`` from 1; a deleted
  version's number is never reused. Versions are created READY in stage ``None``.
- Deleting a version hides it everywhere (get, search, latest versions, aliases) and
  deletes the aliases that point at it. Deleting a registered model deletes its versions,
  tags and aliases. Renaming keeps versions, tags and aliases under the new name.
- ``transition_model_version_stage`` takes a stage in any case and stores it canonical;
  with ``archive_existing_versions`` (only for Staging and Production, else
  InvalidParameter) every other version in the target stage moves to ``Archived``.
- Aliases: one alias names one version of a model (setting it again re-points it);
  ``latest`` (any case) and ``v<digits>`` are reserved; ``get_model_version_by_alias``
  with ``latest`` gives the highest live version.
- ``last_updated_timestamp`` of a registered model changes on version create, transition,
  version delete, description update and rename; not on tag or alias changes. A version's
  changes on its description update and transitions.
- Version numbers arrive as ``int`` or a string of an integer (anything else is
  InvalidParameter "Parameter 'version' must be an integer") and leave as ``int``.
- Search pages are :class:`~heron.entities.PagedList` with MLflow's page tokens; filters
  use :mod:`heron.search` (targets ``registered_models`` and ``model_versions``).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence

from heron.entities import PagedList
from heron.entities.registry import (
    ModelVersion,
    ModelVersionStage,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelTag,
)
from heron.exceptions import NotFound

SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT = 100
SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD = 1000
SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT = 10000
SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD = 200000

Version = int | str
"""A version number as callers pass it: ``3`` or ``"3"``."""


class RegistryStore(abc.ABC):
    """Registered models, their versions, stages, aliases and tags."""

    # -- registered models -------------------------------------------------------------

    @abc.abstractmethod
    def create_registered_model(
        self,
        name: str,
        tags: Sequence[RegisteredModelTag] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """Create a registered model with no versions."""

    @abc.abstractmethod
    def get_registered_model(self, name: str) -> RegisteredModel:
        """The registered model, with its latest version per stage, tags and aliases."""

    @abc.abstractmethod
    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        """Set the description (None or ``""`` clears it)."""

    @abc.abstractmethod
    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a model; its versions, tags and aliases follow."""

    @abc.abstractmethod
    def delete_registered_model(self, name: str) -> None:
        """Delete a model with its versions, tags and aliases."""

    @abc.abstractmethod
    def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """One page of registered models; default order ``name ASC``.

        ``max_results`` defaults to 100 and may not exceed 1000.
        """

    @abc.abstractmethod
    def get_latest_versions(
        self, name: str, stages: Sequence[str] | None = None
    ) -> list[ModelVersion]:
        """The highest version in each stage (all stages when ``stages`` is empty)."""

    @abc.abstractmethod
    def set_registered_model_tag(self, name: str, tag: RegisteredModelTag) -> None:
        """Set (or overwrite) a tag of a registered model."""

    @abc.abstractmethod
    def delete_registered_model_tag(self, name: str, key: str) -> None:
        """Delete a tag of a registered model (a missing key is not an error)."""

    # -- model versions ----------------------------------------------------------------

    @abc.abstractmethod
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
        """Add the next version to a registered model (which must exist)."""

    @abc.abstractmethod
    def get_model_version(self, name: str, version: Version) -> ModelVersion:
        """One live version."""

    @abc.abstractmethod
    def update_model_version(
        self, name: str, version: Version, description: str | None
    ) -> ModelVersion:
        """Set a version's description."""

    @abc.abstractmethod
    def transition_model_version_stage(
        self,
        name: str,
        version: Version,
        stage: ModelVersionStage | str,
        archive_existing_versions: bool = False,
    ) -> ModelVersion:
        """Move a version to a stage; see the module documentation for archiving."""

    @abc.abstractmethod
    def delete_model_version(self, name: str, version: Version) -> None:
        """Delete a version (its number is never reused) and the aliases pointing at it."""

    @abc.abstractmethod
    def get_model_version_download_uri(self, name: str, version: Version) -> str:
        """Where the version's files are: its source, as registered (a ``models:/`` source
        resolved at registration, as MLflow's ``storage_location``)."""

    @abc.abstractmethod
    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """One page of live versions; without ``order_by`` the most recently updated first
        (as MLflow's SQL store), every order ending ``name ASC, version_number DESC``.

        ``max_results`` defaults to 10000 and may not exceed 200000.
        """

    @abc.abstractmethod
    def set_model_version_tag(self, name: str, version: Version, tag: ModelVersionTag) -> None:
        """Set (or overwrite) a tag of a version."""

    @abc.abstractmethod
    def delete_model_version_tag(self, name: str, version: Version, key: str) -> None:
        """Delete a tag of a version (a missing key is not an error)."""

    # -- aliases -----------------------------------------------------------------------

    @abc.abstractmethod
    def set_registered_model_alias(self, name: str, alias: str, version: Version) -> None:
        """Point ``alias`` at a live version (re-pointing it if it exists)."""

    @abc.abstractmethod
    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        """Remove an alias (a missing alias is not an error; a missing model is)."""

    @abc.abstractmethod
    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version an alias names; ``latest`` is the highest live version."""

    # -- derived -----------------------------------------------------------------------

    def version_number(
        self,
        name: str,
        version: Version | None = None,
        stage: str | None = None,
        alias: str | None = None,
    ) -> int:
        """The number of the version a model URI names: a number as is, an alias's
        version, else the highest live version in ``stage`` (any stage when None).

        Raises:
            NotFound: The model or alias is missing, or no version is in the stage.
        """
        if version is not None:
            return int(version)
        if alias is not None:
            return self.get_model_version_by_alias(name, alias).version
        latest = self.get_latest_versions(name, None if stage is None else [stage])
        if not latest:
            in_stage = "" if stage is None else f" and stage '{stage}'"
            raise NotFound(f"No versions of model with name '{name}'{in_stage} found")
        return max(found.version for found in latest)
