"""MlflowClient's logged-model methods, end to end on a real SQLite store: the steps of
MLflow 3.x's ``log_model``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest

from heron.entities import LoggedModelOutput, LoggedModelStatus, Metric
from heron.exceptions import InvalidParameter, NotFound
from heron.tracking import MlflowClient


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    monkeypatch.delenv("HERON_ENABLE_ASYNC_LOGGING", raising=False)
    monkeypatch.delenv("MLFLOW_ENABLE_ASYNC_LOGGING", raising=False)
    return MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/t.db")


def test_the_log_model_sequence(client: MlflowClient, tmp_path: Path) -> None:
    run = client.create_run("0")
    run_id = run.info.run_id
    client.log_param(run_id, "alpha", 0.5)
    client.log_metric(run_id, "rmse", 0.25, timestamp=7, step=0)
    model = client.create_logged_model(
        "0", name="model", source_run_id=run_id, params={"alpha": 0.5}, tags={"mlflow.user": "a"}
    )
    client.log_outputs(run_id, [LoggedModelOutput(model.model_id, 0)])
    client.log_batch(run_id, metrics=[Metric("rmse", 0.25, 7, 0, model_id=model.model_id)])
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "MLmodel").write_text("flavors: {}\n")
    client.log_model_artifacts(model.model_id, str(tmp_path / "model"))
    ready = client.finalize_logged_model(model.model_id, "READY")

    assert ready.status is LoggedModelStatus.READY
    assert ready.params == {"alpha": "0.5"}
    assert [(m.key, m.run_id) for m in ready.metrics] == [("rmse", run_id)]
    stored = Path(url2pathname(urlsplit(ready.artifact_location).path)) / "MLmodel"
    assert stored.read_text() == "flavors: {}\n"
    assert client.get_run(run_id).outputs.model_outputs == (LoggedModelOutput(model.model_id),)
    assert len(client.get_metric_history(run_id, "rmse")) == 1


def test_runs_uri_lookup_by_name(client: MlflowClient) -> None:
    # How the mlflow client resolves runs:/<run_id>/model for a 3.x-logged model.
    run_id = client.create_run("0").info.run_id
    model = client.create_logged_model("0", name="model", source_run_id=run_id)
    found = client.search_logged_models(
        ["0"], filter_string=f"name = 'model' AND source_run_id = '{run_id}'"
    )
    assert [m.model_id for m in found] == [model.model_id]
    assert found[0].model_uri == f"models:/{model.model_id}"


def test_tags_params_and_deletion(client: MlflowClient) -> None:
    model = client.create_logged_model("0")
    client.set_logged_model_tags(model.model_id, {"stage": 1})
    client.log_model_params(model.model_id, {"depth": 3})
    client.delete_logged_model_tag(model.model_id, "stage")
    fetched = client.get_logged_model(model.model_id)
    assert (fetched.tags, fetched.params) == ({}, {"depth": "3"})
    client.delete_logged_model(model.model_id)
    with pytest.raises(NotFound):
        client.get_logged_model(model.model_id)
    assert client.get_logged_model(model.model_id, allow_deleted=True).name == model.name


def test_search_wants_a_list_of_strings(client: MlflowClient) -> None:
    with pytest.raises(InvalidParameter):
        client.search_logged_models("0")  # type: ignore[arg-type]
