"""The basic-auth app's behaviour over HTTP: users, grants, tokens, sessions, CSRF,
rate limiting, search filtering and the audit log."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from fixtures.auth_server import ADMIN, ALICE, BOB, AuthServer
from fixtures.server import start_server

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"
V3 = "/api/3.0/mlflow"


def _req(
    s: AuthServer, method: str, path: str, auth: object = None, **kw: object
) -> httpx.Response:
    return s.request(method, path, auth=auth, **kw)


def test_creator_gets_manage_and_others_see_nothing(auth_server: AuthServer) -> None:
    query = {
        "username": "alice",
        "resource_type": "experiment",
        "resource_id": auth_server.experiment_id,
    }
    answer = _req(auth_server, "GET", f"{V3}/users/permissions/get", ALICE, params=query)
    assert answer.json() == {"allowed": True, "permission": "MANAGE"}
    listed = _req(auth_server, "GET", f"{API}/experiments/search", BOB, params={"max_results": 10})
    assert listed.json().get("experiments", []) == []
    models = _req(auth_server, "GET", f"{API}/registered-models/search", BOB)
    assert models.json().get("registered_models", []) == []
    versions = _req(auth_server, "GET", f"{API}/model-versions/search", BOB)
    assert versions.json().get("model_versions", []) == []
    mine = _req(auth_server, "GET", f"{API}/registered-models/search", ALICE)
    assert [m["name"] for m in mine.json()["registered_models"]] == ["m"]


def test_only_admins_manage_users(auth_server: AuthServer) -> None:
    body = {"username": "mallory", "password": "mallory-password-1"}
    assert _req(auth_server, "POST", f"{API}/users/create", BOB, json=body).status_code == 403
    assert _req(auth_server, "GET", f"{API}/users/list", BOB).status_code == 403
    own = _req(auth_server, "GET", f"{API}/users/get", BOB, params={"username": "bob"})
    assert own.json()["user"] == {
        "id": own.json()["user"]["id"],
        "username": "bob",
        "is_admin": False,
    }
    other = _req(auth_server, "GET", f"{API}/users/get", BOB, params={"username": "alice"})
    assert other.status_code == 403
    weak = _req(
        auth_server,
        "POST",
        f"{API}/users/create",
        ADMIN,
        json={"username": "w", "password": "short"},
    )
    assert weak.status_code == 400
    assert weak.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    self_delete = _req(
        auth_server, "DELETE", f"{API}/users/delete", ADMIN, json={"username": "admin"}
    )
    assert self_delete.status_code == 400


def test_legacy_permission_routes_and_grant_needs_manage(auth_server: AuthServer) -> None:
    s = auth_server
    body = {"experiment_id": s.experiment_id, "username": "bob", "permission": "EDIT"}
    # bob may not grant himself anything on alice's experiment
    assert (
        _req(s, "POST", f"{API}/experiments/permissions/create", BOB, json=body).status_code == 403
    )
    created = _req(s, "POST", f"{API}/experiments/permissions/create", ALICE, json=body)
    assert created.json()["experiment_permission"]["permission"] == "EDIT"
    params = {"experiment_id": s.experiment_id, "username": "bob"}
    got = _req(s, "GET", f"{API}/experiments/permissions/get", BOB, params=params)
    assert got.json()["experiment_permission"]["permission"] == "EDIT"
    tag = {"run_id": s.run_id, "key": "k", "value": "v"}
    assert _req(s, "POST", f"{API}/runs/set-tag", BOB, json=tag).status_code == 200
    assert _req(s, "POST", f"{API}/runs/delete", BOB, json={"run_id": s.run_id}).status_code == 403
    assert (
        _req(s, "DELETE", f"{API}/experiments/permissions/delete", ALICE, json=params).status_code
        == 200
    )
    assert _req(s, "POST", f"{API}/runs/set-tag", BOB, json=tag).status_code == 403


def test_tokens_authenticate_until_revoked(auth_server: AuthServer) -> None:
    s = auth_server
    made = _req(s, "POST", "/api/2.0/heron/tokens/create", ALICE, json={"name": "ci"}).json()
    bearer = {"Authorization": f"Bearer {made['token']}"}
    run = _req(s, "GET", f"{API}/runs/get", headers=bearer, params={"run_id": s.run_id})
    assert run.status_code == 200
    listed = _req(s, "GET", "/api/2.0/heron/tokens/list", ALICE).json()["tokens"]
    assert [t["name"] for t in listed] == ["ci"]
    assert "token" not in listed[0]
    # bob cannot revoke alice's token
    revoke = {"id": made["token_info"]["id"]}
    assert _req(s, "POST", "/api/2.0/heron/tokens/revoke", BOB, json=revoke).status_code == 404
    assert _req(s, "POST", "/api/2.0/heron/tokens/revoke", ALICE, json=revoke).status_code == 200
    again = _req(s, "GET", f"{API}/runs/get", headers=bearer, params={"run_id": s.run_id})
    assert again.status_code == 401
    assert again.headers["www-authenticate"] == 'Basic realm="mlflow"'


def test_session_cookie_and_csrf(auth_server: AuthServer) -> None:
    s = auth_server
    with httpx.Client(base_url=s.url, timeout=30) as browser:
        login = browser.post(
            "/login", data={"username": "alice", "password": ALICE[1], "next": "/account"}
        )
        assert login.status_code == 303
        assert login.headers["location"] == "/account"
        cookie = login.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie
        page = browser.get("/account")
        assert page.status_code == 200
        assert "alice" in page.text
        csrf = re.search(r'name="heron-csrf" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        tag = {"run_id": s.run_id, "key": "from-ui", "value": "1"}
        assert browser.post(f"{API}/runs/set-tag", json=tag).status_code == 403
        ok = browser.post(f"{API}/runs/set-tag", json=tag, headers={"X-Heron-CSRF": csrf})
        assert ok.status_code == 200
        assert browser.get("/admin").status_code == 403
        assert browser.post("/logout", data={"csrf": csrf}).status_code == 303
        assert browser.get(f"{API}/runs/get", params={"run_id": s.run_id}).status_code == 401


def test_browser_without_session_goes_to_login(auth_server: AuthServer) -> None:
    page = _req(
        auth_server,
        "GET",
        f"/experiments/{auth_server.experiment_id}",
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next=%2Fexperiments%2F{auth_server.experiment_id}"
    evil = httpx.post(
        auth_server.url + "/login",
        data={"username": "alice", "password": ALICE[1], "next": "//evil.example/"},
    )
    assert evil.headers["location"] == "/"


def _log_once_written(s: AuthServer, line: str, wait_s: float = 10.0) -> str:
    """The server's log once ``line`` is in it (the server writes it after answering), or
    as it stands after ``wait_s``."""
    deadline = time.monotonic() + wait_s
    log = s.server.log()
    while line not in log and time.monotonic() < deadline:
        time.sleep(0.05)
        log = s.server.log()
    return log


def test_failed_logins_are_rate_limited_and_audited(auth_server: AuthServer) -> None:
    s = auth_server
    body = {"username": "victim", "password": "victim-password-1"}
    assert _req(s, "POST", f"{API}/users/create", ADMIN, json=body).status_code == 200
    for _ in range(10):
        assert (
            _req(s, "GET", f"{API}/experiments/search", ("victim", "wrong-password-1")).status_code
            == 401
        )
    # the right password is refused too while the window lasts
    assert (
        _req(s, "GET", f"{API}/experiments/search", ("victim", body["password"])).status_code == 401
    )
    assert (
        _req(s, "DELETE", f"{API}/users/delete", ADMIN, json={"username": "victim"}).status_code
        == 200
    )
    made = _req(s, "POST", f"{API}/experiments/create", ADMIN, json={"name": "doomed"}).json()
    gone = {"experiment_id": made["experiment_id"]}
    assert _req(s, "POST", f"{API}/experiments/delete", ADMIN, json=gone).status_code == 200
    deleted = f"user=admin POST /api/2.0/mlflow/experiments/delete {gone}"
    log = _log_once_written(s, deleted)
    assert deleted in log
    assert "AUDIT user=alice POST /api/2.0/mlflow/runs/create" not in log  # only deletions
    assert "user=admin deleted user victim" in log
    assert "user=admin created user victim" in log


def test_unauthenticated_server_on_all_interfaces_warns(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--host", "0.0.0.0")
    try:
        assert "WARNING: Heron is listening on 0.0.0.0 without authentication" in server.log()
    finally:
        server.stop()
