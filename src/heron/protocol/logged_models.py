"""Logged models (MLflow 3.x) on the wire: their messages, codecs and routes.

The 3.x client's ``log_model`` creates a logged model, records it as a run output
(``LogOutputs``, in :mod:`heron.protocol.tracking`), uploads its files and finalizes it.
JSON shapes are MLflow's: ``{"info": {...}, "data": {...}}``, timestamps in ``*_ms``
fields, ``artifact_uri`` for the artifact location, the status by its wire name
(``LOGGED_MODEL_READY``). ``datasets`` and ``order_by`` of a search decode to plain
dictionaries, which is what the stores take.

Handlers map requests to the tracking store one to one: Create -> create_logged_model,
Get -> get_logged_model(allow_deleted), Finalize -> finalize_logged_model (the status
arrives as its wire name, which the store accepts), Delete -> delete_logged_model,
Search -> search_logged_models, SetTags -> set_logged_model_tags, DeleteTag ->
delete_logged_model_tag, LogParams -> log_logged_model_params. ListLoggedModelArtifacts
lists the model's ``artifact_location`` like run artifacts are listed. Clients send the
status as ``LoggedModelStatus.coerce(status).wire_name``.
"""

from __future__ import annotations

from typing import Any

from heron.entities import LoggedModel, LoggedModelParameter, LoggedModelStatus, LoggedModelTag
from heron.protocol.codec import register_codec
from heron.protocol.messages import encode_metric
from heron.protocol.routes import Retry, Route, rpc
from heron.protocol.schema import (
    EnumType,
    boolean,
    define,
    enumeration,
    int32,
    int64,
    nested,
    string,
)

LOGGED_MODEL_STATUS = EnumType(
    "LoggedModelStatus", {status.wire_name: status.number for status in LoggedModelStatus}
)

define("LoggedModelTag", string("key", required=True), string("value"))
define("LoggedModelParameter", string("key", required=True), string("value"))
register_codec(
    "LoggedModelTag",
    lambda tag: {"key": tag.key, "value": tag.value},
    lambda fields: LoggedModelTag(fields.get("key", ""), fields.get("value", "")),
)
register_codec(
    "LoggedModelParameter",
    lambda param: {"key": param.key, "value": param.value},
    lambda fields: LoggedModelParameter(fields.get("key", ""), fields.get("value", "")),
)
define(
    "LoggedModelRegistrationInfo",
    string("name"),
    string("version"),
    doc="A registered model version made from the model.",
)
define(
    "LoggedModelInfo",
    string("model_id"),
    string("experiment_id"),
    string("name"),
    int64("creation_timestamp_ms"),
    int64("last_updated_timestamp_ms"),
    string("artifact_uri"),
    enumeration("status", LOGGED_MODEL_STATUS),
    int64("creator_id"),
    string("model_type"),
    string("source_run_id"),
    string("status_message"),
    nested("tags", "LoggedModelTag", repeated=True),
    nested("registrations", "LoggedModelRegistrationInfo", repeated=True),
    doc="A logged model's identity, status and tags.",
)
define(
    "LoggedModelData",
    nested("params", "LoggedModelParameter", repeated=True),
    nested("metrics", "Metric", repeated=True, doc="every point logged for the model"),
)
define(
    "LoggedModel",
    nested("info", "LoggedModelInfo"),
    nested("data", "LoggedModelData"),
    doc="A model logged to an experiment (MLflow 3.x).",
)
define(
    "DatasetFilter",
    string("dataset_name", required=True),
    string("dataset_digest"),
    doc="Restricts metric clauses of a search to the points on one dataset.",
)
define(
    "LoggedModelOrderBy",
    string("field_name", required=True, doc="an attribute, or metrics.<key>"),
    boolean("ascending", doc="default true"),
    string("dataset_name"),
    string("dataset_digest"),
)


def encode_logged_model(model: LoggedModel) -> dict[str, Any]:
    """A logged model as MLflow's JSON; unset fields and empty lists are omitted."""
    info: dict[str, Any] = {
        "model_id": model.model_id,
        "experiment_id": model.experiment_id,
        "name": model.name,
        "creation_timestamp_ms": model.creation_timestamp,
        "last_updated_timestamp_ms": model.last_updated_timestamp,
        "artifact_uri": model.artifact_location,
        "status": LoggedModelStatus.coerce(model.status).wire_name,
        "model_type": model.model_type or "",  # MLflow sends "" when unset
        "source_run_id": model.source_run_id or "",  # the same
    }
    optional = (("status_message", model.status_message),)
    info.update((name, value) for name, value in optional if value is not None)
    if model.tags:
        info["tags"] = [{"key": k, "value": v} for k, v in model.tags.items()]
    data: dict[str, Any] = {}
    if model.params:
        data["params"] = [{"key": k, "value": v} for k, v in model.params.items()]
    if model.metrics:
        data["metrics"] = [encode_metric(metric) for metric in model.metrics]
    return {"info": info, "data": data}


def decode_logged_model(fields: dict[str, Any]) -> LoggedModel:
    """A logged model from its decoded fields (a lenient reading of a response)."""
    info, data = fields.get("info") or {}, fields.get("data") or {}
    return LoggedModel(
        experiment_id=info.get("experiment_id", ""),
        model_id=info.get("model_id", ""),
        name=info.get("name", ""),
        artifact_location=info.get("artifact_uri", ""),
        creation_timestamp=info.get("creation_timestamp_ms", 0),
        last_updated_timestamp=info.get("last_updated_timestamp_ms", 0),
        model_type=info.get("model_type"),
        source_run_id=info.get("source_run_id") or None,  # MLflow sends "" for none
        status=LoggedModelStatus.coerce(info.get("status", "LOGGED_MODEL_STATUS_UNSPECIFIED")),
        status_message=info.get("status_message"),
        tags={tag.key: tag.value for tag in info.get("tags", ())},
        params={param.key: param.value for param in data.get("params", ())},
        metrics=list(data.get("metrics", ())),
    )


register_codec("LoggedModel", encode_logged_model, decode_logged_model)

_PATH = "/mlflow/logged-models"
_MODEL_ID = string("model_id", required=True, doc="m-<32 hex>")
_MODEL = (nested("model", "LoggedModel"),)
_TAG = "Logged models"

LOGGED_MODEL_ROUTES: tuple[Route, ...] = (
    rpc(
        "CreateLoggedModel",
        "POST",
        _PATH,
        (
            string("experiment_id", required=True),
            string("name", doc="generated when absent"),
            string("model_type"),
            string("source_run_id"),
            nested("params", "LoggedModelParameter", repeated=True),
            nested("tags", "LoggedModelTag", repeated=True),
        ),
        _MODEL,
        retry=Retry.ONCE,
        tag=_TAG,
        summary="Create a PENDING logged model; its files go under its artifact_uri.",
    ),
    rpc(
        "GetLoggedModel",
        "GET",
        f"{_PATH}/{{model_id}}",
        (_MODEL_ID, boolean("allow_deleted", doc="default false")),
        _MODEL,
        tag=_TAG,
        summary="Get a logged model; 404 when missing or deleted.",
    ),
    rpc(
        "FinalizeLoggedModel",
        "PATCH",
        f"{_PATH}/{{model_id}}",
        (_MODEL_ID, enumeration("status", LOGGED_MODEL_STATUS, required=True)),
        _MODEL,
        tag=_TAG,
        summary="Set the status: LOGGED_MODEL_READY, or LOGGED_MODEL_UPLOAD_FAILED.",
    ),
    rpc(
        "DeleteLoggedModel",
        "DELETE",
        f"{_PATH}/{{model_id}}",
        (_MODEL_ID,),
        tag=_TAG,
        summary="Soft-delete a logged model.",
    ),
    rpc(
        "SearchLoggedModels",
        "POST",
        f"{_PATH}/search",
        (
            string("experiment_ids", repeated=True, required=True),
            string("filter"),
            nested("datasets", "DatasetFilter", repeated=True),
            int32("max_results", doc="default 50"),
            nested("order_by", "LoggedModelOrderBy", repeated=True),
            string("page_token"),
        ),
        (nested("models", "LoggedModel", repeated=True), string("next_page_token")),
        tag=_TAG,
        summary="Search the logged models of some experiments.",
    ),
    rpc(
        "SetLoggedModelTags",
        "PATCH",
        f"{_PATH}/{{model_id}}/tags",
        (_MODEL_ID, nested("tags", "LoggedModelTag", repeated=True)),
        tag=_TAG,
        summary="Set (or overwrite) tags of a logged model.",
    ),
    rpc(
        "DeleteLoggedModelTag",
        "DELETE",
        f"{_PATH}/{{model_id}}/tags/{{tag_key}}",
        (_MODEL_ID, string("tag_key", required=True)),
        retry=Retry.ONCE,
        tag=_TAG,
        summary="Delete a tag of a logged model; 404 when it is not set.",
    ),
    rpc(
        "LogLoggedModelParams",
        "POST",
        f"{_PATH}/{{model_id}}/params",
        (_MODEL_ID, nested("params", "LoggedModelParameter", repeated=True)),
        tag=_TAG,
        summary="Log params of a logged model (the same value again is accepted).",
    ),
    rpc(
        "ListLoggedModelArtifacts",
        "GET",
        f"{_PATH}/{{model_id}}/artifacts/directories",
        (_MODEL_ID, string("artifact_directory_path"), string("page_token")),
        (
            string("root_uri"),
            nested("files", "FileInfo", repeated=True),
            string("next_page_token"),
        ),
        tag=_TAG,
        summary="List a directory of a logged model's artifacts.",
    ),
)
"""Every route of the logged-model service."""
