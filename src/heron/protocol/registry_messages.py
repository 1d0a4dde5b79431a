"""The model registry's entities on the wire: their messages and codecs, MLflow-shaped.

Shapes are those of MLflow's server over its SQL store: a version number travels as a
string (``"3"``) and is an ``int`` in the entities; a model version always carries
``description`` and ``run_link`` (``""`` when unset) and its ``aliases`` only when it has
some; a registered model's aliases are ``[{"alias", "version"}]`` and its description is
omitted when empty; tags are ``[{"key", "value"}]``; the status is its enum name
(``READY``). Decoding is lenient, so what an MLflow server sends reads back the same:
empty strings for unset text come back as None, version strings as ints.
"""

from __future__ import annotations

from typing import Any

from heron.entities.registry import (
    ModelVersion,
    ModelVersionStatus,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelAlias,
    RegisteredModelTag,
)
from heron.exceptions import InvalidParameter
from heron.protocol.codec import register_codec, register_key_value
from heron.protocol.schema import EnumType, define, enumeration, int64, nested, string

MODEL_VERSION_STATUS = EnumType(
    "ModelVersionStatus",
    {"PENDING_REGISTRATION": 1, "FAILED_REGISTRATION": 2, "READY": 3},
)

for _name, _cls in (
    ("RegisteredModelTag", RegisteredModelTag),
    ("ModelVersionTag", ModelVersionTag),
):
    define(_name, string("key", required=True), string("value"), doc=f"A {_name}: key and value.")
    register_key_value(_name, _cls)

define(
    "RegisteredModelAlias",
    string("alias", required=True),
    string("version", required=True, doc="the version number, as a string"),
    doc="An alias of a registered model and the version it names.",
)
define(
    "ModelVersion",
    string("name"),
    string("version", doc="the version number, as a string"),
    int64("creation_timestamp", doc="milliseconds since the epoch"),
    int64("last_updated_timestamp", doc="milliseconds since the epoch"),
    string("user_id"),
    string("current_stage", doc="None, Staging, Production or Archived"),
    string("description"),
    string("source", doc="where the model's files are, as registered"),
    string("run_id"),
    enumeration("status", MODEL_VERSION_STATUS),
    string("status_message"),
    nested("tags", "ModelVersionTag", repeated=True),
    string("run_link"),
    string("aliases", repeated=True),
    string("model_id", doc="the logged model (MLflow 3.x) the version was made from"),
    doc="One version of a registered model.",
)
define(
    "RegisteredModel",
    string("name"),
    int64("creation_timestamp"),
    int64("last_updated_timestamp"),
    string("user_id"),
    string("description"),
    nested("latest_versions", "ModelVersion", repeated=True, doc="the latest version per stage"),
    nested("tags", "RegisteredModelTag", repeated=True),
    nested("aliases", "RegisteredModelAlias", repeated=True),
    doc="A registered model: a unique name, numbered versions, tags and aliases.",
)


def version_number(value: Any) -> int:
    """A version number from its wire form (``"3"``) or an int, as responses carry it.

    Raises:
        InvalidParameter: for anything that is not an integer.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise InvalidParameter(f"Parameter 'version' must be an integer, got {value!r}.") from None


def _pairs(mapping: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in mapping.items()]


def encode_model_version(version: ModelVersion) -> dict[str, Any]:
    """A model version as MLflow's server sends it."""
    out: dict[str, Any] = {
        "name": version.name,
        "version": str(version.version),
        "creation_timestamp": version.creation_timestamp,
    }
    optional = (
        ("last_updated_timestamp", version.last_updated_timestamp),
        ("user_id", version.user_id),
    )
    out.update((key, value) for key, value in optional if value is not None)
    out["current_stage"] = str(version.current_stage)
    out["description"] = version.description or ""
    if version.source is not None:
        out["source"] = version.source
    out["run_id"] = version.run_id or ""  # MLflow sends "" for a version without a run
    out["status"] = str(version.status)
    if version.status_message:
        out["status_message"] = version.status_message
    if version.tags:
        out["tags"] = _pairs(version.tags)
    out["run_link"] = version.run_link or ""
    if version.aliases:
        out["aliases"] = list(version.aliases)
    if version.model_id:
        out["model_id"] = version.model_id
    return out


def decode_model_version(fields: dict[str, Any]) -> ModelVersion:
    """A model version from its decoded fields (a Heron or an MLflow server's)."""
    get = fields.get
    return ModelVersion(
        name=get("name", ""),
        version=version_number(get("version", 0)),
        creation_timestamp=get("creation_timestamp", 0),
        last_updated_timestamp=get("last_updated_timestamp"),
        description=get("description") or None,
        user_id=get("user_id") or None,
        current_stage=get("current_stage") or "None",
        source=get("source"),
        run_id=get("run_id") or None,
        status=get("status") or ModelVersionStatus.READY.value,
        status_message=get("status_message") or None,
        tags={tag.key: tag.value for tag in get("tags", ())},
        run_link=get("run_link") or None,
        aliases=list(get("aliases", ())),
        model_id=get("model_id") or None,
    )


def encode_registered_model(model: RegisteredModel) -> dict[str, Any]:
    """A registered model as MLflow's server sends it."""
    out: dict[str, Any] = {"name": model.name}
    if model.creation_timestamp is not None:
        out["creation_timestamp"] = model.creation_timestamp
    if model.last_updated_timestamp:
        out["last_updated_timestamp"] = model.last_updated_timestamp
    if model.user_id:
        out["user_id"] = model.user_id
    if model.description:
        out["description"] = model.description
    if model.latest_versions:
        out["latest_versions"] = [encode_model_version(v) for v in model.latest_versions]
    if model.tags:
        out["tags"] = _pairs(model.tags)
    if model.aliases:
        out["aliases"] = [
            {"alias": alias, "version": str(number)} for alias, number in model.aliases.items()
        ]
    return out


def decode_registered_model(fields: dict[str, Any]) -> RegisteredModel:
    """A registered model from its decoded fields (a Heron or an MLflow server's)."""
    get = fields.get
    return RegisteredModel(
        name=get("name", ""),
        creation_timestamp=get("creation_timestamp"),
        last_updated_timestamp=get("last_updated_timestamp"),
        description=get("description") or None,
        latest_versions=list(get("latest_versions", ())),
        tags={tag.key: tag.value for tag in get("tags", ())},
        aliases={alias.alias: alias.version for alias in get("aliases", ())},
        user_id=get("user_id") or None,
    )


register_codec("ModelVersion", encode_model_version, decode_model_version)
register_codec("RegisteredModel", encode_registered_model, decode_registered_model)
register_codec(
    "RegisteredModelAlias",
    lambda alias: {"alias": alias.alias, "version": str(alias.version)},
    lambda fields: RegisteredModelAlias(
        fields.get("alias", ""), version_number(fields.get("version", 0))
    ),
)
