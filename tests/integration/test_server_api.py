"""The tracking API of a live server, over raw HTTP: routes, prefixes, encodings, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fixtures.server import HeronServer

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"


@pytest.fixture
def http(heron_server: HeronServer) -> Iterator[httpx.Client]:
    """A client of the session's server, whose store is emptied first."""
    heron_server.reset()
    with httpx.Client(base_url=heron_server.url) as client:
        yield client


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def _run(http: httpx.Client, experiment_id: str = "0", **fields: Any) -> str:
    body = _ok(http.post(f"{API}/runs/create", json={"experiment_id": experiment_id, **fields}))
    run_id: str = body["run"]["info"]["run_id"]
    return run_id


def test_experiment_life_cycle(http: httpx.Client) -> None:
    created = _ok(
        http.post(
            f"{API}/experiments/create", json={"name": "e", "tags": [{"key": "k", "value": "v"}]}
        )
    )
    assert created == {"experiment_id": "1"}
    experiment = _ok(http.get(f"{API}/experiments/get", params={"experiment_id": "1"}))[
        "experiment"
    ]
    assert experiment["artifact_location"] == "mlflow-artifacts:/1"
    assert experiment["tags"] == [{"key": "k", "value": "v"}]
    assert (
        _ok(http.post(f"{API}/experiments/update", json={"experiment_id": "1", "new_name": "f"}))
        == {}
    )
    assert _ok(http.post(f"{API}/experiments/delete", json={"experiment_id": "1"})) == {}
    found = _ok(http.get(f"{API}/experiments/get-by-name", params={"experiment_name": "f"}))
    assert found["experiment"]["lifecycle_stage"] == "deleted"
    assert (
        _ok(http.post(f"{API}/experiments/search", json={"view_type": "DELETED_ONLY"}))[
            "experiments"
        ][0]["name"]
        == "f"
    )


def test_every_route_is_served_under_ajax_api_too(http: httpx.Client) -> None:
    run_id = _run(http)
    for prefix in ("/api/2.0/mlflow", "/ajax-api/2.0/mlflow"):
        run = _ok(http.get(f"{prefix}/runs/get", params={"run_id": run_id}))["run"]
        assert run["info"]["run_uuid"] == run_id
    assert "store_type" in _ok(http.get("/ajax-api/3.0/mlflow/server-info"))


def test_get_parameters_from_query_or_json_body(http: httpx.Client) -> None:
    run_id = _run(http)
    by_query = http.get(f"{API}/runs/get", params={"run_id": run_id})
    by_body = http.request("GET", f"{API}/runs/get", json={"run_id": run_id})
    assert _ok(by_query) == _ok(by_body)


def test_camel_case_requests(http: httpx.Client) -> None:
    run_id = _run(http, runName="camel")
    _ok(
        http.post(
            f"{API}/runs/log-metric", json={"runId": run_id, "key": "m", "value": 1, "timestamp": 5}
        )
    )
    history = _ok(
        http.get(f"{API}/metrics/get-history", params={"runId": run_id, "metricKey": "m"})
    )
    assert history["metrics"] == [{"key": "m", "value": 1.0, "timestamp": 5, "step": 0}]
    both = http.post(f"{API}/runs/set-tag", json={"run_id": run_id, "runId": run_id, "key": "k"})
    assert both.status_code == 400


def test_log_batch_and_read_back_with_specials(http: httpx.Client) -> None:
    run_id = _run(http, run_name="r")
    batch = {
        "run_id": run_id,
        "metrics": [
            {"key": "nan", "value": "NaN", "timestamp": 1, "step": 0},
            {"key": "inf", "value": "Infinity", "timestamp": 1, "step": 0},
            {"key": "m", "value": 0.5, "timestamp": "2", "step": "3"},
        ],
        "params": [{"key": "p", "value": "1"}],
        "tags": [{"key": "t", "value": "v"}],
    }
    assert _ok(http.post(f"{API}/runs/log-batch", json=batch)) == {}
    assert _ok(http.post(f"{API}/runs/log-batch", json=batch)) == {}  # a retry stores nothing twice
    data = _ok(http.get(f"{API}/runs/get", params={"run_id": run_id}))["run"]["data"]
    values = {m["key"]: m["value"] for m in data["metrics"]}
    assert values == {"nan": "NaN", "inf": 1.7976931348623157e308, "m": 0.5}
    assert data["params"] == [{"key": "p", "value": "1"}]
    history = _ok(
        http.get(f"{API}/metrics/get-history", params={"run_id": run_id, "metric_key": "m"})
    )
    assert history["metrics"] == [{"key": "m", "value": 0.5, "timestamp": 2, "step": 3}]


def test_search_runs_pages(http: httpx.Client) -> None:
    for i in range(3):
        _run(http, run_name=f"r{i}", start_time=i)
    page = _ok(
        http.post(
            f"{API}/runs/search",
            json={"experiment_ids": ["0"], "max_results": 2, "order_by": ["start_time"]},
        )
    )
    assert [r["info"]["run_name"] for r in page["runs"]] == ["r0", "r1"]
    last = _ok(
        http.post(
            f"{API}/runs/search",
            json={
                "experiment_ids": ["0"],
                "max_results": 2,
                "order_by": ["start_time"],
                "page_token": page["next_page_token"],
            },
        )
    )
    assert [r["info"]["run_name"] for r in last["runs"]] == ["r2"]
    assert "next_page_token" not in last


def test_update_run_answers_run_info(http: httpx.Client) -> None:
    run_id = _run(http)
    info = _ok(
        http.post(
            f"{API}/runs/update", json={"run_uuid": run_id, "status": "FINISHED", "end_time": 9}
        )
    )["run_info"]
    assert (info["status"], info["end_time"], info["run_id"]) == ("FINISHED", 9, run_id)


def test_bulk_history_routes(http: httpx.Client) -> None:
    runs = [_run(http), _run(http)]
    for run_id in runs:
        points = [{"key": "m", "value": s, "timestamp": s, "step": s} for s in range(10)]
        _ok(http.post(f"{API}/runs/log-batch", json={"run_id": run_id, "metrics": points}))
    bulk = _ok(
        http.get(
            "/ajax-api/2.0/mlflow/metrics/get-history-bulk",
            params={"run_id": runs, "metric_key": "m"},
        )
    )
    assert len(bulk["metrics"]) == 20
    assert {m["run_id"] for m in bulk["metrics"]} == set(runs)
    sampled = _ok(
        http.get(
            f"{API}/metrics/get-history-bulk-interval",
            params={"run_ids": runs, "metric_key": "m", "max_results": 3},
        )
    )
    steps = {m["step"] for m in sampled["metrics"]}
    assert {0, 9} <= steps
    assert len(steps) <= 5
    window = _ok(
        http.get(
            f"{API}/metrics/get-history-bulk-interval",
            params={"run_ids": runs[0], "metric_key": "m", "start_step": 2, "end_step": 4},
        )
    )
    assert [m["step"] for m in window["metrics"]] == [2, 3, 4]
    refused = http.get(
        f"{API}/metrics/get-history-bulk-interval",
        params={"run_ids": runs[0], "metric_key": "m", "start_step": 2},
    )
    assert refused.status_code == 400


def test_run_artifacts_list_from_the_destination(
    http: httpx.Client, heron_server: HeronServer
) -> None:
    run_id = _run(http)
    root = heron_server.artifacts_destination / "0" / run_id / "artifacts"
    (root / "dir").mkdir(parents=True)
    (root / "dir" / "a.txt").write_text("hello")
    (root / "b.txt").write_text("hi")
    listing = _ok(http.get(f"{API}/artifacts/list", params={"run_id": run_id}))
    assert listing == {
        "root_uri": f"mlflow-artifacts:/0/{run_id}/artifacts",
        "files": [
            {"path": "b.txt", "is_dir": False, "file_size": 2},
            {"path": "dir", "is_dir": True},
        ],
    }
    inner = _ok(http.get(f"{API}/artifacts/list", params={"run_id": run_id, "path": "dir"}))
    assert inner["files"] == [{"path": "dir/a.txt", "is_dir": False, "file_size": 5}]
    escape = http.get(f"{API}/artifacts/list", params={"run_id": run_id, "path": "../../.."})
    assert escape.status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/runs/get", {"run_id": "0" * 32}, 404, "RESOURCE_DOES_NOT_EXIST"),
        (
            "GET",
            "/experiments/get-by-name",
            {"experiment_name": "nope"},
            404,
            "RESOURCE_DOES_NOT_EXIST",
        ),
        ("POST", "/experiments/create", {"name": "Default"}, 400, "RESOURCE_ALREADY_EXISTS"),
        ("POST", "/experiments/create", {}, 400, "INVALID_PARAMETER_VALUE"),
        ("POST", "/runs/search", {"filter": "metrics.m >"}, 400, "INVALID_PARAMETER_VALUE"),
        ("POST", "/runs/search", {"max_results": 50001}, 400, "INVALID_PARAMETER_VALUE"),
        ("POST", "/artifacts/presigned-upload-url", {}, 404, "ENDPOINT_NOT_FOUND"),
    ],
)
def test_errors_are_mlflow_shaped(
    http: httpx.Client, method: str, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    if method == "GET":
        response = http.get(API + path, params=body)
    else:
        response = http.post(API + path, json=body)
    assert response.status_code == status
    error = response.json()
    assert error["error_code"] == code
    assert error["message"]
    assert set(error) <= {"error_code", "message", "error_class", "sqlstate"}


def test_writes_to_a_deleted_run_are_client_errors(http: httpx.Client) -> None:
    run_id = _run(http)
    _ok(http.post(f"{API}/runs/delete", json={"run_id": run_id}))
    response = http.post(f"{API}/runs/set-tag", json={"run_id": run_id, "key": "k", "value": "v"})
    assert response.status_code == 400
    assert "must be in the 'active' state" in response.json()["message"]


def test_changed_param_is_a_400_and_same_value_is_fine(http: httpx.Client) -> None:
    run_id = _run(http)
    param = {"run_id": run_id, "key": "p", "value": "1"}
    assert _ok(http.post(f"{API}/runs/log-parameter", json=param)) == {}
    assert _ok(http.post(f"{API}/runs/log-parameter", json=param)) == {}
    changed = http.post(f"{API}/runs/log-parameter", json={**param, "value": "2"})
    assert changed.status_code == 400


def test_unknown_routes_and_methods(http: httpx.Client) -> None:
    assert http.get("/api/2.0/mlflow/nothing/here").status_code == 404
    assert http.get("/nowhere").status_code == 404
    wrong = http.get(f"{API}/runs/create")
    assert wrong.status_code == 405
    assert "POST" in wrong.headers["allow"]


def test_legacy_log_model_appends_to_the_history_tag(http: httpx.Client) -> None:
    run_id = _run(http)
    model = json.dumps(
        {"run_id": run_id, "artifact_path": "m", "utc_time_created": "x", "flavors": {}}
    )
    _ok(http.post(f"{API}/runs/log-model", json={"run_id": run_id, "model_json": model}))
    _ok(http.post(f"{API}/runs/log-model", json={"run_id": run_id, "model_json": model}))
    tags = _ok(http.get(f"{API}/runs/get", params={"run_id": run_id}))["run"]["data"]["tags"]
    history = next(t["value"] for t in tags if t["key"] == "mlflow.log-model.history")
    assert history.count('"artifact_path": "m"') == 2
    bad = http.post(f"{API}/runs/log-model", json={"run_id": run_id, "model_json": "{}"})
    assert bad.status_code == 400
    assert "missing mandatory fields" in bad.json()["message"]


def test_logged_model_routes(http: httpx.Client) -> None:
    run_id = _run(http)
    created = _ok(
        http.post(
            f"{API}/logged-models",
            json={"experiment_id": "0", "name": "model", "source_run_id": run_id},
        )
    )
    model_id = created["model"]["info"]["model_id"]
    assert created["model"]["info"]["status"] == "LOGGED_MODEL_PENDING"
    assert (
        created["model"]["info"]["artifact_uri"]
        == f"mlflow-artifacts:/0/models/{model_id}/artifacts"
    )
    _ok(
        http.post(
            f"{API}/runs/outputs",
            json={"run_id": run_id, "models": [{"model_id": model_id, "step": 0}]},
        )
    )
    final = _ok(
        http.patch(f"{API}/logged-models/{model_id}", json={"status": "LOGGED_MODEL_READY"})
    )
    assert final["model"]["info"]["status"] == "LOGGED_MODEL_READY"
    _ok(
        http.patch(
            f"{API}/logged-models/{model_id}/tags", json={"tags": [{"key": "k", "value": "v"}]}
        )
    )
    assert _ok(http.get(f"{API}/logged-models/{model_id}"))["model"]["info"]["tags"] == [
        {"key": "k", "value": "v"}
    ]
    found = _ok(
        http.post(
            f"{API}/logged-models/search",
            json={"experiment_ids": ["0"], "filter": "name = 'model'"},
        )
    )
    assert [m["info"]["model_id"] for m in found["models"]] == [model_id]
    outputs = _ok(http.get(f"{API}/runs/get", params={"run_id": run_id}))["run"]["outputs"]
    assert outputs == {"model_outputs": [{"model_id": model_id, "step": 0}]}
    assert _ok(http.delete(f"{API}/logged-models/{model_id}/tags/k")) == {}
    assert _ok(http.delete(f"{API}/logged-models/{model_id}")) == {}
    assert http.get(f"{API}/logged-models/{model_id}").status_code == 404


def test_every_route_has_a_handler_but_the_declared_unimplemented() -> None:
    from heron.protocol import ROUTES
    from heron.server.handlers import HANDLERS

    missing = {route.name for route in ROUTES} - set(HANDLERS)
    assert missing == {"CreatePresignedUploadUrl", "CreatePresignedDownloadUrl"}
