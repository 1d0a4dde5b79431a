"""MlflowClient's experiment methods, end to end on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest

from heron.entities import LifecycleStage, ViewType
from heron.exceptions import AlreadyExists, NotFound
from heron.tracking import MlflowClient


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    return MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/t.db")


def test_the_tracking_uri_comes_from_the_argument_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HERON_TRACKING_URI", "sqlite:///from-env.db")

    assert MlflowClient().tracking_uri == "sqlite:///from-env.db"
    assert MlflowClient("sqlite:///arg.db").tracking_uri == "sqlite:///arg.db"


def test_the_store_is_created_once(client: MlflowClient) -> None:
    assert client.store is client.store


def test_create_and_get_an_experiment(client: MlflowClient, tmp_path: Path) -> None:
    experiment_id = client.create_experiment("exp", tags={"team": "a", "n": 1})

    experiment = client.get_experiment(experiment_id)

    assert isinstance(experiment_id, str)
    assert experiment.name == "exp"
    assert experiment.tags == {"team": "a", "n": "1"}
    assert experiment.artifact_location == (tmp_path / "artifacts" / experiment_id).as_uri()


def test_experiment_ids_may_be_integers(client: MlflowClient) -> None:
    experiment_id = client.create_experiment("exp")

    assert client.get_experiment(int(experiment_id)).name == "exp"


def test_an_explicit_artifact_location_is_kept(client: MlflowClient, tmp_path: Path) -> None:
    location = (tmp_path / "elsewhere").as_uri()

    experiment_id = client.create_experiment("exp", artifact_location=location)

    assert client.get_experiment(experiment_id).artifact_location == location


def test_get_experiment_by_name(client: MlflowClient) -> None:
    experiment_id = client.create_experiment("exp")

    found = client.get_experiment_by_name("exp")

    assert found is not None
    assert found.experiment_id == experiment_id
    assert client.get_experiment_by_name("nope") is None


def test_names_are_unique(client: MlflowClient) -> None:
    client.create_experiment("exp")

    with pytest.raises(AlreadyExists):
        client.create_experiment("exp")


def test_an_unknown_experiment_is_not_found(client: MlflowClient) -> None:
    with pytest.raises(NotFound):
        client.get_experiment("12345")


def test_search_experiments_pages_through_all(client: MlflowClient) -> None:
    for name in ("a", "b", "c"):
        client.create_experiment(name)

    first = client.search_experiments(max_results=2, order_by=["name ASC"])
    second = client.search_experiments(max_results=2, order_by=["name ASC"], page_token=first.token)

    assert [e.name for e in first] == ["Default", "a"]
    assert [e.name for e in second] == ["b", "c"]
    assert second.token is None


def test_search_experiments_filters(client: MlflowClient) -> None:
    client.create_experiment("keep-1", tags={"team": "x"})
    client.create_experiment("drop")

    found = client.search_experiments(filter_string="tags.team = 'x'")

    assert [e.name for e in found] == ["keep-1"]


def test_delete_and_restore_an_experiment(client: MlflowClient) -> None:
    experiment_id = client.create_experiment("exp")

    client.delete_experiment(experiment_id)
    deleted = client.get_experiment(experiment_id)
    hidden = [e.name for e in client.search_experiments()]
    everything = [e.name for e in client.search_experiments(view_type=ViewType.ALL)]
    client.restore_experiment(experiment_id)

    assert deleted.lifecycle_stage == LifecycleStage.DELETED
    assert "exp" not in hidden
    assert "exp" in everything
    assert client.get_experiment(experiment_id).lifecycle_stage == LifecycleStage.ACTIVE


def test_view_types_may_be_given_by_name(client: MlflowClient) -> None:
    client.delete_experiment(client.create_experiment("gone"))

    assert [e.name for e in client.search_experiments(view_type="DELETED_ONLY")] == ["gone"]


def test_rename_an_experiment(client: MlflowClient) -> None:
    experiment_id = client.create_experiment("old")

    client.rename_experiment(experiment_id, "new")

    assert client.get_experiment(experiment_id).name == "new"
    assert client.get_experiment_by_name("old") is None


def test_set_and_delete_experiment_tags(client: MlflowClient) -> None:
    experiment_id = client.create_experiment("exp")

    client.set_experiment_tag(experiment_id, "version", 2)
    client.set_experiment_tag(experiment_id, "other", "x")
    client.delete_experiment_tag(experiment_id, "other")

    assert client.get_experiment(experiment_id).tags == {"version": "2"}
    with pytest.raises(NotFound):
        client.delete_experiment_tag(experiment_id, "other")
