"""``/graphql`` answers as MLflow 3.17.2's does: the same queries sent to a real
``mlflow server`` and to ``heron server`` give the same JSON (ids and times aside)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from processes import ServerProcess

pytestmark = pytest.mark.compat

RUN_FIELDS = """
info { runId runUuid runName status startTime endTime lifecycleStage }
data { metrics { key value step timestamp } params { key value } }
inputs { datasetInputs { dataset { name digest } } modelInputs { modelId } }
outputs { modelOutputs { modelId step } }
experiment { experimentId name lifecycleStage tags { key value } }
modelVersions { name version }
"""
GET_RUN = (
    "query GetRun($data: MlflowGetRunInput!) { mlflowGetRun(input: $data) "
    "{ run { %s } apiError { code } } }"
)
SEARCH = (
    "query SearchRuns($data: MlflowSearchRunsInput!) { mlflowSearchRuns(input: $data) "
    "{ runs { %s } nextPageToken apiError { code } } }"
)
BULK = (
    "query B($data: MlflowGetMetricHistoryBulkIntervalInput!) { "
    "mlflowGetMetricHistoryBulkInterval(input: $data) { metrics { key value step timestamp } } }"
)
FIXED = [
    '{ test(inputString: "abc") { output } }',
    'mutation { testMutation(inputString: "x") { output } }',
    "{ nope }",
    "{ " + " ".join(f'a{i}: test(inputString: "x") {{ output }}' for i in range(11)) + " }",
    'query { mlflowGetRun(input: {runId: "%s"}) { run { info { runId } } } }' % ("0" * 32),
    'mutation { mlflowSearchDatasets(input: {experimentIds: ["0"]}) '
    "{ datasetSummaries { name } apiError { code } } }",
]


def _graphql(server: ServerProcess, query: str, variables: dict[str, Any] | None = None) -> Any:
    answer = httpx.post(
        server.url + "/graphql", json={"query": query, "variables": variables or {}}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _logged_run(server: ServerProcess, name: str) -> tuple[str, str]:
    api = server.url + "/api/2.0/mlflow"
    experiment = httpx.post(api + "/experiments/create", json={"name": name}, timeout=60)
    experiment_id = experiment.json()["experiment_id"]
    created = httpx.post(
        api + "/runs/create",
        json={"experiment_id": experiment_id, "run_name": "gq", "start_time": 1000},
        timeout=60,
    )
    run_id = created.json()["run"]["info"]["run_id"]
    for step in range(3):
        metric = {
            "run_id": run_id,
            "key": "loss",
            "value": 0.5 + step,
            "timestamp": 7,
            "step": step,
        }
        httpx.post(api + "/runs/log-metric", json=metric, timeout=60)
    httpx.post(api + "/runs/log-parameter", json={"run_id": run_id, "key": "a", "value": "1"})
    return experiment_id, run_id


def _neutral(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _neutral(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_neutral(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


@pytest.fixture(scope="module")
def answers(mlflow_server: ServerProcess, heron_compat_server: ServerProcess) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for server in (mlflow_server, heron_compat_server):
        experiment_id, run_id = _logged_run(server, "graphql-peers")
        ids = {experiment_id: "<experiment>", run_id: "<run>"}
        results = [
            _graphql(server, GET_RUN % RUN_FIELDS, {"data": {"runId": run_id}}),
            _graphql(server, SEARCH % RUN_FIELDS, {"data": {"experimentIds": [experiment_id]}}),
            _graphql(
                server,
                BULK,
                {"data": {"runIds": [run_id], "metricKey": "loss", "maxResults": 10}},
            ),
            *(_graphql(server, query) for query in FIXED),
        ]
        found[server.kind] = _neutral(results, ids)
    return found


@pytest.mark.parametrize("index", range(3 + len(FIXED)))
def test_same_answer(answers: dict[str, Any], index: int) -> None:
    assert answers["heron"][index] == answers["mlflow"][index]
