"""Deny by default: every route the server answers refuses anonymous callers (401) and
users without permission (403) when auth is on; every route has a rule.

The routes are enumerated from the server's own tables (the protocol routes under both
``/api`` and ``/ajax-api``, the router's plain, artifact and UI routes), so a new route
without a rule in ``heron.auth.rules`` fails here.
"""

from __future__ import annotations

import re

import httpx
import pytest

from fixtures.auth_server import ALICE, BOB, AuthServer
from heron.auth.rules import API_RULES, ROUTE_RULES, route_key
from heron.protocol import ROUTES
from heron.server.app import HeronApp
from heron.server.settings import ServerSettings

pytestmark = pytest.mark.integration

# Open by design: the health probe, MLflow's public server-info, the UI's static files.
PUBLIC = {"GET /health", "GET /api/3.0/mlflow/server-info", "GET /static", "GET /login"}


def _router_routes() -> list[tuple[str, str]]:
    from starlette.routing import Mount

    found = []
    for route in HeronApp(ServerSettings(app_name="basic-auth")).router.routes:
        if isinstance(route, Mount):
            found.append(("GET", "/static", route.path + "/js/heron.js"))
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path, route.path))
    return found  # type: ignore[return-value]


def _concrete(template: str, s: AuthServer) -> str:
    values = {
        "experiment_id": s.experiment_id,
        "run_id": s.run_id,
        "model_id": s.model_id,
        "name": s.model_name,
        "version": "1",
        "tag_key": "k",
        "path:path": f"{s.experiment_id}/{s.run_id}/artifacts/a.txt",
    }
    return re.sub(r"\{([\w:]+)\}", lambda m: values[m.group(1)], template)


def _query(s: AuthServer) -> dict[str, str]:
    return {
        "experiment_id": s.experiment_id,
        "experiment_ids": s.experiment_id,
        "experiment_name": "a",
        "run_id": s.run_id,
        "run_uuid": s.run_id,
        "run_ids": s.run_id,
        "name": s.model_name,
        "version": "1",
        "path": f"{s.experiment_id}/{s.run_id}/artifacts/a.txt",
    }


def _requests(s: AuthServer) -> list[tuple[str, str, str]]:
    """(rule key, method, concrete path) of every route."""
    out = []
    for route in ROUTES:
        for method in route.methods:
            for prefix in ("/api", "/ajax-api"):
                path = f"{prefix}/{route.version}.0{_concrete(route.path, s)}"
                out.append((route.name, method, path))
    for method, template, concrete in _router_routes():
        out.append((route_key(method, template), method, _concrete(concrete, s)))
    return out


def test_every_route_has_a_rule() -> None:
    missing = [r.name for r in ROUTES if r.name not in API_RULES]
    missing += [
        route_key(m, t) for m, t, _ in _router_routes() if route_key(m, t) not in ROUTE_RULES
    ]
    assert missing == []


def _send(s: AuthServer, method: str, path: str, auth: tuple[str, str] | None) -> httpx.Response:
    query = _query(s)
    body = {k: v for k, v in query.items() if k not in ("experiment_ids", "run_ids")}
    body["experiment_ids"] = [s.experiment_id]  # type: ignore[assignment]
    body["run_ids"] = [s.run_id]  # type: ignore[assignment]
    kwargs: dict[str, object] = {"params": query}
    if method in ("POST", "PATCH", "DELETE"):
        kwargs["json"] = body
    elif method == "PUT":
        kwargs["content"] = b"x"
    return s.request(method, path, auth=auth, **kwargs)


def test_every_route_refuses_anonymous_and_underprivileged(auth_server: AuthServer) -> None:
    anonymous, unprivileged = [], []
    for key, method, path in _requests(auth_server):
        if key in PUBLIC:
            continue
        if _send(auth_server, method, path, None).status_code != 401:
            anonymous.append((method, path))
        rule = API_RULES.get(key) or ROUTE_RULES.get(key)
        assert rule is not None, key
        if rule.kind in ("resources", "listing", "admin"):
            answer = _send(auth_server, method, path, BOB)
            if answer.status_code != 403:
                unprivileged.append((method, path, answer.status_code))
    assert anonymous == []
    assert unprivileged == []


def test_owner_passes_the_checks(auth_server: AuthServer) -> None:
    # The same requests as alice, the creator (MANAGE), are never refused.
    refused = []
    for key, method, path in _requests(auth_server):
        if method in ("DELETE",) or "delete" in key.lower():
            continue
        answer = _send(auth_server, method, path, ALICE)
        rule = API_RULES.get(key) or ROUTE_RULES.get(key)
        if answer.status_code in (401, 403) and rule is not None and rule.kind == "resources":
            refused.append((method, path, answer.status_code))
    assert refused == []
