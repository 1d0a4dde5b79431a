"""Registry rows to entities, fast: a search builds hundreds of them per page.

ModelVersion and RegisteredModel are frozen slots dataclasses, whose ``__init__`` pays for
``object.__setattr__`` on every field; the builders here set the slots directly, two to
three times faster, and fall back to the constructor if an entity's shape ever changes.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from heron.entities.registry import ModelVersion, RegisteredModel

Row = Sequence[Any]
"""A row of ``reads.VERSION_COLUMNS`` or ``reads.MODEL_COLUMNS``."""

_VERSION_FIELDS = (
    "name",
    "version",
    "creation_timestamp",
    "last_updated_timestamp",
    "description",
    "user_id",
    "current_stage",
    "source",
    "run_id",
    "status",
    "status_message",
    "tags",
    "run_link",
    "aliases",
    "model_id",
)
_MODEL_FIELDS = (
    "name",
    "creation_timestamp",
    "last_updated_timestamp",
    "description",
    "latest_versions",
    "tags",
    "aliases",
    "user_id",
)


def _slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of ``cls``'s fields, if it is a slots dataclass with fields
    ``names`` (in order); else none."""
    if tuple(f.name for f in dataclasses.fields(cls)) != names or "__slots__" not in vars(cls):
        return ()
    return tuple(vars(cls)[name].__set__ for name in names)


def construct_version(row: Row) -> ModelVersion:
    """The model version a version row holds, through the constructor."""
    return ModelVersion(
        name=row[1],
        version=row[2],
        creation_timestamp=row[3],
        last_updated_timestamp=row[4],
        description=row[5],
        user_id=row[6],
        current_stage=row[7],
        source=row[8],
        run_id=row[9],
        status=row[10],
        status_message=row[11],
        tags=_object(row[14]),
        run_link=row[12],
        aliases=_aliases(row[15], row[2]),
        model_id=row[13],
    )


def _version_builder() -> Callable[[Row], ModelVersion]:
    setters = _slot_setters(ModelVersion, _VERSION_FIELDS)
    if not setters:
        return construct_version
    (
        set_name,
        set_version,
        set_created,
        set_updated,
        set_description,
        set_user,
        set_stage,
        set_source,
        set_run,
        set_status,
        set_message,
        set_tags,
        set_link,
        set_aliases,
        set_model,
    ) = setters
    new = object.__new__

    def build(row: Row) -> ModelVersion:
        (_, name, number, created, updated, description, user, stage, source, run, status,
         message, link, model_id, tags, aliases) = row  # fmt: skip
        version: ModelVersion = new(ModelVersion)
        set_name(version, name)
        set_version(version, number)
        set_created(version, created)
        set_updated(version, updated)
        set_description(version, description)
        set_user(version, user)
        set_stage(version, stage)
        set_source(version, source)
        set_run(version, run)
        set_status(version, status)
        set_message(version, message)
        set_tags(version, _object(tags))
        set_link(version, link)
        set_aliases(version, _aliases(aliases, number))
        set_model(version, model_id)
        return version

    return build


to_version = _version_builder()
"""The model version a version row holds."""


def construct_model(row: Row, latest_versions: list[ModelVersion]) -> RegisteredModel:
    """The registered model a model row holds, through the constructor."""
    return RegisteredModel(
        name=row[1],
        creation_timestamp=row[2],
        last_updated_timestamp=row[3],
        description=row[4],
        latest_versions=latest_versions,
        tags=_object(row[6]),
        aliases=_object(row[7]),
        user_id=row[5],
    )


def _model_builder() -> Callable[[Row, list[ModelVersion]], RegisteredModel]:
    setters = _slot_setters(RegisteredModel, _MODEL_FIELDS)
    if not setters:
        return construct_model
    (
        set_name,
        set_created,
        set_updated,
        set_description,
        set_latest,
        set_tags,
        set_aliases,
        set_user,
    ) = setters
    new = object.__new__

    def build(row: Row, latest_versions: list[ModelVersion]) -> RegisteredModel:
        _, name, created, updated, description, user, tags, aliases = row
        model: RegisteredModel = new(RegisteredModel)
        set_name(model, name)
        set_created(model, created)
        set_updated(model, updated)
        set_description(model, description)
        set_latest(model, latest_versions)
        set_tags(model, _object(tags))
        set_aliases(model, _object(aliases))
        set_user(model, user)
        return model

    return build


to_model = _model_builder()
"""The registered model a model row holds, with these latest versions."""

# Pages repeat the same few tag sets; parsed once, copied per entity (values are strings).
_parse = lru_cache(maxsize=4096)(json.loads)


def _object(text: str | None) -> dict[str, Any]:
    """A JSON object copied from the tag or alias rows; most rows have none (NULL or
    ``{}``)."""
    return {} if text is None or text == "{}" else dict(_parse(text))


def _aliases(text: str | None, version: int) -> list[str]:
    """The aliases naming ``version``, sorted, from its model's ``{alias: version}`` JSON;
    most models have none (NULL or ``{}``)."""
    if text is None or text == "{}":
        return []
    return sorted(alias for alias, number in _parse(text).items() if number == version)
