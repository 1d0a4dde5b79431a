"""Regression tests for the server defects of issue 13 (each failed before its fix).

Two live servers per module: ``strict`` (the defaults: host-addressed artifact locations
only on the server's own storage) and ``open`` (``MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES=
http,https``, as an operator may choose), both holding tracking credentials in their
environment that must never leave them. Loopback listeners stand for internal hosts.
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fixtures.listeners import Tarpit, Victim
from fixtures.server import HeronServer, start_server
from heron.store.tracking.sql import SqlTrackingStore

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"
SERVER_TOKEN = "server-secret-token"
PROXY = "/api/2.0/mlflow-artifacts/artifacts"


@pytest.fixture(scope="module")
def victim() -> Iterator[Victim]:
    listener = Victim()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeronServer]:
    server = start_server(
        tmp_path_factory.mktemp("strict"), env={"HERON_TRACKING_TOKEN": SERVER_TOKEN}
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeronServer]:
    env = {
        "MLFLOW_TRACKING_TOKEN": SERVER_TOKEN,
        "MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES": "http,https",
    }
    server = start_server(tmp_path_factory.mktemp("open"), env=env)
    yield server
    server.stop()


def _client(server: HeronServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=60)


def _create_experiment(server: HeronServer, name: str, location: str) -> httpx.Response:
    with _client(server) as http:
        return http.post(
            f"{API}/experiments/create", json={"name": name, "artifact_location": location}
        )


def _stored_experiment(server: HeronServer, name: str, location: str) -> str:
    """An experiment written straight into the database (a legacy or tampered row)."""
    store = SqlTrackingStore(server.backend_uri, server.default_artifact_root)
    try:
        return store.create_experiment(name, location)
    finally:
        store.close()


def _run(server: HeronServer, experiment_id: str) -> str:
    with _client(server) as http:
        response = http.post(f"{API}/runs/create", json={"experiment_id": experiment_id})
        response.raise_for_status()
        return str(response.json()["run"]["info"]["run_id"])


def _assert_400(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE", response.text


@pytest.mark.parametrize(
    "template",
    [
        "{victim}/x",
        "{victim}/api/2.0/mlflow-artifacts/artifacts/x",
        "http://169.254.169.254/latest/meta-data",
        "https://169.254.169.254/x",
        "mlflow-artifacts://127.0.0.1:{port}/x",
        "ftp://10.0.0.1/x",
        "http://[::1]:{port}/x",
        "http://127.0.0.1\\@evil:80/x",
    ],
)
def test_host_addressed_locations_are_refused_at_create(
    strict: HeronServer, victim: Victim, template: str
) -> None:
    location = template.format(victim=victim.url, port=victim.port)
    response = _create_experiment(strict, f"ssrf-{abs(hash(template))}", location)
    _assert_400(response)
    assert "ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES" in response.json()["message"]
    assert victim.hits == []


def test_a_stored_foreign_location_is_never_contacted(strict: HeronServer, victim: Victim) -> None:
    location = f"{victim.url}{PROXY}/stored"
    experiment_id = _stored_experiment(strict, "stored-ssrf", location)
    run_id = _run(strict, experiment_id)
    with _client(strict) as http:
        _assert_400(http.get(f"{API}/artifacts/list", params={"run_id": run_id}))
    assert victim.hits == []


def test_allowed_schemes_are_reached_without_the_servers_credentials(
    open_server: HeronServer, victim: Victim
) -> None:
    before = len(victim.hits)
    response = _create_experiment(open_server, "allowed", f"{victim.url}{PROXY}/allowed")
    assert response.status_code == 200, response.text
    run_id = _run(open_server, response.json()["experiment_id"])
    with _client(open_server) as http:
        listed = http.get(f"{API}/artifacts/list", params={"run_id": run_id})
    assert listed.status_code == 200, listed.text
    hits = victim.hits[before:]
    assert hits, "the allowed location was not contacted"
    assert all("authorization" not in hit.headers for hit in hits), hits


def test_an_unreachable_location_is_a_400(open_server: HeronServer) -> None:
    port = _closed_port()
    response = _create_experiment(open_server, "unreachable", f"https://127.0.0.1:{port}{PROXY}/x")
    assert response.status_code == 200, response.text
    run_id = _run(open_server, response.json()["experiment_id"])
    with _client(open_server) as http:
        _assert_400(http.get(f"{API}/artifacts/list", params={"run_id": run_id}))


def test_a_host_that_never_answers_cannot_take_the_request_threads(
    open_server: HeronServer,
) -> None:
    tarpit = Tarpit()
    try:
        response = _create_experiment(
            open_server, "tarpit", f"http://127.0.0.1:{tarpit.port}{PROXY}/x"
        )
        run_id = _run(open_server, response.json()["experiment_id"])
        experiment_id = response.json()["experiment_id"]
        pool = concurrent.futures.ThreadPoolExecutor(60)

        def list_once() -> int:
            try:
                with httpx.Client(base_url=open_server.url, timeout=40) as http:
                    got = http.get(f"{API}/artifacts/list", params={"run_id": run_id})
                    return got.status_code
            except httpx.HTTPError:
                return -1

        futures = [pool.submit(list_once) for _ in range(50)]
        time.sleep(1.0)  # every thread the tarpit can take is taken now
        started = time.monotonic()
        with _client(open_server) as http:
            created = http.post(f"{API}/runs/create", json={"experiment_id": experiment_id})
        assert created.status_code == 200, created.text
        assert time.monotonic() - started < 8, "a write waited for the tarpit"
        statuses = [future.result() for future in futures]
        pool.shutdown()
        assert set(statuses) == {400}, statuses
    finally:
        tarpit.close()


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_file_locations_with_queries_do_not_open_the_filesystem(
    tmp_path: Path, start_heron_server: object
) -> None:
    server: HeronServer = start_heron_server("--no-serve-artifacts")  # type: ignore[operator]
    _assert_400(_create_experiment(server, "etc", "file:///etc?x=1"))
    _assert_400(_create_experiment(server, "nul", "file:///etc/%00"))
    # a row holding such a location (legacy data) gives no way to the files either
    experiment_id = _stored_experiment(server, "etc-stored", "file:///etc?x=1")
    run_id = _run(server, experiment_id)
    with _client(server) as http:
        http.post(f"{API}/registered-models/create", json={"name": "lfi"})
        for source in ("/etc/passwd", "file:///etc/passwd", "/etc"):
            body = {"name": "lfi", "source": source, "run_id": run_id}
            _assert_400(http.post(f"{API}/model-versions/create", json=body))
        found = http.get(f"{API}/model-versions/search", params={"filter": "name = 'lfi'"})
        assert found.json().get("model_versions", []) == []


def test_only_this_server_is_this_server(strict: HeronServer, victim: Victim) -> None:
    run_id = _run(strict, "0")
    with _client(strict) as http:
        run = http.get(f"{API}/runs/get", params={"run_id": run_id}).json()["run"]["info"]
        path = run["artifact_uri"].removeprefix("mlflow-artifacts:/")
        http.post(f"{API}/registered-models/create", json={"name": "self"})

        def create(base: str) -> httpx.Response:
            body = {"name": "self", "source": f"{base}{PROXY}/{path}/model", "run_id": run_id}
            return http.post(f"{API}/model-versions/create", json=body)

        for other in (victim.url, f"http://localhost:{victim.port}", "http://10.1.2.3:5000"):
            _assert_400(create(other))
        assert create(f"http://127.0.0.1:{strict.port}").status_code == 200


def test_heron_client_sends_its_token_only_to_its_tracking_server(
    victim: Victim, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heron.store.artifacts import get_artifact_repository

    monkeypatch.setenv("HERON_TRACKING_TOKEN", "client-token")
    monkeypatch.setenv("HERON_TRACKING_URI", "http://127.0.0.1:1")
    before = len(victim.hits)
    get_artifact_repository(f"{victim.url}{PROXY}/a").list_artifacts()
    assert "authorization" not in victim.hits[before].headers
    monkeypatch.setenv("HERON_TRACKING_URI", victim.url)
    get_artifact_repository(f"{victim.url}{PROXY}/a").list_artifacts()
    assert victim.hits[-1].headers.get("authorization") == "Bearer client-token"


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("experiments/create", b'{"name": "\\ud800"}'),
        ("experiments/create", b'{"name": "ok", "tags": [{"key": "k", "value": "\\udc00"}]}'),
        ("experiments/create", b'{"\\ud800": 1, "name": "x"}'),
        ("experiments/create", b'{"name": ' + b"[" * 1000 + b"]" * 1000 + b"}"),
        ("experiments/create", b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
        ("experiments/create", b'{"name": ' + b'{"a":' * 1000 + b"1" + b"}" * 1000 + b"}"),
        (
            "runs/search",
            b'{"experiment_ids": ["0"], "filter": "'
            + b" and ".join([b"metrics.a > 1"] * 10000)
            + b'"}',
        ),
        (
            "runs/search",
            b'{"experiment_ids": ["0"], "filter": "'
            + b" or ".join([b"params.p = 'x'"] * 2000)
            + b'"}',
        ),
    ],
)
def test_hostile_json_is_a_400(strict: HeronServer, route: str, body: bytes) -> None:
    with _client(strict) as http:
        response = http.post(
            f"{API}/{route}", content=body, headers={"Content-Type": "application/json"}
        )
    _assert_400(response)
    assert len(response.content) < 20_000


def test_a_symlink_loop_in_the_artifact_root_is_not_a_500(strict: HeronServer) -> None:
    run_id = _run(strict, "0")
    with _client(strict) as http:
        uri = http.get(f"{API}/runs/get", params={"run_id": run_id}).json()["run"]["info"]
        relative = uri["artifact_uri"].removeprefix("mlflow-artifacts:/")
        root = strict.artifacts_destination / relative
        root.mkdir(parents=True)
        os.symlink(root / "loop", root / "loop")
        os.symlink(root / "b", root / "a")
        os.symlink(root / "a", root / "b")
        (root / "ok.txt").write_text("ok")
        listed = http.get(f"{API}/artifacts/list", params={"run_id": run_id})
        assert listed.status_code == 200, listed.text
        assert [f["path"] for f in listed.json()["files"]] == ["ok.txt"]
        for name in ("loop", "a", "loop/x", "a/b/c"):
            for response in (
                http.get(f"{API}/artifacts/list", params={"run_id": run_id, "path": name}),
                http.get(f"{PROXY}/{relative}/{name}"),
                http.get(PROXY, params={"path": f"{relative}/{name}"}),
                http.put(f"{PROXY}/{relative}/{name}/new.txt", content=b"x"),
            ):
                assert response.status_code in (400, 404), (name, response.text)


def test_archive_uploads_are_all_or_nothing(strict: HeronServer) -> None:
    with _client(strict) as http:
        assert http.put(f"{PROXY}/arch/blocker", content=b"a file").status_code == 200
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for name in ("first.txt", "second.txt", "blocker/inside.txt"):
                info = tarfile.TarInfo(name)
                info.size = 3
                archive.addfile(info, io.BytesIO(b"abc"))
        response = http.put(
            "/api/2.0/heron/artifacts/archive/arch",
            content=out.getvalue(),
            headers={"Content-Type": "application/x-tar"},
        )
        _assert_400(response)
        listed = http.get(PROXY, params={"path": "arch"}).json()
    assert [entry["path"] for entry in listed["files"]] == ["blocker"]
    leftovers = [p.name for p in (strict.artifacts_destination / "arch").iterdir()]
    assert leftovers == ["blocker"]


def test_partial_uploads_are_removed_at_start_up(tmp_path: Path) -> None:
    directory = tmp_path / "restart"
    nested = directory / "artifacts" / "1" / "run" / "artifacts"
    nested.mkdir(parents=True)
    stale = nested / ".heron-abc123.partial"
    stale.write_bytes(b"half a file")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = nested / ".heron-def456.partial"
    fresh.write_bytes(b"in flight")
    keep = nested / "model.pkl"
    keep.write_bytes(b"whole")
    os.utime(keep, (old, old))
    server = start_server(directory)
    try:
        deadline = time.monotonic() + 20
        while stale.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not stale.exists()
        assert fresh.exists()
        assert keep.exists()
    finally:
        server.stop()
