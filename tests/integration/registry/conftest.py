"""``mlflow``: ``import heron as mlflow`` on a fresh embedded SQLite store or a live server.

The server variant points the fluent API at the test server (emptied first), so the same
workflow runs through Heron's REST registry store and the server's registry endpoints.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from heron.store.registry import clear_registry_store_cache
from heron.tracking import session
from unit.tracking.conftest import fluent

__all__ = ["fluent", "mlflow"]


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.integration)])
def mlflow(
    request: pytest.FixtureRequest, fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    """``heron`` as ``mlflow``: embedded SQLite, or a live Heron server reset for the test."""
    if request.param == "server":
        server = request.getfixturevalue("heron_server")
        server.reset()
        monkeypatch.setenv("HERON_TRACKING_URI", server.url)
        session.reset()
    yield fluent
    clear_registry_store_cache()
