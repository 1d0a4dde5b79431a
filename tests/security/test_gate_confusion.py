"""Attacks on the auth gate: a request whose resource the gate checks is not the one the
server then serves (parameter confusion), and references to unreadable resources smuggled
into a version of one's own registered model. Real basic-auth server, real requests."""

from __future__ import annotations

import json

import pytest

from fixtures.auth_server import ALICE, BOB, AuthServer

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"


@pytest.fixture(scope="module")
def bob(auth_server: AuthServer) -> dict[str, str]:
    """Bob's own experiment, run and registered model."""
    experiment = auth_server.request(
        "POST", f"{API}/experiments/create", auth=BOB, json={"name": "bobs"}
    ).json()["experiment_id"]
    run = auth_server.request(
        "POST", f"{API}/runs/create", auth=BOB, json={"experiment_id": experiment}
    ).json()["run"]["info"]["run_id"]
    created = auth_server.request(
        "POST", f"{API}/registered-models/create", auth=BOB, json={"name": "bobs-model"}
    )
    assert created.status_code == 200, created.text
    return {"experiment_id": experiment, "run_id": run, "model": "bobs-model"}


def _alice_tags(s: AuthServer) -> dict[str, str]:
    run = s.request("GET", f"{API}/runs/get", auth=ALICE, params={"run_id": s.run_id}).json()
    return {t["key"]: t["value"] for t in run["run"]["data"].get("tags", [])}


@pytest.mark.parametrize("content_type", ["Application/JSON", "application/jsoN; charset=utf-8"])
def test_content_type_spelling_does_not_hide_the_body_from_the_gate(
    auth_server: AuthServer, bob: dict[str, str], content_type: str
) -> None:
    # The gate checked the run in the query string (bob's); the server wrote to the
    # body's run (alice's), because only the server read JSON types case-insensitively.
    answer = auth_server.request(
        "POST",
        f"{API}/runs/set-tag",
        auth=BOB,
        params={"run_id": bob["run_id"]},
        content=json.dumps({"run_id": auth_server.run_id, "key": "pwned", "value": "1"}),
        headers={"content-type": content_type},
    )
    assert answer.status_code == 403, answer.text
    assert "pwned" not in _alice_tags(auth_server)


def test_delete_body_without_content_type_is_checked(
    auth_server: AuthServer, bob: dict[str, str]
) -> None:
    answer = auth_server.request(
        "DELETE",
        f"{API}/runs/delete",
        auth=BOB,
        params={"run_id": bob["run_id"]},
        content=json.dumps({"run_id": auth_server.run_id}),
    )
    assert answer.status_code in (400, 403, 405), answer.text
    run = auth_server.request(
        "GET", f"{API}/runs/get", auth=ALICE, params={"run_id": auth_server.run_id}
    )
    assert run.json()["run"]["info"]["lifecycle_stage"] == "active"


def test_search_datasets_body_is_the_one_checked(
    auth_server: AuthServer, bob: dict[str, str]
) -> None:
    answer = auth_server.request(
        "POST",
        f"{API}/experiments/search-datasets",
        auth=BOB,
        params={"experiment_ids": bob["experiment_id"]},
        content=json.dumps({"experiment_ids": [auth_server.experiment_id]}),
        headers={"content-type": "APPLICATION/JSON"},
    )
    assert answer.status_code == 403, answer.text


@pytest.mark.parametrize("route", ["/get-artifact", "/ajax-api/2.0/mlflow/get-artifact"])
def test_repeated_query_parameter_cannot_name_two_runs(
    auth_server: AuthServer, bob: dict[str, str], route: str
) -> None:
    # The gate read the first run_id (bob's), the page the last one (alice's).
    query = f"run_id={bob['run_id']}&run_id={auth_server.run_id}&path=a.txt"
    answer = auth_server.request("GET", f"{route}?{query}", auth=BOB)
    assert answer.status_code in (400, 403, 404), answer.text
    assert b"secret" not in answer.content
    if answer.status_code == 400:
        assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_same_repeated_value_is_still_served(auth_server: AuthServer) -> None:
    query = f"run_id={auth_server.run_id}&run_id={auth_server.run_id}&path=a.txt"
    answer = auth_server.request("GET", f"/get-artifact?{query}", auth=ALICE)
    assert answer.status_code == 200
    assert answer.content == b"secret"


def test_version_cannot_point_at_an_unreadable_logged_model(
    auth_server: AuthServer, bob: dict[str, str]
) -> None:
    for source in (
        f"models:/{auth_server.model_id}",
        f"mlflow-artifacts:/{auth_server.experiment_id}/models/{auth_server.model_id}/artifacts",
    ):
        body = {"name": bob["model"], "source": source, "model_id": auth_server.model_id}
        answer = auth_server.request("POST", f"{API}/model-versions/create", auth=BOB, json=body)
        assert answer.status_code == 403, (source, answer.text)


@pytest.mark.parametrize("source", ["models:/m/1", "models:/m@champion", "models:/m/latest"])
def test_version_cannot_copy_an_unreadable_registered_version(
    auth_server: AuthServer, bob: dict[str, str], source: str
) -> None:
    alias = auth_server.request(
        "POST",
        f"{API}/registered-models/alias",
        auth=ALICE,
        json={"name": "m", "alias": "champion", "version": "1"},
    )
    assert alias.status_code == 200, alias.text
    body = {"name": bob["model"], "source": source}
    answer = auth_server.request("POST", f"{API}/model-versions/create", auth=BOB, json=body)
    assert answer.status_code == 403, answer.text
    versions = auth_server.request(
        "GET", f"{API}/model-versions/search", auth=BOB, params={"filter": "name='bobs-model'"}
    )
    assert versions.json().get("model_versions", []) == []


def test_own_versions_still_copy(auth_server: AuthServer) -> None:
    # alice may copy her own version into a second model of hers
    made = auth_server.request(
        "POST", f"{API}/registered-models/create", auth=ALICE, json={"name": "m-copy"}
    )
    assert made.status_code == 200, made.text
    body = {"name": "m-copy", "source": "models:/m/1"}
    answer = auth_server.request("POST", f"{API}/model-versions/create", auth=ALICE, json=body)
    assert answer.status_code == 200, answer.text


def test_logged_model_cannot_claim_an_unreadable_source_run(
    auth_server: AuthServer, bob: dict[str, str]
) -> None:
    # The model's page would show the source run's name and experiment.
    body = {"experiment_id": bob["experiment_id"], "source_run_id": auth_server.run_id}
    answer = auth_server.request("POST", f"{API}/logged-models", auth=BOB, json=body)
    assert answer.status_code == 403, answer.text
    own = {"experiment_id": bob["experiment_id"], "source_run_id": bob["run_id"]}
    assert (
        auth_server.request("POST", f"{API}/logged-models", auth=BOB, json=own).status_code == 200
    )


def test_run_id_and_run_uuid_cannot_name_two_runs(
    auth_server: AuthServer, bob: dict[str, str]
) -> None:
    # The gate checked run_id (bob's); the upload route writes to run_uuid (alice's).
    query = f"run_id={bob['run_id']}&run_uuid={auth_server.run_id}&path=planted.txt"
    for route in ("/ajax-api/2.0/mlflow/upload-artifact", "/get-artifact"):
        method = "POST" if "upload" in route else "GET"
        answer = auth_server.request(
            method,
            f"{route}?{query}",
            auth=BOB,
            content=b"planted" if method == "POST" else None,
            headers={"content-type": "text/plain"},
        )
        assert answer.status_code in (400, 403), (route, answer.text)
    listed = auth_server.request(
        "GET", f"{API}/artifacts/list", auth=ALICE, params={"run_id": auth_server.run_id}
    )
    assert "planted" not in listed.text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/model-versions/create",
            {"name": "bobs-model", "source": "models:/{model}", "modelId": "{model}"},
        ),
        (
            "/model-versions/create",
            {"name": "bobs-model", "source": "runs:/{run}/m", "runId": "{run}"},
        ),
        ("/runs/search", {"experimentIds": ["{experiment}"]}),
        ("/logged-models", {"experiment_id": "{own}", "sourceRunId": "{run}"}),
        ("/runs/set-tag", {"runId": "{run}", "key": "pwned", "value": "1"}),
    ],
)
def test_camel_case_fields_are_the_ones_checked(
    auth_server: AuthServer, bob: dict[str, str], path: str, body: dict[str, object]
) -> None:
    # The server reads protobuf JSON's camelCase names too; the gate read only snake_case.
    names = {
        "model": auth_server.model_id,
        "run": auth_server.run_id,
        "experiment": auth_server.experiment_id,
        "own": bob["experiment_id"],
    }

    def filled(value: object) -> object:
        if isinstance(value, list):
            return [filled(v) for v in value]
        return value.format(**names) if isinstance(value, str) else value

    sent = {k: filled(v) for k, v in body.items()}
    answer = auth_server.request("POST", f"{API}{path}", auth=BOB, json=sent)
    assert answer.status_code in (400, 403), answer.text
    assert auth_server.run_id not in answer.text
    assert "pwned" not in _alice_tags(auth_server)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/runs/log-metric", {"key": "m", "value": 1, "timestamp": 1, "model_id": "{model}"}),
        (
            "/runs/log-batch",
            {"metrics": [{"key": "m", "value": 1, "timestamp": 1, "model_id": "{model}"}]},
        ),
        (
            "/runs/log-batch",
            {"metrics": [{"key": "m", "value": 1, "timestamp": 1, "modelId": "{model}"}]},
        ),
        ("/runs/outputs", {"models": [{"model_id": "{model}", "step": 0}]}),
        ("/runs/log-inputs", {"models": [{"model_id": "{model}"}]}),
    ],
)
def test_own_run_cannot_reach_an_unreadable_logged_model(
    auth_server: AuthServer, bob: dict[str, str], path: str, body: dict[str, object]
) -> None:
    # Linking showed the model on bob's run page; a metric naming it was added to the
    # model's own metrics, in an experiment bob may not even read.
    text = json.dumps({"run_id": bob["run_id"], **body}).replace("{model}", auth_server.model_id)
    answer = auth_server.request(
        "POST", f"{API}{path}", auth=BOB, content=text, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 403, answer.text
    model = auth_server.request(
        "GET", f"{API}/logged-models/{auth_server.model_id}", auth=ALICE
    ).json()["model"]
    assert not model.get("data", {}).get("metrics")


def test_import_run_cannot_add_metrics_to_an_unreadable_logged_model(
    auth_server: AuthServer, bob: dict[str, str]
) -> None:
    point = {"key": "m", "value": 1, "timestamp": 1, "step": 0, "model_id": auth_server.model_id}
    body = {"experiment_id": bob["experiment_id"], "metrics": [point]}
    answer = auth_server.request("POST", "/api/2.0/heron/runs/import", auth=BOB, json=body)
    assert answer.status_code == 403, answer.text
