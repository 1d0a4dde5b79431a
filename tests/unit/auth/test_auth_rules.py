"""Deny by default at start-up: a server whose app has a route without a permission rule
refuses to start with auth on."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from heron.auth.app import protect
from heron.auth.config import AuthConfig
from heron.exceptions import InvalidState
from heron.server.app import HeronApp
from heron.server.settings import ServerSettings


def _config(tmp_path: Path) -> AuthConfig:
    return AuthConfig(
        database_uri=f"sqlite:///{tmp_path / 'auth.db'}", admin_password="admin-password-123"
    )


def test_every_served_route_has_a_rule(tmp_path: Path) -> None:
    app = HeronApp(ServerSettings(app_name="basic-auth"))
    assert protect(app, _config(tmp_path)).unruled() == []


def test_a_route_without_a_rule_stops_the_server(tmp_path: Path) -> None:
    app = HeronApp(ServerSettings(app_name="basic-auth"))
    app.router.routes.append(Route("/new-page", lambda _request: PlainTextResponse("hi")))
    with pytest.raises(InvalidState, match="GET /new-page"):
        protect(app, _config(tmp_path))
