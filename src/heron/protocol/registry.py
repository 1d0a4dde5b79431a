"""The model registry service on the wire: its 21 routes (all ``/api/2.0``).

Paths, methods, field names and required flags are MLflow 3.x's (its ``ModelRegistryService``
protobuf plus the checks its handlers add: ``new_name`` is required by RenameRegisteredModel,
``archive_existing_versions`` defaults to false). GetLatestVersions answers POST and GET;
clients send POST, as MLflow's client does first. Entity shapes are in
:mod:`heron.protocol.registry_messages`.

Handlers map requests to the registry store one to one (the version arrives as the string
the wire carries; the store checks it is an integer); CreateModelVersion also checks that
the source is a location the server manages (:mod:`heron.server.sources`).
"""

from __future__ import annotations

from heron.protocol import registry_messages as _messages  # noqa: F401  (registers messages)
from heron.protocol.routes import Retry, Route, rpc
from heron.protocol.schema import Field, boolean, int64, nested, string

ONCE = Retry.ONCE
_MODELS = "/mlflow/registered-models"
_VERSIONS = "/mlflow/model-versions"
_NAME = string("name", required=True, doc="the registered model's name")
_VERSION = string("version", required=True, doc="the version number, as a string")
_KEY = string("key", required=True)
_ALIAS = string("alias", required=True)
_MODEL = (nested("registered_model", "RegisteredModel"),)
_ONE_VERSION = (nested("model_version", "ModelVersion"),)
_NEXT = string("next_page_token", doc="absent on the last page")
_MODELS_TAG = "Registered models"
_VERSIONS_TAG = "Model versions"


def _search(order_doc: str, max_doc: str) -> tuple[Field, ...]:
    return (
        string("filter"),
        int64("max_results", doc=max_doc),
        string("order_by", repeated=True, doc=order_doc),
        string("page_token"),
    )


REGISTERED_MODEL_ROUTES: tuple[Route, ...] = (
    rpc(
        "CreateRegisteredModel",
        "POST",
        f"{_MODELS}/create",
        (_NAME, nested("tags", "RegisteredModelTag", repeated=True), string("description")),
        _MODEL,
        retry=ONCE,
        tag=_MODELS_TAG,
        summary="Create a registered model; 400 RESOURCE_ALREADY_EXISTS when the name is taken.",
    ),
    rpc(
        "GetRegisteredModel",
        "GET",
        f"{_MODELS}/get",
        (_NAME,),
        _MODEL,
        tag=_MODELS_TAG,
        summary="Get a registered model with its latest version per stage, tags and aliases.",
    ),
    rpc(
        "RenameRegisteredModel",
        "POST",
        f"{_MODELS}/rename",
        (_NAME, string("new_name", required=True)),
        _MODEL,
        retry=ONCE,
        tag=_MODELS_TAG,
        summary="Rename a registered model; its versions, tags and aliases follow.",
    ),
    rpc(
        "UpdateRegisteredModel",
        "PATCH",
        f"{_MODELS}/update",
        (_NAME, string("description")),
        _MODEL,
        tag=_MODELS_TAG,
        summary="Set a registered model's description.",
    ),
    rpc(
        "DeleteRegisteredModel",
        "DELETE",
        f"{_MODELS}/delete",
        (_NAME,),
        retry=ONCE,
        tag=_MODELS_TAG,
        summary="Delete a registered model with its versions, tags and aliases.",
    ),
    rpc(
        "SearchRegisteredModels",
        "GET",
        f"{_MODELS}/search",
        _search(
            "name, timestamp, last_updated_timestamp or creation_timestamp [ASC|DESC]",
            "page size, default 100, at most 1000",
        ),
        (nested("registered_models", "RegisteredModel", repeated=True), _NEXT),
        tag=_MODELS_TAG,
        summary="Search registered models by name and tags.",
    ),
    rpc(
        "GetLatestVersions",
        ("POST", "GET"),
        f"{_MODELS}/get-latest-versions",
        (_NAME, string("stages", repeated=True, doc="all stages when empty")),
        (nested("model_versions", "ModelVersion", repeated=True),),
        tag=_MODELS_TAG,
        summary="The highest version in each stage asked for (every stage by default).",
    ),
    rpc(
        "SetRegisteredModelTag",
        "POST",
        f"{_MODELS}/set-tag",
        (_NAME, _KEY, string("value")),
        tag=_MODELS_TAG,
        summary="Set (or overwrite) a tag of a registered model.",
    ),
    rpc(
        "DeleteRegisteredModelTag",
        "DELETE",
        f"{_MODELS}/delete-tag",
        (_NAME, _KEY),
        tag=_MODELS_TAG,
        summary="Delete a tag of a registered model.",
    ),
    rpc(
        "SetRegisteredModelAlias",
        "POST",
        f"{_MODELS}/alias",
        (_NAME, _ALIAS, _VERSION),
        tag=_MODELS_TAG,
        summary="Point an alias at a version (re-pointing it if it exists).",
    ),
    rpc(
        "DeleteRegisteredModelAlias",
        "DELETE",
        f"{_MODELS}/alias",
        (_NAME, _ALIAS),
        tag=_MODELS_TAG,
        summary="Delete an alias (a missing alias is not an error).",
    ),
    rpc(
        "GetModelVersionByAlias",
        "GET",
        f"{_MODELS}/alias",
        (_NAME, _ALIAS),
        _ONE_VERSION,
        tag=_MODELS_TAG,
        summary="The version an alias names; 'latest' is the highest version.",
    ),
)

MODEL_VERSION_ROUTES: tuple[Route, ...] = (
    rpc(
        "CreateModelVersion",
        "POST",
        f"{_VERSIONS}/create",
        (
            _NAME,
            string("source", required=True, doc="a location the server manages"),
            string("run_id"),
            nested("tags", "ModelVersionTag", repeated=True),
            string("run_link"),
            string("description"),
            string("model_id", doc="the logged model the version is made from"),
        ),
        _ONE_VERSION,
        retry=ONCE,
        tag=_VERSIONS_TAG,
        summary="Add the next version to a registered model.",
    ),
    rpc(
        "GetModelVersion",
        "GET",
        f"{_VERSIONS}/get",
        (_NAME, _VERSION),
        _ONE_VERSION,
        tag=_VERSIONS_TAG,
        summary="Get a model version.",
    ),
    rpc(
        "UpdateModelVersion",
        "PATCH",
        f"{_VERSIONS}/update",
        (_NAME, _VERSION, string("description")),
        _ONE_VERSION,
        tag=_VERSIONS_TAG,
        summary="Set a model version's description.",
    ),
    rpc(
        "DeleteModelVersion",
        "DELETE",
        f"{_VERSIONS}/delete",
        (_NAME, _VERSION),
        retry=ONCE,
        tag=_VERSIONS_TAG,
        summary="Delete a model version (its number is never reused).",
    ),
    rpc(
        "TransitionModelVersionStage",
        "POST",
        f"{_VERSIONS}/transition-stage",
        (
            _NAME,
            _VERSION,
            string("stage", required=True, doc="None, Staging, Production or Archived"),
            boolean("archive_existing_versions", doc="default false"),
        ),
        _ONE_VERSION,
        tag=_VERSIONS_TAG,
        summary="Move a version to a stage, optionally archiving the others in it.",
    ),
    rpc(
        "SearchModelVersions",
        "GET",
        f"{_VERSIONS}/search",
        _search(
            "name, version_number, creation_timestamp or last_updated_timestamp [ASC|DESC]",
            "page size, default 10000, at most 200000",
        ),
        (nested("model_versions", "ModelVersion", repeated=True), _NEXT),
        tag=_VERSIONS_TAG,
        summary="Search model versions by name, version, run, source and tags.",
    ),
    rpc(
        "GetModelVersionDownloadUri",
        "GET",
        f"{_VERSIONS}/get-download-uri",
        (_NAME, _VERSION),
        (string("artifact_uri"),),
        tag=_VERSIONS_TAG,
        summary="Where a version's files are: its source, as registered.",
    ),
    rpc(
        "SetModelVersionTag",
        "POST",
        f"{_VERSIONS}/set-tag",
        (_NAME, _VERSION, _KEY, string("value")),
        tag=_VERSIONS_TAG,
        summary="Set (or overwrite) a tag of a model version.",
    ),
    rpc(
        "DeleteModelVersionTag",
        "DELETE",
        f"{_VERSIONS}/delete-tag",
        (_NAME, _VERSION, _KEY),
        tag=_VERSIONS_TAG,
        summary="Delete a tag of a model version.",
    ),
)

REGISTRY_ROUTES: tuple[Route, ...] = (*REGISTERED_MODEL_ROUTES, *MODEL_VERSION_ROUTES)
"""Every route of the model registry service."""
