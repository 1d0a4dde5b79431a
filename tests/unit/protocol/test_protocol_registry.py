"""The model registry on the wire: MLflow's JSON shapes both ways, and the routes' requests."""

from __future__ import annotations

import json

import pytest

from heron.entities.registry import (
    ModelVersion,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelTag,
)
from heron.exceptions import InvalidParameter
from heron.protocol import (
    ROUTES,
    Retry,
    decode_response,
    encode_request,
    encode_response,
    parse_request,
    route_named,
)

VERSION = ModelVersion(
    name="fraud",
    version=3,
    creation_timestamp=10,
    last_updated_timestamp=20,
    current_stage="Production",
    source="models:/m-0123",
    run_id="r1",
    tags={"team": "risk"},
    aliases=["champion"],
    model_id="m-0123",
)
MODEL = RegisteredModel(
    name="fraud",
    creation_timestamp=1,
    last_updated_timestamp=20,
    description="detects fraud",
    latest_versions=[VERSION],
    tags={"owner": "ana"},
    aliases={"champion": 3},
)

# What an MLflow 3.17.2 server answers (GetRegisteredModel over its SQL store).
MLFLOW_MODEL = {
    "registered_model": {
        "name": "fraud",
        "creation_timestamp": 1,
        "last_updated_timestamp": 20,
        "description": "detects fraud",
        "latest_versions": [
            {
                "name": "fraud",
                "version": "3",
                "creation_timestamp": 10,
                "last_updated_timestamp": 20,
                "current_stage": "Production",
                "description": "",
                "source": "models:/m-0123",
                "run_id": "r1",
                "status": "READY",
                "run_link": "",
                "aliases": ["champion"],
                "deployment_job_state": {"job_id": "", "run_id": ""},
            }
        ],
        "tags": [{"key": "owner", "value": "ana"}],
        "aliases": [{"alias": "champion", "version": "3"}],
    }
}


def test_there_are_21_registry_routes_under_api_2() -> None:
    routes = [r for r in ROUTES if "/registered-models/" in r.path or "/model-versions/" in r.path]
    assert len(routes) == 21
    assert {r.version for r in routes} == {2}


def test_model_version_json_is_mlflows() -> None:
    body = json.loads(encode_response(route_named("GetModelVersion"), {"model_version": VERSION}))
    assert body["model_version"] == {
        "name": "fraud",
        "version": "3",
        "creation_timestamp": 10,
        "last_updated_timestamp": 20,
        "current_stage": "Production",
        "description": "",
        "source": "models:/m-0123",
        "run_id": "r1",
        "status": "READY",
        "tags": [{"key": "team", "value": "risk"}],
        "run_link": "",
        "aliases": ["champion"],
        "model_id": "m-0123",
    }


def test_a_bare_version_has_empty_description_run_link_and_run_id_and_no_aliases() -> None:
    bare = ModelVersion(name="m", version=1, creation_timestamp=5, source="s3://b/m")
    body = json.loads(encode_response(route_named("GetModelVersion"), {"model_version": bare}))
    version = body["model_version"]
    fields = ("description", "run_link", "run_id", "current_stage")
    # run_id "": what MLflow's server sends for a version registered without a run
    assert tuple(version[field] for field in fields) == ("", "", "", "None")
    assert not {"aliases", "tags", "model_id", "user_id"} & set(version)


def test_registered_model_json_is_mlflows() -> None:
    route = route_named("GetRegisteredModel")
    body = json.loads(encode_response(route, {"registered_model": MODEL}))["registered_model"]
    assert body["aliases"] == [{"alias": "champion", "version": "3"}]
    assert body["tags"] == [{"key": "owner", "value": "ana"}]
    assert body["description"] == "detects fraud"
    assert body["latest_versions"][0]["version"] == "3"
    empty = json.loads(encode_response(route, {"registered_model": RegisteredModel("m", 1, 1)}))
    assert empty == {
        "registered_model": {"name": "m", "creation_timestamp": 1, "last_updated_timestamp": 1}
    }


def test_an_mlflow_servers_answer_decodes_to_the_same_entities() -> None:
    route = route_named("GetRegisteredModel")
    decoded = decode_response(route, json.dumps(MLFLOW_MODEL).encode())["registered_model"]
    expected_version = ModelVersion(**{**dict(VERSION), "tags": {}, "model_id": None})
    assert decoded == RegisteredModel(**{**dict(MODEL), "latest_versions": [expected_version]})


def test_entities_round_trip() -> None:
    route = route_named("GetRegisteredModel")
    assert decode_response(route, encode_response(route, {"registered_model": MODEL})) == {
        "registered_model": MODEL
    }


def test_create_version_request_as_the_mlflow_client_sends_it() -> None:
    body = {
        "name": "fraud",
        "source": "models:/m-0123",
        "runId": "r1",
        "model_id": "m-0123",
        "tags": [{"key": "team", "value": "risk"}],
    }
    request = parse_request(
        route_named("CreateModelVersion"),
        "POST",
        b"",
        json.dumps(body).encode(),
        "application/json",
    )
    assert request["run_id"] == "r1"
    assert request["tags"] == [ModelVersionTag("team", "risk")]


@pytest.mark.parametrize(
    ("rpc", "body", "missing"),
    [
        ("CreateModelVersion", {"name": "m"}, "source"),
        ("RenameRegisteredModel", {"name": "m"}, "new_name"),
        ("SetRegisteredModelAlias", {"name": "m", "alias": "a"}, "version"),
        ("TransitionModelVersionStage", {"name": "m", "version": "1"}, "stage"),
    ],
)
def test_required_fields_are_mlflows(rpc: str, body: dict[str, str], missing: str) -> None:
    route = route_named(rpc)
    with pytest.raises(InvalidParameter, match=f"Missing value for required parameter '{missing}'"):
        parse_request(route, route.method, b"", json.dumps(body).encode(), "application/json")


def test_a_version_number_in_json_must_be_a_string() -> None:
    route = route_named("GetModelVersion")
    with pytest.raises(InvalidParameter, match="parameter 'version'"):
        parse_request(route, "GET", b"", b'{"name": "m", "version": 1}')


def test_get_latest_versions_is_sent_as_post_and_served_for_get_too() -> None:
    route = route_named("GetLatestVersions")
    assert route.methods == ("POST", "GET")
    outgoing = encode_request(route, {"name": "m", "stages": ["Staging", "Production"]})
    assert (outgoing.method, outgoing.url) == (
        "POST",
        "/api/2.0/mlflow/registered-models/get-latest-versions",
    )
    query = b"name=m&stages=Staging&stages=Production"
    assert parse_request(route, "GET", query) == {"name": "m", "stages": ["Staging", "Production"]}


def test_searches_are_gets_with_repeated_order_by() -> None:
    outgoing = encode_request(
        route_named("SearchModelVersions"),
        {"filter": "name = 'm'", "max_results": 10, "order_by": ["version_number DESC", "name"]},
    )
    assert outgoing.method == "GET"
    assert outgoing.params == [
        ("filter", "name = 'm'"),
        ("max_results", "10"),
        ("order_by", "version_number DESC"),
        ("order_by", "name"),
    ]


def test_an_int_version_is_sent_as_a_string_and_tags_as_pairs() -> None:
    outgoing = encode_request(
        route_named("SetModelVersionTag"), {"name": "m", "version": 2, "key": "k", "value": "v"}
    )
    assert outgoing.body is not None
    assert json.loads(outgoing.body) == {"name": "m", "version": "2", "key": "k", "value": "v"}
    created = encode_request(
        route_named("CreateRegisteredModel"), {"name": "m", "tags": [RegisteredModelTag("a", "b")]}
    )
    assert created.body is not None
    assert json.loads(created.body)["tags"] == [{"key": "a", "value": "b"}]


def test_only_repeatable_calls_are_retried() -> None:
    once = {r.name for r in ROUTES if r.retry is Retry.ONCE}
    assert {
        "CreateRegisteredModel",
        "RenameRegisteredModel",
        "DeleteRegisteredModel",
        "CreateModelVersion",
        "DeleteModelVersion",
    } <= once
    safe = {r.name for r in ROUTES if r.retry is Retry.SAFE}
    assert {"GetLatestVersions", "SetRegisteredModelAlias", "SetModelVersionTag"} <= safe
