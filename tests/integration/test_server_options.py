"""``heron server`` options on live servers: prefixes, hosts, origins, modes, the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from packaging.version import Version

from fixtures.server import HeronServer

pytestmark = pytest.mark.integration

Start = Callable[..., HeronServer]
CREATE = "/api/2.0/mlflow/experiments/create"


def test_plain_endpoints(heron_server: HeronServer) -> None:
    health = httpx.get(heron_server.url + "/health")
    assert (health.status_code, health.text) == (200, "OK")
    version = httpx.get(heron_server.url + "/version")
    assert Version(version.text) >= Version("3.4")  # what MLflow's client gates features on
    assert version.headers["x-heron-version"]
    info = httpx.get(heron_server.url + "/api/3.0/mlflow/server-info").json()
    assert info["store_type"] == "SqlStore"
    assert info["artifact_serving_enabled"] is True
    assert info["heron_version"] == version.headers["x-heron-version"]


def test_security_headers(heron_server: HeronServer) -> None:
    response = httpx.get(heron_server.url + "/api/2.0/mlflow/experiments/get?experiment_id=0")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_openapi_document(heron_server: HeronServer) -> None:
    document = httpx.get(heron_server.url + "/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "post" in document["paths"]["/api/2.0/mlflow/runs/log-batch"]


def test_static_prefix(start_heron_server: Start) -> None:
    server = start_heron_server("--static-prefix", "/heron/")
    assert server.url.endswith("/heron")
    base = server.url.removesuffix("/heron")
    assert httpx.get(server.url + "/health").text == "OK"
    created = httpx.post(server.url + CREATE, json={"name": "p"})
    assert created.json() == {"experiment_id": "1"}
    ajax = httpx.get(server.url + "/ajax-api/2.0/mlflow/experiments/get?experiment_id=1")
    assert ajax.json()["experiment"]["name"] == "p"
    assert httpx.get(base + "/health").status_code == 404
    assert httpx.get(base + "/api/2.0/mlflow/experiments/get?experiment_id=1").status_code == 404
    assert httpx.get(base + "/heronx/health").status_code == 404
    assert (
        "/heron/api/2.0/mlflow/runs/get" in httpx.get(server.url + "/openapi.json").json()["paths"]
    )


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost:5000", 200),
        ("127.0.0.1", 200),
        ("[::1]:80", 200),
        ("10.1.2.3:5000", 200),
        ("evil.example", 403),
        ("evil.example:5000", 403),
        ("", 403),
    ],
)
def test_default_allowed_hosts(heron_server: HeronServer, host: str, status: int) -> None:
    url = heron_server.url + "/api/2.0/mlflow/experiments/get?experiment_id=0"
    response = httpx.get(url, headers={"Host": host})
    assert response.status_code == status
    if status == 403:
        assert "Invalid Host header" in response.text


def test_health_answers_whatever_the_host(heron_server: HeronServer) -> None:
    assert httpx.get(heron_server.url + "/health", headers={"Host": "evil.example"}).text == "OK"


def test_allowed_hosts_option(start_heron_server: Start) -> None:
    server = start_heron_server("--allowed-hosts", "tracking.example.com, *.corp.example")
    url = server.url + "/api/2.0/mlflow/experiments/get?experiment_id=0"
    assert httpx.get(url, headers={"Host": "tracking.example.com"}).status_code == 200
    assert httpx.get(url, headers={"Host": "a.corp.example:443"}).status_code == 200
    assert httpx.get(url, headers={"Host": "localhost"}).status_code == 403


@pytest.mark.parametrize(
    ("origin", "status"),
    [("http://evil.example", 403), ("http://localhost:3000", 200), ("http://127.0.0.1", 200)],
)
def test_cross_origin_writes(heron_server: HeronServer, origin: str, status: int) -> None:
    heron_server.reset()
    response = httpx.post(heron_server.url + CREATE, json={"name": "o"}, headers={"Origin": origin})
    assert response.status_code == status
    if status == 403:
        assert response.text == "Cross-origin request blocked"


def test_same_origin_and_allowed_origins(start_heron_server: Start) -> None:
    server = start_heron_server("--cors-allowed-origins", "https://ui.example")
    same = f"http://127.0.0.1:{server.port}"
    assert (
        httpx.post(server.url + CREATE, json={"name": "a"}, headers={"Origin": same}).status_code
        == 200
    )
    allowed = httpx.post(
        server.url + CREATE, json={"name": "b"}, headers={"Origin": "https://ui.example"}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://ui.example"
    other = httpx.post(
        server.url + CREATE, json={"name": "c"}, headers={"Origin": "https://x.example"}
    )
    assert other.status_code == 403


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_simple_cross_site_bodies_are_refused(heron_server: HeronServer, content_type: str) -> None:
    response = httpx.post(
        heron_server.url + CREATE,
        content=b'{"name": "csrf"}',
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_artifacts_only(start_heron_server: Start) -> None:
    server = start_heron_server("--artifacts-only")
    tracking = httpx.get(server.url + "/api/2.0/mlflow/experiments/get?experiment_id=0")
    assert tracking.status_code == 503
    assert httpx.get(server.url + "/health").text == "OK"
    assert httpx.get(server.url + "/api/2.0/mlflow-artifacts/artifacts?path=").status_code == 200


def test_no_serve_artifacts(start_heron_server: Start, tmp_path: Path) -> None:
    server = start_heron_server("--no-serve-artifacts")
    proxied = httpx.get(server.url + "/api/2.0/mlflow-artifacts/artifacts?path=")
    assert proxied.status_code == 503
    httpx.post(server.url + CREATE, json={"name": "local"})
    experiment = httpx.get(server.url + "/api/2.0/mlflow/experiments/get?experiment_id=1").json()
    assert experiment["experiment"]["artifact_location"].startswith("file://")
    assert (
        httpx.get(server.url + "/api/3.0/mlflow/server-info").json()["artifact_serving_enabled"]
        is False
    )


def test_default_artifact_root_option(start_heron_server: Start, tmp_path: Path) -> None:
    server = start_heron_server("--default-artifact-root", "s3://bucket/root")
    httpx.post(server.url + CREATE, json={"name": "s3"})
    experiment = httpx.get(server.url + "/api/2.0/mlflow/experiments/get?experiment_id=1").json()
    assert experiment["experiment"]["artifact_location"] == "s3://bucket/root/1"


def test_bad_backend_uri_fails_with_a_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "heron", "server", "--backend-store-uri", "sqlit:///x.db",
         "--port", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Error: Unsupported tracking URI 'sqlit:///x.db'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_uvicorn_options_fail_with_a_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "heron", "ui", "--uvicorn-opts", "--no-such-option"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Invalid --uvicorn-opts" in result.stderr


def test_uvicorn_options_are_applied(start_heron_server: Start) -> None:
    server = start_heron_server("--uvicorn-opts", "--access-log --log-level info")
    httpx.get(server.url + "/version")
    assert '"GET /version HTTP/1.1" 200' in server.log()


def test_server_over_postgres(heron_server_postgres: HeronServer) -> None:
    created = httpx.post(heron_server_postgres.url + CREATE, json={"name": "pg"})
    assert created.status_code in (200, 400)  # 400: an earlier test of this session made it
    found = httpx.get(heron_server_postgres.url + "/api/2.0/mlflow/experiments/get-by-name",
                      params={"experiment_name": "pg"})  # fmt: skip
    assert found.json()["experiment"]["name"] == "pg"


test_server_over_postgres = pytest.mark.postgres(test_server_over_postgres)
