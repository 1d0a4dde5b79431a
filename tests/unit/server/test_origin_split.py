"""Requests without an Origin skip the CORS layers and get the same response headers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware

from heron.server.app import create_app
from heron.server.asgi import ASGIApp, Message, Receive, Scope, Send
from heron.server.security import SecurityHeaders
from heron.server.settings import ServerSettings

Headers = list[tuple[bytes, bytes]]


def _answering(headers: Headers) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def _response(app: ASGIApp, request_headers: Headers, path: str = "/x") -> tuple[int, Headers]:
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": request_headers,
    }
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], list(sent[0]["headers"])


@pytest.mark.parametrize(
    "answered",
    [
        [(b"content-type", b"text/plain")],
        [(b"vary", b"Accept-Encoding"), (b"content-length", b"2")],
        [(b"vary", b"Accept"), (b"content-length", b"2"), (b"vary", b"Cookie")],
    ],
)
def test_headers_match_the_cors_layer_without_an_origin(answered: Headers) -> None:
    through_cors = CORSMiddleware(
        SecurityHeaders(_answering(answered)), allow_origins=["https://a.example"]
    )
    around_cors = SecurityHeaders(_answering(answered), vary_origin=True)
    request = [(b"host", b"127.0.0.1:5000"), (b"accept", b"*/*")]
    assert _response(around_cors, request) == _response(through_cors, request)


def test_the_api_answers_clients_and_browsers(tmp_path: Path) -> None:
    settings = ServerSettings(
        backend_store_uri=f"sqlite:///{tmp_path / 'h.db'}",
        default_artifact_root=str(tmp_path / "a"),
    )
    app = create_app(settings)
    path = "/api/2.0/mlflow/experiments/get-by-name"
    client = [(b"host", b"127.0.0.1:5000")]
    status, headers = _response(app, client, path)
    assert status == 400  # no experiment_name given
    assert headers[-3:] == [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"vary", b"Origin"),
    ]
    browser = [*client, (b"origin", b"http://localhost:3000")]
    status, headers = _response(app, browser, path)
    assert (b"access-control-allow-origin", b"http://localhost:3000") in headers
    assert (b"x-content-type-options", b"nosniff") in headers
