"""Fixtures for the compatibility tests: the real MLflow in its own virtualenv, both servers.

The MLflow virtualenv (``mlflow==3.17.2`` + scikit-learn) lives in ``$HERON_PEERS_DIR/mlflow``
(default ``~/.cache/heron-peers/mlflow``, the layout ``shared/bench/peers.sh`` uses) and is
reused when marked ``.ok``; otherwise the first test that needs it builds it (pip, ~1 min).
Each server runs once per session (per xdist worker) on a free port, on a SQLite store and
a local artifact root in a temp dir: ``mlflow server`` from that virtualenv, and
``heron server`` started by the shared ``fixtures.server.start_server``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from processes import (
    ServerProcess,
    SessionResult,
    mlflow_server_command,
    peer_venv,
    run_script,
    start_server,
)

from fixtures.server import start_server as start_heron_server

MLFLOW_VERSION = "3.17.2"
PACKAGES = (f"mlflow=={MLFLOW_VERSION}", "scikit-learn")


@pytest.fixture(scope="session")
def mlflow_venv() -> Path:
    """The python of a virtualenv holding the real mlflow 3.17.2 and scikit-learn."""
    return peer_venv("mlflow", PACKAGES) / "bin" / "python"


@pytest.fixture(scope="session")
def mlflow_server(
    mlflow_venv: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A real ``mlflow server`` 3.17.2 with proxied artifacts (one worker)."""
    command = mlflow_server_command(mlflow_venv, "--artifacts-destination={artifacts}")
    server = start_server("mlflow", command, tmp_path_factory.mktemp("mlflow-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def heron_compat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """``heron server`` from this checkout, with proxied artifacts, for these tests only.

    Not the shared ``heron_server``: other suites reset that one's database.
    """
    server = start_heron_server(tmp_path_factory.mktemp("heron-server"))
    yield ServerProcess(
        "heron",
        server.url,
        Path(server.backend_uri.removeprefix("sqlite:///")),
        server.artifacts_destination,
        server.log_path,
        server.process,
    )
    server.stop()


def client_python(request: pytest.FixtureRequest, client: str) -> Path | str:
    """The interpreter that has ``client`` installed."""
    return request.getfixturevalue("mlflow_venv") if client == "mlflow" else sys.executable


SERVER_FIXTURES = {"mlflow": "mlflow_server", "heron": "heron_compat_server"}
PAIRS = [("mlflow", "heron"), ("heron", "mlflow"), ("mlflow", "mlflow"), ("heron", "heron")]


@pytest.fixture(scope="session", params=PAIRS, ids=[f"{c}-client-on-{s}-server" for c, s in PAIRS])
def session_result(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SessionResult:
    """``scripts/mlflow_session.py`` run once by one client against one server."""
    client, server_kind = request.param
    server: ServerProcess = request.getfixturevalue(SERVER_FIXTURES[server_kind])
    workdir = tmp_path_factory.mktemp(f"{client}-on-{server_kind}")
    summary = run_script(
        client_python(request, client),
        "mlflow_session.py",
        f"--client={client}",
        f"--workdir={workdir}",
        f"--prefix={client}-client",
        MLFLOW_TRACKING_URI=server.url,
    )
    summary_path = workdir / "summary.json"
    summary_path.write_text(json.dumps(summary), encoding="utf-8")
    return SessionResult(client, server, summary, summary_path)


@pytest.fixture(scope="session")
def read_back(request: pytest.FixtureRequest, session_result: SessionResult) -> dict[str, Any]:
    """What the server's own library reads from its backing store for the session's data."""
    server = session_result.server
    return run_script(
        client_python(request, server.kind),
        "session_readback.py",
        f"--client={server.kind}",
        f"--tracking-uri={server.store_uri}",
        f"--summary={session_result.summary_path}",
    )
