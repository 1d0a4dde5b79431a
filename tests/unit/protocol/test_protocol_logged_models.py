"""Logged models on the wire: MLflow's JSON shapes, both ways, and the routes' requests."""

from __future__ import annotations

import json

import pytest

from heron.entities import (
    LoggedModel,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
    Metric,
)
from heron.exceptions import InvalidParameter
from heron.protocol import (
    decode_response,
    encode_request,
    encode_response,
    parse_request,
    route_named,
)

MODEL = LoggedModel(
    experiment_id="1",
    model_id="m-0123",
    name="model",
    artifact_location="mlflow-artifacts:/1/models/m-0123/artifacts",
    creation_timestamp=10,
    last_updated_timestamp=20,
    source_run_id="r1",
    status=LoggedModelStatus.READY,
    tags={"mlflow.user": "ana"},
    params={"alpha": "0.5"},
    metrics=[Metric("acc", float("nan"), 5, 1, "m-0123", "test", "d1", "r1")],
)


def test_logged_model_json_is_mlflows() -> None:
    body = json.loads(encode_response(route_named("GetLoggedModel"), {"model": MODEL}))
    info, data = body["model"]["info"], body["model"]["data"]
    assert info == {
        "model_id": "m-0123",
        "experiment_id": "1",
        "name": "model",
        "creation_timestamp_ms": 10,
        "last_updated_timestamp_ms": 20,
        "artifact_uri": "mlflow-artifacts:/1/models/m-0123/artifacts",
        "status": "LOGGED_MODEL_READY",
        "model_type": "",
        "source_run_id": "r1",
        "tags": [{"key": "mlflow.user", "value": "ana"}],
    }
    assert data["params"] == [{"key": "alpha", "value": "0.5"}]
    assert data["metrics"][0]["value"] == "NaN"
    assert data["metrics"][0]["run_id"] == "r1"


def test_logged_model_round_trips() -> None:
    route = route_named("CreateLoggedModel")
    decoded = decode_response(route, encode_response(route, {"model": MODEL}))["model"]
    assert decoded.metrics[0].value != decoded.metrics[0].value  # NaN
    assert decoded.metrics[0].model_id == MODEL.metrics[0].model_id
    assert (decoded.tags, decoded.params, decoded.status) == (
        MODEL.tags,
        MODEL.params,
        MODEL.status,
    )
    assert decoded.artifact_location == MODEL.artifact_location


def test_an_empty_model_has_empty_data() -> None:
    model = LoggedModel("1", "m-1", "n", "file:///x", 1, 1, status=LoggedModelStatus.PENDING)
    body = json.loads(encode_response(route_named("GetLoggedModel"), {"model": model}))
    assert body["model"]["data"] == {}
    assert "tags" not in body["model"]["info"]


def test_create_request_as_the_mlflow_client_sends_it() -> None:
    body = {
        "experiment_id": "1",
        "name": "model",
        "source_run_id": "r1",
        "params": [{"key": "alpha", "value": "0.5"}],
        "tags": [{"key": "mlflow.source.type", "value": "LOCAL"}],
    }
    request = parse_request(
        route_named("CreateLoggedModel"), "POST", b"", json.dumps(body).encode(), "application/json"
    )
    assert request["params"] == [LoggedModelParameter("alpha", "0.5")]
    assert request["tags"] == [LoggedModelTag("mlflow.source.type", "LOCAL")]


def test_finalize_request_takes_the_status_name_or_number() -> None:
    route = route_named("FinalizeLoggedModel")
    for status in ("LOGGED_MODEL_READY", 2):
        body = json.dumps({"model_id": "m-1", "status": status}).encode()
        request = parse_request(route, "PATCH", b"", body, None, {"model_id": "m-1"})
        assert LoggedModelStatus.coerce(request["status"]) is LoggedModelStatus.READY
    with pytest.raises(InvalidParameter):
        parse_request(route, "PATCH", b"", b'{"status": "DONE"}', None, {"model_id": "m-1"})


def test_search_request_keeps_structured_order_and_datasets() -> None:
    route = route_named("SearchLoggedModels")
    values = {
        "experiment_ids": ["1"],
        "filter": "name = 'model'",
        "datasets": [{"dataset_name": "test", "dataset_digest": "d1"}],
        "order_by": [{"field_name": "metrics.acc", "ascending": False}],
    }
    outgoing = encode_request(route, values)
    assert (outgoing.method, outgoing.url) == ("POST", "/api/2.0/mlflow/logged-models/search")
    assert outgoing.body is not None
    assert parse_request(route, "POST", b"", outgoing.body, "application/json") == values


def test_path_parameters_are_encoded() -> None:
    outgoing = encode_request(
        route_named("DeleteLoggedModelTag"), {"model_id": "m-1", "tag_key": "a/b c"}
    )
    assert outgoing.url == "/api/2.0/mlflow/logged-models/m-1/tags/a%2Fb%20c"
