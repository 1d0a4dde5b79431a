"""``POST /graphql`` answers the queries MLflow's UI sends, with MLflow's schema and shape.

A live ``heron server``; the run is logged with Heron's client over REST, then read back
through GraphQL (GetRun, SearchRuns, GetMetricHistoryBulkInterval, ListArtifacts,
SearchDatasets, the test query and mutation), and bad documents are refused as MLflow does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures.server import HeronServer
from heron.entities import Dataset, DatasetInput, InputTag, Metric
from heron.tracking.client import MlflowClient

pytestmark = pytest.mark.integration

GET_RUN = """
query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetRun(input: $data) {
    apiError { helpUrl code message }
    run {
      info { runUuid experimentId runName status startTime endTime lifecycleStage artifactUri }
      data { metrics { key value step timestamp } params { key value } tags { key value } }
      inputs {
        datasetInputs {
          dataset { digest name profile schema source sourceType }
          tags { key value }
        }
        modelInputs { modelId }
      }
      outputs { modelOutputs { modelId step } }
      experiment { experimentId name artifactLocation lifecycleStage tags { key value } }
      modelVersions { status version name source }
    }
  }
}
"""
SEARCH_RUNS = """
query SearchRuns($data: MlflowSearchRunsInput!) {
  mlflowSearchRuns(input: $data) {
    apiError { code message }
    nextPageToken
    runs { info { runUuid runName status } data { metrics { key value } } }
  }
}
"""
BULK = """
query GetMetricHistoryBulkInterval($data: MlflowGetMetricHistoryBulkIntervalInput!) {
  mlflowGetMetricHistoryBulkInterval(input: $data) {
    metrics { key value step timestamp runId }
    apiError { code message }
  }
}
"""
LIST_ARTIFACTS = """
query ListArtifacts($data: MlflowListArtifactsInput!) {
  mlflowListArtifacts(input: $data) { rootUri files { path isDir fileSize } apiError { code } }
}
"""
SEARCH_DATASETS = """
mutation SearchDatasets($data: MlflowSearchDatasetsInput!) {
  mlflowSearchDatasets(input: $data) {
    datasetSummaries { experimentId name digest context }
    apiError { code message }
  }
}
"""


@pytest.fixture(scope="module")
def logged(heron_server: HeronServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    client = MlflowClient(tracking_uri=heron_server.url)
    experiment_id = client.create_experiment(f"graphql-{tmp_path_factory.mktemp('g').name}")
    run = client.create_run(experiment_id, run_name="graphql-run")
    run_id = run.info.run_id
    client.log_param(run_id, "alpha", "0.5")
    for step in range(5):
        client.log_batch(run_id, metrics=[Metric("loss", 1.0 / (step + 1), 1000 + step, step)])
    dataset = Dataset("train", "d1", "code", "{}")
    client.log_inputs(run_id, [DatasetInput(dataset, [InputTag("mlflow.data.context", "train")])])
    local: Path = tmp_path_factory.mktemp("art") / "notes.txt"
    local.write_text("hi")
    client.log_artifact(run_id, str(local), "docs")
    yield experiment_id, run_id
    client.delete_experiment(experiment_id)


def _post(server: HeronServer, query: str, variables: dict[str, Any] | None = None) -> Any:
    answer = httpx.post(
        f"{server.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    return answer.json()


def test_get_run_as_the_ui_asks(heron_server: HeronServer, logged: Any) -> None:
    experiment_id, run_id = logged
    body = _post(heron_server, GET_RUN, {"data": {"runId": run_id}})
    assert body["errors"] is None
    run = body["data"]["mlflowGetRun"]["run"]
    assert run["info"]["runUuid"] == run_id
    assert run["info"]["runName"] == "graphql-run"
    assert run["info"]["status"] == "RUNNING"
    assert run["data"]["params"] == [{"key": "alpha", "value": "0.5"}]
    assert run["data"]["metrics"][0]["key"] == "loss"
    assert run["data"]["metrics"][0]["step"] in ("4", 4)
    assert run["experiment"]["experimentId"] == experiment_id
    assert run["modelVersions"] == []
    inputs = run["inputs"]["datasetInputs"]
    assert inputs[0]["dataset"]["name"] == "train"


def test_search_runs_query_and_mutation(heron_server: HeronServer, logged: Any) -> None:
    experiment_id, run_id = logged
    variables = {"data": {"experimentIds": [experiment_id], "filter": "params.alpha = '0.5'"}}
    body = _post(heron_server, SEARCH_RUNS, variables)
    assert [r["info"]["runUuid"] for r in body["data"]["mlflowSearchRuns"]["runs"]] == [run_id]
    mutation = SEARCH_RUNS.replace("query SearchRuns", "mutation SearchRuns")
    again = _post(heron_server, mutation, variables)
    assert again["data"] == body["data"]


def test_metric_history_bulk_interval(heron_server: HeronServer, logged: Any) -> None:
    _, run_id = logged
    variables = {"data": {"runIds": [run_id], "metricKey": "loss", "maxResults": 100}}
    metrics = _post(heron_server, BULK, variables)["data"]["mlflowGetMetricHistoryBulkInterval"]
    assert [int(m["step"]) for m in metrics["metrics"]] == [0, 1, 2, 3, 4]
    assert {m["runId"] for m in metrics["metrics"]} == {run_id}


def test_list_artifacts_and_search_datasets(heron_server: HeronServer, logged: Any) -> None:
    experiment_id, run_id = logged
    listed = _post(heron_server, LIST_ARTIFACTS, {"data": {"runId": run_id, "path": "docs"}})
    files = listed["data"]["mlflowListArtifacts"]["files"]
    assert [(f["path"], f["isDir"]) for f in files] == [("docs/notes.txt", False)]
    found = _post(heron_server, SEARCH_DATASETS, {"data": {"experimentIds": [experiment_id]}})
    summaries = found["data"]["mlflowSearchDatasets"]["datasetSummaries"]
    assert summaries == [
        {"experimentId": experiment_id, "name": "train", "digest": "d1", "context": "train"}
    ]


def test_test_query_and_refusals(heron_server: HeronServer) -> None:
    echoed = _post(heron_server, '{ test(inputString: "abc") { output } }')
    assert echoed == {"data": {"test": {"output": "abc"}}, "errors": None}
    missing = _post(heron_server, GET_RUN, {"data": {"runId": "0" * 32}})
    assert missing["data"]["mlflowGetRun"] is None
    assert missing["errors"]
    assert "not found" in missing["errors"][0].lower()
    many = "{ " + " ".join(f'a{i}: test(inputString: "x") {{ output }}' for i in range(11)) + " }"
    refused = _post(heron_server, many)
    assert refused["data"] is None
    assert "at most 10" in refused["errors"][0]
    invalid = _post(heron_server, "{ nope }")
    assert invalid["data"] is None
    assert "nope" in invalid["errors"][0]
    no_query = httpx.post(f"{heron_server.url}/graphql", json={}, timeout=30)
    assert no_query.status_code == 400
