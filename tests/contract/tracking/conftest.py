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


def _postgres_store(request: pytest.FixtureRequest, tmp_path: Path) -> TrackingStore:
    uri = request.getfixturevalue("fresh_postgres_uri")
    return get_tracking_store(uri, str(tmp_path / "artifacts"))


BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], TrackingStore]] = {
    "sqlite": _sqlite_store,
    "postgresql": _postgres_store,
}
PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


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
