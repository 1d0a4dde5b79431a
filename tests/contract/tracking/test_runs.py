"""Runs: create/get/update, the run name and its tag, delete/restore, deleted-run refusal."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from heron.entities import DatasetInput, LifecycleStage, Metric, Param, RunStatus, RunTag
from heron.entities.dataset import Dataset
from heron.exceptions import InvalidParameter, NotFound
from heron.store.tracking.base import TrackingStore


def test_create_run(store: TrackingStore, experiment_id: str) -> None:
    run = store.create_run(experiment_id, "alice", 1234, [RunTag("k", "v")], "named")
    info = run.info
    assert re.fullmatch(r"[0-9a-f]{32}", info.run_id)
    assert (info.status, info.user_id, info.start_time, info.end_time) == (
        "RUNNING",
        "alice",
        1234,
        None,
    )
    assert info.lifecycle_stage == LifecycleStage.ACTIVE
    assert run.data.tags == {"k": "v", "mlflow.runName": "named"}
    assert store.get_run(info.run_id) == run


def test_run_artifact_uri(store: TrackingStore, experiment_id: str, run_id: str) -> None:
    location = store.get_experiment(experiment_id).artifact_location
    assert store.get_run(run_id).info.artifact_uri == f"{location}/{run_id}/artifacts"


def test_run_name_comes_from_tag(store: TrackingStore, experiment_id: str) -> None:
    run = store.create_run(experiment_id, "u", 0, [RunTag("mlflow.runName", "tagged")], None)
    assert run.info.run_name == "tagged"
    assert store.get_run(run.info.run_id).info.run_name == "tagged"


def test_run_name_and_equal_tag(store: TrackingStore, experiment_id: str) -> None:
    run = store.create_run(experiment_id, "u", 0, [RunTag("mlflow.runName", "same")], "same")
    assert run.info.run_name == "same"


def test_run_name_conflicting_with_tag(store: TrackingStore, experiment_id: str) -> None:
    with pytest.raises(InvalidParameter, match="different values"):
        store.create_run(experiment_id, "u", 0, [RunTag("mlflow.runName", "a")], "b")


def test_generated_run_name(store: TrackingStore, experiment_id: str) -> None:
    run = store.get_run(store.create_run(experiment_id, "u", 0, [], None).info.run_id)
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d{1,3}", run.info.run_name or "")
    assert len(run.info.run_name or "") <= 20
    assert run.data.tags["mlflow.runName"] == run.info.run_name


def test_create_run_in_unknown_experiment(store: TrackingStore) -> None:
    with pytest.raises(NotFound, match="No Experiment with id=77 exists"):
        store.create_run("77", "u", 0, [], None)


def test_get_unknown_run(store: TrackingStore) -> None:
    with pytest.raises(NotFound, match="Run with id=0123abcd not found"):
        store.get_run("0123abcd")


def test_update_run_info(store: TrackingStore, run_id: str) -> None:
    info = store.update_run_info(run_id, RunStatus.FINISHED, 5000, None)
    assert (info.status, info.end_time, info.run_name) == ("FINISHED", 5000, "a-run")
    assert store.get_run(run_id).info == info


def test_update_run_info_none_keeps_fields(store: TrackingStore, run_id: str) -> None:
    store.update_run_info(run_id, "FAILED", 7, None)
    info = store.update_run_info(run_id, None, None, None)
    assert (info.status, info.end_time) == ("FAILED", 7)


def test_update_run_name_updates_tag(store: TrackingStore, run_id: str) -> None:
    store.update_run_info(run_id, None, None, "renamed")
    run = store.get_run(run_id)
    assert run.info.run_name == "renamed"
    assert run.data.tags["mlflow.runName"] == "renamed"


def test_set_run_name_tag_renames_run(store: TrackingStore, run_id: str) -> None:
    store.set_tag(run_id, RunTag("mlflow.runName", "via-tag"))
    assert store.get_run(run_id).info.run_name == "via-tag"


def test_update_run_with_invalid_status(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(InvalidParameter):
        store.update_run_info(run_id, "EXPLODED", None, None)


def test_delete_and_restore_run(store: TrackingStore, run_id: str) -> None:
    store.delete_run(run_id)
    assert store.get_run(run_id).info.lifecycle_stage == LifecycleStage.DELETED
    store.restore_run(run_id)
    assert store.get_run(run_id).info.lifecycle_stage == LifecycleStage.ACTIVE


def test_delete_unknown_run(store: TrackingStore) -> None:
    with pytest.raises(NotFound):
        store.delete_run("feedbeef")
    with pytest.raises(NotFound):
        store.restore_run("feedbeef")


_DATASET = DatasetInput(Dataset("d", "abc", "code", "{}"))
WRITES: dict[str, Callable[[TrackingStore, str], object]] = {
    "log_metric": lambda s, r: s.log_metric(r, Metric("m", 1.0, 0, 0)),
    "log_param": lambda s, r: s.log_param(r, Param("p", "1")),
    "set_tag": lambda s, r: s.set_tag(r, RunTag("t", "1")),
    "log_batch": lambda s, r: s.log_batch(r, [Metric("m", 1.0, 0, 0)]),
    "delete_tag": lambda s, r: s.delete_tag(r, "mlflow.runName"),
    "update_run_info": lambda s, r: s.update_run_info(r, "FINISHED", 1, None),
    "log_inputs": lambda s, r: s.log_inputs(r, [_DATASET]),
}


@pytest.mark.parametrize("write", WRITES)
def test_writes_to_deleted_run_are_refused(store: TrackingStore, run_id: str, write: str) -> None:
    store.delete_run(run_id)
    message = f"The run {run_id} must be in the 'active' state. Current state is deleted."
    with pytest.raises(InvalidParameter, match=re.escape(message)):
        WRITES[write](store, run_id)


@pytest.mark.parametrize("write", WRITES)
def test_writes_to_unknown_run(store: TrackingStore, write: str) -> None:
    with pytest.raises(NotFound, match="Run with id=abc123 not found"):
        WRITES[write](store, "abc123")


@pytest.mark.parametrize("write", WRITES)
def test_finished_run_accepts_writes(store: TrackingStore, run_id: str, write: str) -> None:
    store.update_run_info(run_id, "FINISHED", 1, None)
    WRITES[write](store, run_id)
    assert store.get_run(run_id).info.lifecycle_stage == LifecycleStage.ACTIVE
