"""The ``registry`` fixture: every test here runs once per registry-store backend.

The SQL backends share their database with a tracking store (``tracking``), as a server
does; the ``rest`` backend is the REST registry store in front of a live server, emptied
per test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from heron.store.registry import clear_registry_store_cache, get_registry_store
from heron.store.registry.base import RegistryStore
from heron.store.tracking import clear_store_cache, get_tracking_store
from heron.store.tracking.base import TrackingStore

Stores = tuple[RegistryStore, TrackingStore]


def _sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Stores:
    uri = f"sqlite:///{tmp_path / 'heron.db'}"
    tracking = get_tracking_store(uri, str(tmp_path / "artifacts"))
    return get_registry_store(uri), tracking


def _file(request: pytest.FixtureRequest, tmp_path: Path) -> Stores:
    folder = str(tmp_path / "mlruns")
    return get_registry_store(folder), get_tracking_store(folder)


def _postgres(request: pytest.FixtureRequest, tmp_path: Path) -> Stores:
    uri = request.getfixturevalue("fresh_postgres_uri")
    tracking = get_tracking_store(uri, str(tmp_path / "artifacts"))
    return get_registry_store(uri), tracking


def _mysql(request: pytest.FixtureRequest, tmp_path: Path) -> Stores:
    uri = request.getfixturevalue("emptied_mysql_uri")
    tracking = get_tracking_store(uri, str(tmp_path / "artifacts"))
    return get_registry_store(uri), tracking


def _rest(request: pytest.FixtureRequest, tmp_path: Path) -> Stores:
    server = request.getfixturevalue("heron_server")
    server.reset()
    return get_registry_store(server.url), get_tracking_store(server.url)


BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], Stores]] = {
    "sqlite": _sqlite,
    "file": _file,
    "postgresql": _postgres,
    "mysql": _mysql,
    "rest": _rest,
}
PARAMS = [
    "sqlite",
    "file",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", marks=pytest.mark.mysql),
    pytest.param("rest", marks=pytest.mark.integration),
]


# Expectations a backend cannot meet, by test id prefix.
BACKEND_LIMITS = {
    "test_unusual_but_valid_names[file]": "a 256-byte name is longer than a folder name "
    "may be (MLflow's file store fails the same way)",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip, saying why, the tests in :data:`BACKEND_LIMITS`."""
    for item in items:
        reason = BACKEND_LIMITS.get(item.name)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=f"backend limit: {reason}"))


@pytest.fixture(params=PARAMS)
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    """A fresh registry store and the tracking store of the same backend."""
    yield BACKENDS[request.param](request, tmp_path)
    clear_registry_store_cache()
    clear_store_cache()


@pytest.fixture
def registry(stores: Stores) -> RegistryStore:
    """A fresh, empty registry store."""
    return stores[0]


@pytest.fixture
def tracking(stores: Stores) -> TrackingStore:
    """The tracking store next to :func:`registry` (for runs that produce versions)."""
    return stores[1]


@pytest.fixture
def run_id(tracking: TrackingStore) -> str:
    """An active run in experiment 0."""
    return tracking.create_run("0", "tester", 1000, [], "a-run").info.run_id
