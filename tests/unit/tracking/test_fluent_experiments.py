"""Fluent experiments: the active experiment, its resolution order, and tracking URIs."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest

from heron.entities import ViewType
from heron.exceptions import InvalidParameter, NotFound


def test_set_experiment_creates_and_activates(fluent: ModuleType) -> None:
    experiment = fluent.set_experiment("wine")
    assert experiment.name == "wine"
    assert fluent.get_experiment_by_name("wine").experiment_id == experiment.experiment_id
    with fluent.start_run() as run:
        pass
    assert run.info.experiment_id == experiment.experiment_id


def test_set_existing_experiment_by_name_and_id(fluent: ModuleType) -> None:
    experiment_id = fluent.create_experiment("beer", tags={"kind": "ale"})
    assert fluent.set_experiment("beer").experiment_id == experiment_id
    by_id = fluent.set_experiment(experiment_id=experiment_id)
    assert by_id.name == "beer"
    assert by_id.tags == {"kind": "ale"}


def test_set_experiment_needs_exactly_one_argument(fluent: ModuleType) -> None:
    with pytest.raises(InvalidParameter, match="exactly one of"):
        fluent.set_experiment()
    with pytest.raises(InvalidParameter, match="exactly one of"):
        fluent.set_experiment("a", "1")


def test_set_missing_experiment_id_is_not_found(fluent: ModuleType) -> None:
    with pytest.raises(NotFound):
        fluent.set_experiment(experiment_id="4242")


def test_set_deleted_experiment_is_refused(fluent: ModuleType) -> None:
    fluent.delete_experiment(fluent.create_experiment("gone"))
    with pytest.raises(InvalidParameter) as error:
        fluent.set_experiment("gone")
    assert error.value.message == (
        "Cannot set a deleted experiment 'gone' as the active experiment. You can restore the "
        "experiment, or permanently delete the experiment to create a new one."
    )


def test_runs_go_to_the_default_experiment(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        pass
    assert run.info.experiment_id == "0"


def test_experiment_argument_beats_active_experiment(fluent: ModuleType) -> None:
    fluent.set_experiment("active")
    other = fluent.create_experiment("other")
    with fluent.start_run(experiment_id=other) as run:
        pass
    assert run.info.experiment_id == other


def test_environment_experiment_name_is_created(
    fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", "from-env")
    with fluent.start_run() as run:
        pass
    assert run.info.experiment_id == fluent.get_experiment_by_name("from-env").experiment_id


def test_environment_name_beats_environment_id(
    fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_name = fluent.create_experiment("named")
    by_id = fluent.create_experiment("numbered")
    monkeypatch.setenv("HERON_EXPERIMENT_NAME", "named")
    monkeypatch.setenv("HERON_EXPERIMENT_ID", by_id)
    with pytest.raises(InvalidParameter, match="does not match the experiment id"):
        fluent.start_run()
    monkeypatch.setenv("HERON_EXPERIMENT_ID", by_name)
    with fluent.start_run() as run:
        assert run.info.experiment_id == by_name


def test_environment_experiment_id(fluent: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    experiment_id = fluent.create_experiment("by-id")
    monkeypatch.setenv("MLFLOW_EXPERIMENT_ID", experiment_id)
    with fluent.start_run() as run:
        pass
    assert run.info.experiment_id == experiment_id


def test_missing_environment_experiment_id(
    fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERON_EXPERIMENT_ID", "777")
    with pytest.raises(NotFound, match="environment variable value `777` does not exist"):
        fluent.start_run()


def test_active_experiment_beats_environment(
    fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERON_EXPERIMENT_NAME", "from-env")
    active = fluent.set_experiment("chosen")
    with fluent.start_run() as run:
        pass
    assert run.info.experiment_id == active.experiment_id
    assert os.environ["HERON_EXPERIMENT_ID"] == active.experiment_id  # for subprocesses


def test_search_experiments_reads_every_page(
    fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heron.tracking import fluent_experiments

    monkeypatch.setattr(fluent_experiments, "EXPERIMENTS_PER_PAGE", 2)
    for name in ("a", "b", "c", "d"):
        fluent.create_experiment(name)
    fluent.delete_experiment(fluent.get_experiment_by_name("d").experiment_id)
    names = {e.name for e in fluent.search_experiments()}
    assert names == {"Default", "a", "b", "c"}
    assert len(fluent.search_experiments(max_results=3)) == 3
    assert [e.name for e in fluent.search_experiments(view_type=ViewType.DELETED_ONLY)] == ["d"]


def test_search_experiments_filter_and_order(fluent: ModuleType) -> None:
    for name in ("wine-red", "wine-white", "beer"):
        fluent.create_experiment(name)
    found = fluent.search_experiments(filter_string="name LIKE 'wine%'", order_by=["name DESC"])
    assert [e.name for e in found] == ["wine-white", "wine-red"]


def test_set_experiment_tags(fluent: ModuleType) -> None:
    experiment = fluent.set_experiment("tagged")
    fluent.set_experiment_tag("stage", "dev")
    fluent.set_experiment_tags({"owner": "ada", "version": 2})
    tags = fluent.get_experiment(experiment.experiment_id).tags
    assert tags == {"stage": "dev", "owner": "ada", "version": "2"}


def test_tracking_uri_order(fluent: ModuleType, tmp_path: Path) -> None:
    from_env = f"sqlite:///{tmp_path / 'heron.db'}"
    assert fluent.get_tracking_uri() == from_env
    fluent.set_tracking_uri(tmp_path / "x.db")
    assert fluent.get_tracking_uri() == str(tmp_path / "x.db")
    fluent.set_tracking_uri("sqlite:///other.db")
    assert fluent.get_tracking_uri() == "sqlite:///other.db"
    assert os.environ["HERON_TRACKING_URI"] == "sqlite:///other.db"  # for subprocesses
    fluent.set_tracking_uri("")
    assert fluent.get_tracking_uri() == from_env


def test_default_tracking_uri(fluent: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HERON_TRACKING_URI")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///mlflow-env.db")
    assert fluent.get_tracking_uri() == "sqlite:///mlflow-env.db"
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    assert fluent.get_tracking_uri() == "sqlite:///heron.db"
    assert not fluent.is_tracking_uri_set()


def test_runs_follow_the_tracking_uri(fluent: ModuleType, tmp_path: Path) -> None:
    fluent.set_tracking_uri(f"sqlite:///{tmp_path / 'second.db'}")
    with fluent.start_run() as run:
        pass
    assert (tmp_path / "second.db").exists()
    fluent.set_tracking_uri("")
    with pytest.raises(NotFound):
        fluent.get_run(run.info.run_id)


def test_registry_uri_defaults_to_tracking_uri(fluent: ModuleType) -> None:
    fluent.set_tracking_uri("sqlite:///t.db")
    assert fluent.get_registry_uri() == "sqlite:///t.db"
    fluent.set_registry_uri("sqlite:///r.db")
    assert fluent.get_registry_uri() == "sqlite:///r.db"
