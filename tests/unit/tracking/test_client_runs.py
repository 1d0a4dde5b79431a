"""MlflowClient's run methods, end to end on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest

from heron.entities import LifecycleStage, ViewType
from heron.exceptions import InvalidParameter, NotFound
from heron.tracking import MlflowClient


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    monkeypatch.delenv("HERON_TRACKING_USERNAME", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
    return MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/t.db")


def test_create_run(client: MlflowClient, tmp_path: Path) -> None:
    experiment_id = client.create_experiment("exp")

    run = client.create_run(experiment_id, start_time=1234, tags={"k": 5}, run_name="first")

    assert run.info.status == "RUNNING"
    assert run.info.start_time == 1234
    assert run.info.run_name == "first"
    assert run.data.tags["k"] == "5"
    assert run.info.artifact_uri == (
        (tmp_path / "artifacts" / experiment_id / run.info.run_id / "artifacts").as_uri()
    )


def test_the_user_comes_from_the_user_tag(client: MlflowClient) -> None:
    run = client.create_run("0", tags={"mlflow.user": "alice"})

    assert run.info.user_id == "alice"


def test_the_user_defaults_to_the_tracking_username(
    client: MlflowClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERON_TRACKING_USERNAME", "bob")

    assert client.create_run("0").info.user_id == "bob"


def test_the_start_time_defaults_to_now(client: MlflowClient) -> None:
    run = client.create_run("0")

    assert run.info.start_time is not None
    assert run.info.start_time > 1_600_000_000_000
    assert run.info.run_name


def test_get_run(client: MlflowClient) -> None:
    run_id = client.create_run("0", run_name="r").info.run_id

    assert client.get_run(run_id).info.run_name == "r"
    with pytest.raises(NotFound):
        client.get_run("f" * 32)


def test_get_parent_run(client: MlflowClient) -> None:
    parent = client.create_run("0")
    child = client.create_run("0", tags={"mlflow.parentRunId": parent.info.run_id})

    found = client.get_parent_run(child.info.run_id)

    assert found is not None
    assert found.info.run_id == parent.info.run_id
    assert client.get_parent_run(parent.info.run_id) is None


def test_update_run(client: MlflowClient) -> None:
    run_id = client.create_run("0").info.run_id

    client.update_run(run_id, status="KILLED", name="renamed")
    client.update_run(run_id)

    info = client.get_run(run_id).info
    assert (info.status, info.run_name) == ("KILLED", "renamed")
    assert client.get_run(run_id).data.tags["mlflow.runName"] == "renamed"


def test_update_run_refuses_an_unknown_status(client: MlflowClient) -> None:
    run_id = client.create_run("0").info.run_id

    with pytest.raises(InvalidParameter):
        client.update_run(run_id, status="DONE")


def test_set_terminated_finishes_now_by_default(client: MlflowClient) -> None:
    run = client.create_run("0")

    client.set_terminated(run.info.run_id)

    info = client.get_run(run.info.run_id).info
    assert info.status == "FINISHED"
    assert info.end_time is not None
    assert info.start_time is not None
    assert info.end_time >= info.start_time


def test_set_terminated_with_a_status_and_time(client: MlflowClient) -> None:
    run_id = client.create_run("0", start_time=1000).info.run_id

    client.set_terminated(run_id, status="FAILED", end_time=5000)

    info = client.get_run(run_id).info
    assert (info.status, info.end_time) == ("FAILED", 5000)


def test_delete_and_restore_a_run(client: MlflowClient) -> None:
    run_id = client.create_run("0").info.run_id

    client.delete_run(run_id)
    stage = client.get_run(run_id).info.lifecycle_stage
    visible = client.search_runs("0")
    client.restore_run(run_id)

    assert stage == LifecycleStage.DELETED
    assert visible == []
    assert [r.info.run_id for r in client.search_runs(["0"])] == [run_id]


def test_search_runs_takes_one_id_or_many(client: MlflowClient) -> None:
    other = client.create_experiment("other")
    first = client.create_run("0").info.run_id
    second = client.create_run(other).info.run_id

    assert [r.info.run_id for r in client.search_runs("0")] == [first]
    assert {r.info.run_id for r in client.search_runs(["0", other])} == {first, second}


def test_search_runs_filters_orders_and_pages(client: MlflowClient) -> None:
    for value in (3, 1, 2, 5):
        client.log_metric(client.create_run("0").info.run_id, "m", value)

    first = client.search_runs("0", "metrics.m < 5", max_results=2, order_by=["metrics.m ASC"])
    rest = client.search_runs(
        "0", "metrics.m < 5", max_results=2, order_by=["metrics.m ASC"], page_token=first.token
    )

    assert [r.data.metrics["m"] for r in first] == [1.0, 2.0]
    assert [r.data.metrics["m"] for r in rest] == [3.0]


def test_search_runs_view_types(client: MlflowClient) -> None:
    client.create_run("0")
    client.delete_run(client.create_run("0").info.run_id)

    assert len(client.search_runs("0", run_view_type=ViewType.ALL)) == 2
    assert len(client.search_runs("0", run_view_type="DELETED_ONLY")) == 1
