"""``heron server``'s MLflow security options on live servers: ``--x-frame-options``,
``--disable-security-middleware``."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from fixtures.server import HeronServer
from heron.server.security import security_headers

pytestmark = pytest.mark.integration

Start = Callable[..., HeronServer]


def test_x_frame_options_and_disabled_security_middleware(start_heron_server: Start) -> None:
    deny = start_heron_server(
        "--x-frame-options", "deny", "--read-replica-backend-store-uri", "sqlite:///replica.db"
    )
    log = deny.log_path.read_text(encoding="utf-8")
    assert "--read-replica-backend-store-uri is ignored" in log
    assert httpx.get(deny.url + "/health").headers["x-frame-options"] == "DENY"
    assert httpx.get(deny.url + "/health", headers={"host": "evil.example"}).status_code == 200
    path = "/api/2.0/mlflow/experiments/get?experiment_id=0"
    assert httpx.get(deny.url + path, headers={"host": "evil.example"}).status_code == 403
    open_server = start_heron_server("--disable-security-middleware")
    answered = httpx.get(open_server.url + path, headers={"host": "evil.example"})
    assert answered.status_code == 200
    assert "x-frame-options" not in answered.headers
    assert "x-content-type-options" not in answered.headers


def test_x_frame_options_none_sends_no_header() -> None:
    assert security_headers("NONE") == [(b"x-content-type-options", b"nosniff")]
    assert security_headers(" none ") == [(b"x-content-type-options", b"nosniff")]
    assert security_headers("sameorigin")[1] == (b"x-frame-options", b"SAMEORIGIN")
