"""``heron server``'s MLflow security options on live servers: ``--x-frame-options``,
``--disable-security-middleware``."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from fixtures.server import HeronServer

pytestmark = pytest.mark.integration

Start = Callable[..., HeronServer]


def test_x_frame_options_and_disabled_security_middleware(start_heron_server: Start) -> None:
    deny = start_heron_server("--x-frame-options", "deny")
    assert httpx.get(deny.url + "/health").headers["x-frame-options"] == "DENY"
    assert httpx.get(deny.url + "/health", headers={"host": "evil.example"}).status_code == 200
    path = "/api/2.0/mlflow/experiments/get?experiment_id=0"
    assert httpx.get(deny.url + path, headers={"host": "evil.example"}).status_code == 403
    none = start_heron_server("--x-frame-options", "NONE")
    assert "x-frame-options" not in httpx.get(none.url + "/health").headers
    assert httpx.get(none.url + "/health").headers["x-content-type-options"] == "nosniff"
    open_server = start_heron_server("--disable-security-middleware")
    answered = httpx.get(open_server.url + path, headers={"host": "evil.example"})
    assert answered.status_code == 200
    assert "x-frame-options" not in answered.headers
    assert "x-content-type-options" not in answered.headers
