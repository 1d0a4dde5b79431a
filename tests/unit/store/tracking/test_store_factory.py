"""get_tracking_store: schemes, caching, artifact roots, registration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from heron.exceptions import InvalidParameter
from heron.store.tracking import (
    clear_store_cache,
    get_tracking_store,
    register_tracking_store,
    resolve_artifact_root,
)
from heron.store.tracking.sql import SqlTrackingStore


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    yield
    clear_store_cache()


def test_same_uri_gives_the_same_store(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'a.db'}"
    first = get_tracking_store(uri, str(tmp_path))
    assert get_tracking_store(uri, str(tmp_path)) is first
    assert isinstance(first, SqlTrackingStore)
    assert get_tracking_store(uri, str(tmp_path / "other")) is not first


def test_relative_sqlite_path_is_relative_to_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    get_tracking_store("sqlite:///relative.db", "art")
    assert (tmp_path / "relative.db").exists()


def test_default_artifact_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = get_tracking_store(f"sqlite:///{tmp_path / 'a.db'}")
    expected = (tmp_path / "heron-artifacts" / "0").as_uri()
    assert store.get_experiment("0").artifact_location == expected


def test_artifact_root_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", "s3://bucket/root")
    store = get_tracking_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert store.get_experiment("0").artifact_location == "s3://bucket/root/0"


@pytest.mark.parametrize(
    ("root", "expected"),
    [("s3://bucket/x", "s3://bucket/x"), ("file:///data/art", "file:///data/art")],
)
def test_resolve_artifact_root_keeps_uris(root: str, expected: str) -> None:
    assert resolve_artifact_root(root) == expected


def test_resolve_artifact_root_makes_paths_absolute(tmp_path: Path) -> None:
    assert resolve_artifact_root(str(tmp_path / "a" / ".." / "b")) == (tmp_path / "b").as_uri()


@pytest.mark.parametrize("uri", ["ftp://x/y", "databricks", "sqlit:///x.db"])
def test_unknown_scheme(uri: str) -> None:
    with pytest.raises(InvalidParameter, match=r"Supported schemes: .*postgresql://.*sqlite://"):
        get_tracking_store(uri)


def test_mysql_other_drivers_are_refused_clearly() -> None:
    with pytest.raises(InvalidParameter, match="through PyMySQL"):
        get_tracking_store("mysql+mysqlconnector://user@localhost/db")


def test_registered_scheme(tmp_path: Path) -> None:
    made: list[tuple[str, str]] = []

    def factory(uri: str, root: str) -> SqlTrackingStore:
        made.append((uri, root))
        return SqlTrackingStore(f"sqlite:///{tmp_path / 'r.db'}", root)

    register_tracking_store("heron-test", factory)
    store = get_tracking_store("heron-test://somewhere", "s3://b")
    assert made == [("heron-test://somewhere", "s3://b")]
    assert get_tracking_store("heron-test://somewhere", "s3://b") is store


def test_in_memory_store() -> None:
    store = get_tracking_store("sqlite://", "s3://b")
    experiment_id = store.create_experiment("in-memory")
    assert store.get_experiment(experiment_id).name == "in-memory"
