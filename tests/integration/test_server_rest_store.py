"""Heron's REST store and client against a live server; retries and auth against a stub."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fixtures.server import HeronServer, free_port
from heron.exceptions import InvalidParameter, InvalidState, NotFound, TemporarilyUnavailable
from heron.store.http import HttpTransport
from heron.store.tracking.rest import RestStore
from heron.tracking import MlflowClient

pytestmark = pytest.mark.integration


def test_client_session_through_the_server(
    heron_server: HeronServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heron_server.reset()
    monkeypatch.setenv("HERON_TRACKING_URI", heron_server.url)  # mlflow-artifacts: resolves here
    client = MlflowClient()
    experiment_id = client.create_experiment("client", tags={"team": "ml"})
    run = client.create_run(experiment_id, run_name="r")
    run_id = run.info.run_id
    for step in range(5):
        client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
    client.log_param(run_id, "alpha", 0.5)
    client.set_tag(run_id, "stage", "dev")
    (tmp_path / "notes.txt").write_text("hello")
    client.log_artifact(run_id, str(tmp_path / "notes.txt"), "docs")
    client.set_terminated(run_id)
    finished = client.get_run(run_id)
    assert finished.info.status == "FINISHED"
    assert finished.data.params == {"alpha": "0.5"}
    assert [m.step for m in client.get_metric_history(run_id, "loss")] == [0, 1, 2, 3, 4]
    (found,) = client.search_runs([experiment_id], "params.alpha = '0.5' and metrics.loss < 0.3")
    assert found.info.run_id == run_id
    assert [f.path for f in client.list_artifacts(run_id, "docs")] == ["docs/notes.txt"]
    local = client.download_artifacts(run_id, "docs/notes.txt", str(tmp_path / "out"))
    assert Path(local).read_text() == "hello"
    stored = heron_server.artifacts_destination / experiment_id / run_id / "artifacts" / "docs"
    assert (stored / "notes.txt").read_text() == "hello"


def test_ending_a_run_prints_its_ui_links_as_mlflow_does(
    heron_server: HeronServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HERON_SUPPRESS_PRINTING_URL_TO_STDOUT", "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"):
        monkeypatch.delenv(name, raising=False)
    client = MlflowClient(heron_server.url)
    run = client.create_run("0", run_name="linked")
    capsys.readouterr()
    client.set_terminated(run.info.run_id)
    experiment = f"{heron_server.url}/#/experiments/0"
    assert capsys.readouterr().out == (
        f"🏃 View run linked at: {experiment}/runs/{run.info.run_id}\n"
        f"🧪 View experiment at: {experiment}\n"
    )
    monkeypatch.setenv("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")
    client.set_terminated(client.create_run("0").info.run_id)
    assert capsys.readouterr().out == ""


def test_errors_come_back_as_the_same_classes(heron_server: HeronServer) -> None:
    heron_server.reset()
    store = RestStore(heron_server.url)
    with pytest.raises(NotFound, match="Run with id=nope not found"):
        store.get_run("nope")
    assert store.get_experiment_by_name("missing") is None
    experiment_id = store.create_experiment("x")
    store.delete_experiment(experiment_id)
    with pytest.raises(InvalidState):
        store.rename_experiment(experiment_id, "y")
    with pytest.raises(InvalidParameter, match="max_results"):
        store.search_runs(["0"], max_results=0)
    store.close()


def test_server_behind_a_path_prefix(start_heron_server: object) -> None:
    server = start_heron_server("--static-prefix", "/tracking")  # type: ignore[operator]
    store = RestStore(server.url)
    assert store.get_experiment("0").name == "Default"
    store.close()


@dataclass
class Stub:
    """A tiny HTTP server answering queued ``(status, body)`` pairs, recording requests."""

    answers: list[tuple[int, bytes]]
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def stub() -> Iterator[Stub]:
    state = Stub(answers=[])

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.requests.append((self.command, self.path, dict(self.headers), body))
            status, payload = state.answers.pop(0) if state.answers else (200, b"{}")
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _store(url: str, retries: int = 3) -> RestStore:
    return RestStore(url, HttpTransport(url, max_retries=retries, backoff_factor=0.01))


def _experiment(name: str) -> bytes:
    body = {"experiment": {"experiment_id": "1", "name": name, "lifecycle_stage": "active"}}
    return json.dumps(body).encode()


def test_safe_calls_are_retried_on_transient_errors(stub: Stub) -> None:
    stub.answers = [(503, b"busy"), (502, b""), (429, b"{}"), (200, _experiment("e"))]
    assert _store(stub.url).get_experiment("1").name == "e"
    assert len(stub.requests) == 4


def test_unrepeatable_writes_are_not_retried_after_sending(stub: Stub) -> None:
    stub.answers = [(503, b"busy"), (200, b"{}")]
    with pytest.raises(TemporarilyUnavailable, match="HTTP 503"):
        _store(stub.url).rename_experiment("1", "f")
    assert len(stub.requests) == 1


def test_creates_are_retried_with_one_request_id(stub: Stub) -> None:
    """Creates carry a request id, the same on every retry: a Heron server answers a
    repeat with the first answer (heron.protocol.idempotency)."""
    stub.answers = [(503, b"busy"), (200, b'{"experiment_id": "1"}')]
    assert _store(stub.url).create_experiment("e") == "1"
    ids = {request[2].get("X-Heron-Request-Id") for request in stub.requests}
    assert len(stub.requests) == 2
    assert len(ids) == 1
    assert None not in ids


def test_definite_server_errors_are_not_retried(stub: Stub) -> None:
    error = {"error_code": "INVALID_STATE", "message": "Cannot rename a deleted experiment"}
    stub.answers = [(500, json.dumps(error).encode())]
    with pytest.raises(InvalidState, match="Cannot rename"):
        _store(stub.url).get_experiment("1")
    assert len(stub.requests) == 1


def test_retries_run_out(stub: Stub) -> None:
    stub.answers = [(503, b"busy")] * 3
    with pytest.raises(TemporarilyUnavailable):
        _store(stub.url, retries=2).get_experiment("1")
    assert len(stub.requests) == 3


def test_unreachable_server_is_retried_then_reported(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(TemporarilyUnavailable, match="failed"):
        _store(url, retries=2).create_experiment("e")
    # Each retry is announced: a user whose server is down sees why the command waits.
    failed = f"API request to {url}/api/2.0/mlflow/experiments/create failed: "
    retries = [r.getMessage() for r in caplog.records if r.name == "heron.store.http"]
    assert [re.sub(r"in [0-9.]+ s", "in N s", m.split(failed)[0]) for m in retries] == [
        "Retrying in N s (retry 1 of 2): ",
        "Retrying in N s (retry 2 of 2): ",
    ]


def test_requests_are_mlflow_shaped(stub: Stub) -> None:
    stub.answers = [(200, b'{"experiments": []}'), (200, b"{}")]
    store = _store(stub.url)
    store.search_experiments()
    store.get_metric_history("r", "m", max_results=5)
    method, path, headers, body = stub.requests[0]
    assert (method, path) == ("POST", "/api/2.0/mlflow/experiments/search")
    assert json.loads(body) == {"max_results": 1000, "view_type": "ACTIVE_ONLY"}
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("heron-python-client/")
    method, path, _, _ = stub.requests[1]
    assert (method, path) == (
        "GET",
        "/api/2.0/mlflow/metrics/get-history?run_id=r&metric_key=m&max_results=5",
    )


def test_whole_history_is_read_page_by_page(stub: Stub) -> None:
    point = {"key": "m", "value": 1, "timestamp": 1, "step": 0}
    stub.answers = [
        (200, json.dumps({"metrics": [point], "next_page_token": "t1"}).encode()),
        (200, json.dumps({"metrics": [point, point]}).encode()),
    ]
    assert len(_store(stub.url).get_metric_history("r", "m")) == 3
    assert "page_token=t1" in stub.requests[1][1]


BASIC = {"HERON_TRACKING_USERNAME": "ana", "HERON_TRACKING_PASSWORD": "s3cret"}
BASIC_WINS = {
    "MLFLOW_TRACKING_USERNAME": "ana",
    "MLFLOW_TRACKING_PASSWORD": "x",
    "HERON_TRACKING_TOKEN": "t",
}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (BASIC, "Basic YW5hOnMzY3JldA=="),
        ({"MLFLOW_TRACKING_TOKEN": "tok"}, "Bearer tok"),
        (BASIC_WINS, "Basic YW5hOng="),
    ],
)
def test_auth_headers(
    stub: Stub, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stub.answers = [(200, _experiment("e"))]
    _store(stub.url).get_experiment("1")
    assert stub.requests[0][2]["Authorization"] == expected


def test_insecure_tls_and_a_ca_bundle_exclude_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERON_TRACKING_INSECURE_TLS", "true")
    monkeypatch.setenv("HERON_TRACKING_SERVER_CERT_PATH", "/etc/ssl/certs/ca-certificates.crt")
    with pytest.raises(InvalidParameter, match="cannot both be set"):
        RestStore("https://127.0.0.1:1")


def test_client_with_an_explicit_uri_resolves_proxied_artifacts_against_it(
    heron_server: HeronServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heron_server.reset()
    for name in ("HERON_TRACKING_URI", "MLFLOW_TRACKING_URI"):
        monkeypatch.delenv(name, raising=False)
    client = MlflowClient(tracking_uri=heron_server.url)
    run = client.create_run(client.create_experiment("explicit-uri"))
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
    (tmp_path / "a.txt").write_text("payload")
    client.log_artifact(run.info.run_id, str(tmp_path / "a.txt"))
    assert [f.path for f in client.list_artifacts(run.info.run_id)] == ["a.txt"]
    local = client.download_artifacts(run.info.run_id, "a.txt", str(tmp_path / "out"))
    assert Path(local).read_text() == "payload"
