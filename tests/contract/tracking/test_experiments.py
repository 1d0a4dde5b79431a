"""Experiments: create/get, uniqueness, rename, delete/restore, tags."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from heron.entities import LifecycleStage, ViewType
from heron.entities.run_data import ExperimentTag
from heron.exceptions import AlreadyExists, InvalidParameter, InvalidState, NotFound
from heron.store.tracking.base import TrackingStore


def test_fresh_store_has_default_experiment(store: TrackingStore, tmp_path: Path) -> None:
    default = store.get_experiment("0")
    assert default.name == "Default"
    assert default.lifecycle_stage == LifecycleStage.ACTIVE
    assert default.artifact_location == (tmp_path / "artifacts" / "0").as_uri()


def test_create_experiment_defaults(store: TrackingStore, tmp_path: Path) -> None:
    experiment_id = store.create_experiment("first", tags=[ExperimentTag("k", "v")])
    experiment = store.get_experiment(experiment_id)
    assert experiment_id == "1"
    assert experiment.name == "first"
    assert experiment.tags == {"k": "v"}
    assert experiment.artifact_location == (tmp_path / "artifacts" / "1").as_uri()
    assert experiment.creation_time is not None
    assert experiment.creation_time == experiment.last_update_time


def test_create_experiment_keeps_explicit_artifact_location(store: TrackingStore) -> None:
    experiment_id = store.create_experiment("remote", artifact_location="s3://bucket/place")
    assert store.get_experiment(experiment_id).artifact_location == "s3://bucket/place"


def test_experiment_ids_increase(store: TrackingStore) -> None:
    ids = [store.create_experiment(f"e{i}") for i in range(3)]
    assert ids == ["1", "2", "3"]


@pytest.mark.parametrize("bad_id", ["999", "-1", "99999999999999999999"])
def test_get_unknown_experiment(store: TrackingStore, bad_id: str) -> None:
    with pytest.raises(NotFound, match=f"No Experiment with id={bad_id} exists"):
        store.get_experiment(bad_id)


@pytest.mark.parametrize("bad_id", ["abc", "1.5"])
def test_get_experiment_by_a_non_integer_id(store: TrackingStore, bad_id: str) -> None:
    # MLflow's SQL store: INVALID_PARAMETER_VALUE "Invalid experiment ID ..."; its file
    # store reads "abc" as an id that names nothing
    with pytest.raises((NotFound, InvalidParameter), match=f"experiment ID '{bad_id}'|id={bad_id}"):
        store.get_experiment(bad_id)


def test_get_experiment_by_name(store: TrackingStore, experiment_id: str) -> None:
    found = store.get_experiment_by_name("contract")
    assert found is not None
    assert found.experiment_id == experiment_id
    assert store.get_experiment_by_name("missing") is None


def test_duplicate_name_is_refused(store: TrackingStore, experiment_id: str) -> None:
    with pytest.raises(AlreadyExists, match=r"Experiment\(name=contract\) already exists\."):
        store.create_experiment("contract")


def test_deleted_experiment_name_stays_taken(store: TrackingStore, experiment_id: str) -> None:
    store.delete_experiment(experiment_id)
    with pytest.raises(AlreadyExists):
        store.create_experiment("contract")
    deleted = store.get_experiment_by_name("contract")
    assert deleted is not None
    assert deleted.lifecycle_stage == LifecycleStage.DELETED


@pytest.mark.parametrize("name", ["", "   ", "x" * 501])
def test_invalid_experiment_name(store: TrackingStore, name: str) -> None:
    with pytest.raises(InvalidParameter):
        store.create_experiment(name)


def test_rename_experiment(store: TrackingStore, experiment_id: str) -> None:
    store.rename_experiment(experiment_id, "renamed")
    assert store.get_experiment(experiment_id).name == "renamed"
    assert store.get_experiment_by_name("contract") is None


def test_rename_onto_existing_name_is_a_400(store: TrackingStore, experiment_id: str) -> None:
    store.create_experiment("other")
    with pytest.raises(Exception) as caught:
        store.rename_experiment(experiment_id, "other")
    assert getattr(caught.value, "http_status", None) == 400
    assert store.get_experiment(experiment_id).name == "contract"


def test_rename_deleted_experiment_is_refused(store: TrackingStore, experiment_id: str) -> None:
    store.delete_experiment(experiment_id)
    with pytest.raises(InvalidState):
        store.rename_experiment(experiment_id, "renamed")


def test_delete_experiment_deletes_its_runs(
    store: TrackingStore, experiment_id: str, run_id: str
) -> None:
    store.delete_experiment(experiment_id)
    assert store.get_experiment(experiment_id).lifecycle_stage == LifecycleStage.DELETED
    assert store.get_run(run_id).info.lifecycle_stage == LifecycleStage.DELETED
    assert store.search_runs([experiment_id], run_view_type=ViewType.ACTIVE_ONLY) == []


def test_restore_experiment_restores_its_runs(
    store: TrackingStore, experiment_id: str, run_id: str
) -> None:
    store.delete_experiment(experiment_id)
    store.restore_experiment(experiment_id)
    assert store.get_experiment(experiment_id).lifecycle_stage == LifecycleStage.ACTIVE
    assert store.get_run(run_id).info.lifecycle_stage == LifecycleStage.ACTIVE


def test_restore_keeps_runs_deleted_before(
    store: TrackingStore, experiment_id: str, make_run: Callable[..., str]
) -> None:
    kept, dropped = make_run(), make_run()
    store.delete_run(dropped)
    store.delete_experiment(experiment_id)
    store.restore_experiment(experiment_id)
    assert store.get_run(kept).info.lifecycle_stage == LifecycleStage.ACTIVE
    assert store.get_run(dropped).info.lifecycle_stage == LifecycleStage.DELETED


def test_delete_and_restore_are_idempotent(store: TrackingStore, experiment_id: str) -> None:
    store.delete_experiment(experiment_id)
    store.delete_experiment(experiment_id)
    store.restore_experiment(experiment_id)
    store.restore_experiment(experiment_id)
    assert store.get_experiment(experiment_id).lifecycle_stage == LifecycleStage.ACTIVE


def test_delete_unknown_experiment(store: TrackingStore) -> None:
    with pytest.raises(NotFound):
        store.delete_experiment("42")


def test_create_run_in_deleted_experiment(store: TrackingStore, experiment_id: str) -> None:
    store.delete_experiment(experiment_id)
    with pytest.raises(InvalidParameter, match="must be in the 'active' state"):
        store.create_run(experiment_id, "u", 0, [], None)


def test_set_experiment_tag_overwrites(store: TrackingStore, experiment_id: str) -> None:
    store.set_experiment_tag(experiment_id, ExperimentTag("k", "1"))
    store.set_experiment_tag(experiment_id, ExperimentTag("k", "2"))
    assert store.get_experiment(experiment_id).tags == {"k": "2"}


def test_delete_experiment_tag(store: TrackingStore, experiment_id: str) -> None:
    store.set_experiment_tag(experiment_id, ExperimentTag("k", "1"))
    store.delete_experiment_tag(experiment_id, "k")
    assert store.get_experiment(experiment_id).tags == {}
    with pytest.raises(NotFound):
        store.delete_experiment_tag(experiment_id, "k")


def test_experiment_tag_on_deleted_experiment(store: TrackingStore, experiment_id: str) -> None:
    store.delete_experiment(experiment_id)
    with pytest.raises(InvalidParameter, match="must be in the 'active' state"):
        store.set_experiment_tag(experiment_id, ExperimentTag("k", "1"))


def test_experiment_tag_value_limit(store: TrackingStore, experiment_id: str) -> None:
    store.set_experiment_tag(experiment_id, ExperimentTag("k", "x" * 20000))
    with pytest.raises(InvalidParameter):
        store.set_experiment_tag(experiment_id, ExperimentTag("k", "x" * 20001))
    assert len(store.get_experiment(experiment_id).tags["k"]) == 20000
