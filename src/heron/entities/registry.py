"""The model registry: registered models, their versions, stages, aliases and tags.

A registered model is a name with numbered versions; each version points at a model's files
(``source``) and remembers the run that produced it. Versions move through stages
(``None`` -> ``Staging`` -> ``Production`` -> ``Archived``); aliases (``@champion``) are the
newer, stage-free way to name one version. Versions are numbered from 1 per model and a
number is never reused, not even after the version is deleted.

Version numbers are ``int`` here, whatever the store (MLflow's SQL store returns ints, its
REST store strings); the wire carries them as strings.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field

from heron.entities._base import Entity
from heron.exceptions import InvalidParameter


class ModelVersionStage(str, enum.Enum):
    """The stages a version can be in. Input is case-insensitive; stored canonical."""

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def coerce(cls, value: ModelVersionStage | str) -> ModelVersionStage:
        """The stage a name (any case) stands for.

        Raises:
            InvalidParameter: For anything but None, Staging, Production or Archived, with
                MLflow's message.
        """
        if isinstance(value, ModelVersionStage):
            return value
        found = _STAGES.get(value.lower()) if isinstance(value, str) else None
        if found is None:
            raise InvalidParameter(
                f"Invalid Model Version stage: {value}. "
                f"Value must be one of {', '.join(s.value for s in cls)}."
            )
        return found


_STAGES = {stage.value.lower(): stage for stage in ModelVersionStage}
DELETED_STAGE = "Deleted_Internal"
"""The stage a deleted version is kept in; never shown to users."""
ACTIVE_STAGES = (ModelVersionStage.STAGING, ModelVersionStage.PRODUCTION)
"""The stages ``archive_existing_versions`` applies to."""


class ModelVersionStatus(str, enum.Enum):
    """A version's registration status. Heron creates versions READY."""

    PENDING_REGISTRATION = "PENDING_REGISTRATION"
    FAILED_REGISTRATION = "FAILED_REGISTRATION"
    READY = "READY"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class RegisteredModelTag(Entity):
    """A tag of a registered model."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class ModelVersionTag(Entity):
    """A tag of a model version."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class RegisteredModelAlias(Entity):
    """An alias of a registered model and the version it points at."""

    alias: str
    version: int


@dataclass(frozen=True, slots=True)
class ModelVersion(Entity):
    """One version of a registered model.

    Attributes:
        version: The version number, from 1.
        creation_timestamp: Milliseconds since the epoch; so is ``last_updated_timestamp``.
        current_stage: ``None``, ``Staging``, ``Production`` or ``Archived``.
        source: Where the model's files are, as given at registration (``runs:/...``,
            ``models:/m-...``, an artifact URI or a path).
        run_id: The run that produced the model, if known.
        run_link: A link to that run, as given.
        status: ``READY`` (Heron registers synchronously).
        aliases: The model's aliases that point at this version.
        model_id: The logged model (MLflow 3.x) the version was made from, if any.
    """

    name: str
    version: int
    creation_timestamp: int
    last_updated_timestamp: int | None = None
    description: str | None = None
    user_id: str | None = None
    current_stage: str = ModelVersionStage.NONE.value
    source: str | None = None
    run_id: str | None = None
    status: str = ModelVersionStatus.READY.value
    status_message: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    run_link: str | None = None
    aliases: list[str] = field(default_factory=list)
    model_id: str | None = None


@dataclass(frozen=True, slots=True)
class RegisteredModel(Entity):
    """A registered model: a unique name, its description, tags, aliases and versions.

    Attributes:
        latest_versions: For each stage that has versions, the highest-numbered one.
        aliases: ``{alias: version number}``.
    """

    name: str
    creation_timestamp: int | None = None
    last_updated_timestamp: int | None = None
    description: str | None = None
    latest_versions: list[ModelVersion] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, int] = field(default_factory=dict)
    user_id: str | None = None


MODEL_VERSIONS_TAG = "mlflow.modelVersions"
"""The logged-model tag listing the registered versions made from the model (JSON)."""
PROMPT_TAG = "mlflow.prompt.is_prompt"
"""``true`` on registered models and versions that are prompts (MLflow 3.x)."""


def with_model_version(tag_value: str | None, name: str, version: int) -> str | None:
    """The ``mlflow.modelVersions`` tag value with ``{"name", "version"}`` appended, or
    None when an entry for that version (as a number or a string) is already there.

    A missing or unreadable value counts as an empty list.
    """
    try:
        entries = json.loads(tag_value or "[]")
    except ValueError:
        entries = []
    if not isinstance(entries, list):
        entries = []
    known = {(str(e.get("name")), str(e.get("version"))) for e in entries if isinstance(e, dict)}
    if (name, str(version)) in known:
        return None
    return json.dumps([*entries, {"name": name, "version": version}])
