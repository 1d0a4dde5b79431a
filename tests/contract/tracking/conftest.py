"""The ``store`` fixture: every test here runs once per tracking-store backend.

To add a backend (e.g. ``rest``, a live server in front of a SQL store), write a factory
``(request, tmp_path) -> TrackingStore`` and add it to ``BACKENDS`` and ``PARAMS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from heron.entities import RunTag
from heron.store.tracking import clear_store_cache, get_tracking_store
from heron.store.tracking.base import TrackingStore


def _sqlite_store(request: pytest.FixtureRequest, tmp_path: Path) -> TrackingStore:
    return get_tracking_store(f"sqlite:///{tmp_path / 'heron.db'}", str(tmp_path / "artifacts"))


def _file_store(request: pytest.FixtureRequest, tmp_path: Path) -> TrackingStore:
    return get_tracking_store(str(tmp_path / "mlruns"), str(tmp_path / "artifacts"))


def _postgres_store(request: pytest.FixtureRequest, tmp_path: Path) -> TrackingStore:
    uri = request.getfixturevalue("fresh_postgres_uri")
    return get_tracking_store(uri, str(tmp_path / "artifacts"))


def _mysql_store(request: pytest.FixtureRequest, tmp_path: Path) -> TrackingStore:
    uri = request.getfixturevalue("emptied_mysql_uri")
    return get_tracking_store(uri, str(tmp_path / "artifacts"))


def _rest_store(request: pytest.FixtureRequest, tmp_path: Path) -> TrackingStore:
    """The REST store in front of a live server (one per pytest process, emptied per test)."""
    server = request.getfixturevalue("heron_server")
    server.reset()
    return get_tracking_store(server.url)


BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], TrackingStore]] = {
    "sqlite": _sqlite_store,
    "file": _file_store,
    "postgresql": _postgres_store,
    "mysql": _mysql_store,
    "rest": _rest_store,
}
PARAMS = [
    "sqlite",
    "file",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", marks=pytest.mark.mysql),
    pytest.param("rest", marks=pytest.mark.integration),
]

# Expectations that hold only for a store created by the test itself, by test id: the
# shared server's default artifact root is mlflow-artifacts:/, not the test's tmp_path.
REST_LOCAL = {
    "test_fresh_store_has_default_experiment[": "expects the test's tmp_path as artifact root",
    "test_create_experiment_defaults[": "expects the test's tmp_path as artifact root",
    "test_filter_attributes[rest-attributes.artifact_uri LIKE 'file:%'": "expects file: roots",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip, on the ``rest`` backend, the tests in :data:`REST_LOCAL`, saying why."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("store") != "rest":
            continue
        for prefix, reason in REST_LOCAL.items():
            if item.name.startswith(prefix):
                item.add_marker(pytest.mark.skip(reason=f"backend-local: {reason}"))


@pytest.fixture(params=PARAMS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TrackingStore]:
    """A fresh, empty tracking store (only experiment 0 exists)."""
    yield BACKENDS[request.param](request, tmp_path)
    clear_store_cache()


@pytest.fixture
def experiment_id(store: TrackingStore) -> str:
    """A new active experiment."""
    return store.create_experiment("contract")


@pytest.fixture
def run_id(store: TrackingStore, experiment_id: str) -> str:
    """A new active run in ``experiment_id``."""
    return store.create_run(experiment_id, "tester", 1000, [], "a-run").info.run_id


@pytest.fixture
def make_run(store: TrackingStore, experiment_id: str) -> Callable[..., str]:
    """Create a run: ``make_run(start_time=..., name=..., tags={...}, experiment=...)``."""

    def make(
        start_time: int = 1000,
        name: str | None = None,
        tags: dict[str, str] | None = None,
        experiment: str | None = None,
        user: str = "tester",
    ) -> str:
        run_tags = [RunTag(k, v) for k, v in (tags or {}).items()]
        run = store.create_run(experiment or experiment_id, user, start_time, run_tags, name)
        return run.info.run_id

    return make
