"""The auth gate in-process: it parses a JSON body once and hands it to the dispatcher (no
second parse); filtered search pages are refilled to full pages.

The apps are driven in-process through raw ASGI calls, so a test sees the scope the gate
filled in and can refuse a second read of the request stream.
"""

from __future__ import annotations

import asyncio
import base64
import math
from pathlib import Path
from typing import Any

import orjson
import pytest

from heron.protocol.calls import PARSED_BODY
from heron.server.app import HeronApp, create_app
from heron.server.settings import ServerSettings

ADMIN = "admin:admin-password-123"
USER = "carol:carol-password-123"


def _scope(method: str, path: str, user: str | None, query: bytes = b"") -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]
    if user:
        headers.append((b"authorization", b"Basic " + base64.b64encode(user.encode())))
    return {
        "type": "http",
        "http_version": "1.1",
        "scheme": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 5000),
    }


async def _call(
    app: Any, scope: dict[str, Any], body: bytes, reads: int = 1, status: int = 200
) -> Any:
    """Serve one request whose stream may be read ``reads`` times; its JSON answer."""
    sent: list[bytes] = []
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal reads
        assert reads > 0, "the request stream was read again"
        reads -= 1
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        else:
            sent.append(message.get("body", b""))

    await app(scope, receive, send)
    answer = b"".join(sent)
    assert statuses == [status], (scope["path"], statuses, answer)
    return orjson.loads(answer) if answer else {}


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default: str) -> ServerSettings:
    config = tmp_path / "basic_auth.ini"
    config.write_text(
        f"[mlflow]\ndefault_permission = {default}\n"
        f"database_uri = sqlite:///{tmp_path / 'auth.db'}\n"
        "admin_username = admin\nadmin_password = admin-password-123\n"
    )
    monkeypatch.setenv("HERON_AUTH_CONFIG_PATH", str(config))
    return ServerSettings(
        backend_store_uri=f"sqlite:///{tmp_path / 'heron.db'}",
        default_artifact_root=str(tmp_path / "artifacts"),
        app_name="basic-auth",
    )


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ServerSettings:
    return _settings(tmp_path, monkeypatch, "READ")


async def _user_run(app: Any) -> str:
    """A run created by a non-admin user (whose requests the gate checks in full)."""
    user = orjson.dumps({"username": "carol", "password": "carol-password-123"})
    await _call(app, _scope("POST", "/api/2.0/mlflow/users/create", ADMIN), user)
    create = _scope("POST", "/api/2.0/mlflow/experiments/create", USER)
    experiment = await _call(app, create, b'{"name": "handoff"}')
    body = orjson.dumps({"experiment_id": experiment["experiment_id"]})
    run = await _call(app, _scope("POST", "/api/2.0/mlflow/runs/create", USER), body)
    return str(run["run"]["info"]["run_id"])


async def _latest(app: Any, run_id: str, key: str) -> Any:
    scope = _scope("GET", "/api/2.0/mlflow/runs/get", USER, f"run_id={run_id}".encode())
    metrics = (await _call(app, scope, b""))["run"]["data"]["metrics"]
    return next(m["value"] for m in metrics if m["key"] == key)


def test_the_gate_hands_its_parsed_body_to_the_dispatcher(settings: ServerSettings) -> None:
    async def scenario() -> None:
        app = create_app(settings)
        run_id = await _user_run(app)
        scope = _scope("POST", "/api/2.0/mlflow/runs/log-metric", USER)
        metric = {"run_id": run_id, "key": "loss", "value": 0.25, "timestamp": 1, "step": 0}
        body = orjson.dumps(metric)
        await _call(app, scope, body)  # the stream is read once, by the gate
        assert scope[PARSED_BODY] == (body, metric)
        assert await _latest(app, run_id, "loss") == 0.25

    asyncio.run(scenario())


def test_nan_literals_pass_the_gate_as_the_server_reads_them(settings: ServerSettings) -> None:
    async def scenario() -> None:
        app = create_app(settings)
        run_id = await _user_run(app)
        scope = _scope("POST", "/api/2.0/mlflow/runs/log-metric", USER)
        body = (  # what Python's json (the mlflow client) sends for a NaN metric
            b'{"run_id": "' + run_id.encode() + b'", "key": "nan", "value": NaN, '
            b'"timestamp": 1, "step": 0}'
        )
        await _call(app, scope, body)
        assert math.isnan(scope[PARSED_BODY][1]["value"])
        assert await _latest(app, run_id, "nan") == "NaN"  # as MLflow answers a NaN

    asyncio.run(scenario())


def test_a_malformed_body_gets_the_servers_400_from_the_gate(settings: ServerSettings) -> None:
    async def scenario() -> None:
        app = create_app(settings)
        run_id = await _user_run(app)
        scope = _scope("POST", "/api/2.0/mlflow/runs/log-metric", USER)
        answer = await _call(app, scope, b'["' + run_id.encode() + b'"]', status=400)
        assert answer["error_code"] == "INVALID_PARAMETER_VALUE"
        assert "must be a JSON object" in answer["message"]

    asyncio.run(scenario())


def test_the_dispatcher_uses_a_handed_body_instead_of_the_stream(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = HeronApp(
            ServerSettings(
                backend_store_uri=f"sqlite:///{tmp_path / 'heron.db'}",
                default_artifact_root=str(tmp_path / "artifacts"),
            )
        )
        scope = _scope("POST", "/api/2.0/mlflow/experiments/create", None)
        scope[PARSED_BODY] = (b'{"name": "handed"}', {"name": "handed"})
        created = await _call(app, scope, b'{"name": "streamed"}', reads=0)
        query = f"experiment_id={created['experiment_id']}".encode()
        found = await _call(app, _scope("GET", "/api/2.0/mlflow/experiments/get", None, query), b"")
        assert found["experiment"]["name"] == "handed"

    asyncio.run(scenario())


def _names(page: dict[str, Any], field: str) -> list[str]:
    return [item["name"] for item in page.get(field, [])]


def test_filtered_search_pages_are_refilled_to_full_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        app = create_app(_settings(tmp_path, monkeypatch, "NO_PERMISSIONS"))
        user = orjson.dumps({"username": "carol", "password": "carol-password-123"})
        await _call(app, _scope("POST", "/api/2.0/mlflow/users/create", ADMIN), user)
        mine: set[str] = set()
        for index in range(7):  # the admin's two, then carol's one: carol reads 1 in 3
            for turn, owner in enumerate((ADMIN, ADMIN, USER)):
                name = f"{'c' if owner == USER else 'a'}{index}-{turn}"
                body = orjson.dumps({"name": name})
                await _call(app, _scope("POST", "/api/2.0/mlflow/experiments/create", owner), body)
                await _call(
                    app, _scope("POST", "/api/2.0/mlflow/registered-models/create", owner), body
                )
                if owner == USER:
                    mine.add(name)
        for field, method, path in (
            ("experiments", "POST", "/api/2.0/mlflow/experiments/search"),
            ("registered_models", "GET", "/api/2.0/mlflow/registered-models/search"),
        ):
            seen: list[str] = []
            token: str | None = None
            pages = 0
            while True:
                asked: dict[str, Any] = {"max_results": 3}
                if token:
                    asked["page_token"] = token
                if method == "POST":
                    scope, body = _scope(method, path, USER), orjson.dumps(asked)
                else:
                    query = "&".join(f"{k}={v}" for k, v in asked.items()).encode()
                    scope, body = _scope(method, path, USER, query), b""
                page = await _call(app, scope, body)
                names = _names(page, field)
                token = page.get("next_page_token")
                pages += 1
                assert set(names) <= mine, (field, names)
                if token:
                    assert len(names) == 3, (field, pages, names)  # a full page
                seen += names
                if not token:
                    break
            assert sorted(seen) == sorted(mine), field  # each once, none skipped
            assert pages == 3, field
            # the admin still sees every page as the store makes it
            scope = _scope(method, path, ADMIN, b"max_results=3" if method == "GET" else b"")
            body = b"" if method == "GET" else b'{"max_results": 3}'
            assert len(_names(await _call(app, scope, body), field)) == 3

    asyncio.run(scenario())


async def _page(app: Any, path: str, user: str, status: int = 200) -> str:
    """A web UI page's HTML."""
    path, _, query = path.partition("?")
    scope = _scope("GET", path, user, query.encode())
    scope["headers"].append((b"accept", b"text/html"))
    chunks: list[bytes] = []
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if asked:  # a streamed answer listens for a disconnect: none comes
            await asyncio.Event().wait()
        asked = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == status, (path, message["status"])
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks).decode()


def test_ui_list_and_compare_pages_show_only_what_the_user_may_read(
    settings: ServerSettings,
) -> None:
    async def scenario() -> None:
        app = create_app(settings)
        user = orjson.dumps({"username": "carol", "password": "carol-password-123"})
        await _call(app, _scope("POST", "/api/2.0/mlflow/users/create", ADMIN), user)
        api = "/api/2.0/mlflow"
        ids = {}
        for name in ("open-thing", "hidden-thing"):
            body = orjson.dumps({"name": name})
            created = await _call(app, _scope("POST", f"{api}/experiments/create", ADMIN), body)
            ids[name] = created["experiment_id"]
            await _call(app, _scope("POST", f"{api}/registered-models/create", ADMIN), body)
        refuse = {"username": "carol", "permission": "NO_PERMISSIONS"}
        grant = orjson.dumps({**refuse, "experiment_id": ids["hidden-thing"]})
        await _call(app, _scope("POST", f"{api}/experiments/permissions/create", ADMIN), grant)
        grant = orjson.dumps({**refuse, "name": "hidden-thing"})
        await _call(
            app, _scope("POST", f"{api}/registered-models/permissions/create", ADMIN), grant
        )
        for path in ("/", "/experiments", "/models"):
            seen = await _page(app, path, USER)
            assert "open-thing" in seen, path
            assert "hidden-thing" not in seen, path
            assert "hidden-thing" in await _page(app, path, ADMIN), path
        runs = {}
        for name, experiment_id in ids.items():
            body = orjson.dumps({"experiment_id": experiment_id})
            created = await _call(app, _scope("POST", f"{api}/runs/create", ADMIN), body)
            runs[name] = created["run"]["info"]["run_id"]
        both = f"experiments={ids['open-thing']}&experiments={ids['hidden-thing']}"
        mixed = f"runs={runs['open-thing']}&runs={runs['hidden-thing']}"
        for path in (
            f"/compare-experiments?{both}",
            f"/compare-experiments/runs.csv?{both}",
            f"/compare-runs?{mixed}",
            f"/compare-runs/contour.json?{mixed}",
        ):
            await _page(app, path, USER, status=403)
            await _page(app, path, ADMIN)
        await _page(app, f"/compare-experiments?experiments={ids['open-thing']}", USER)
        await _page(app, f"/compare-runs?runs={runs['open-thing']}", USER)

    asyncio.run(scenario())
