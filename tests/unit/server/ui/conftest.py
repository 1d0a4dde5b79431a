"""Fixtures of the fast UI tests: the server's ASGI app in-process (Starlette's TestClient)
over a fresh SQLite store, and a client of the same store to log data with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from heron.server.app import create_app
from heron.server.settings import ServerSettings
from heron.tracking import MlflowClient


@dataclass
class UiApp:
    """A UI app in-process: ``http`` requests pages, ``client`` logs to the same store."""

    http: TestClient
    client: MlflowClient
    tracking_uri: str
    settings: ServerSettings


def make_ui_app(tmp_path: Path, **settings: object) -> UiApp:
    """A server app over ``tmp_path/heron.db``; new experiments keep their artifacts under
    ``tmp_path/artifacts`` (set ``HERON_DEFAULT_ARTIFACT_ROOT`` to the same for the client)."""
    uri = f"sqlite:///{tmp_path / 'heron.db'}"
    values: dict[str, object] = {
        "backend_store_uri": uri,
        "default_artifact_root": str(tmp_path / "artifacts"),
        "artifacts_destination": str(tmp_path / "proxied"),
        **settings,
    }
    server_settings = ServerSettings(**values)  # type: ignore[arg-type]
    http = TestClient(create_app(server_settings), base_url="http://127.0.0.1:5000")
    # The page's own store and this client share the SQLite file: what one logs, the other reads.
    return UiApp(http, MlflowClient(uri), uri, server_settings)


@pytest.fixture
def ui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[UiApp]:
    """The UI over a fresh store; the client logs artifacts to ``tmp_path/artifacts``."""
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    app = make_ui_app(tmp_path)
    with app.http:
        yield app
