"""Real processes for the compatibility tests: a peer's server, scripts in other venvs."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent / "scripts"
START_TIMEOUT_S = 120.0  # MLflow takes ~10 s to answer /health on a loaded 2-core machine


@dataclass
class ServerProcess:
    """A tracking server started on a free port, with its SQLite store and artifact root."""

    kind: str
    url: str
    database: Path
    artifacts: Path
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def store_uri(self) -> str:
        """The backing store's URI, to read it directly, bypassing the server."""
        return f"sqlite:///{self.database}"

    def log_tail(self, size: int = 3000) -> str:
        """The end of the server's output, for failure messages."""
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""

    def stop(self) -> None:
        """SIGTERM the server's process group, SIGKILL it if it lingers."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(15)


def peers_dir() -> Path:
    """Where the peers' virtualenvs are cached: ``HERON_PEERS_DIR`` or ~/.cache/heron-peers
    (the layout ``shared/bench/peers.sh`` uses)."""
    configured = os.environ.get("HERON_PEERS_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "heron-peers"


def peer_venv(name: str, packages: tuple[str, ...]) -> Path:
    """The virtualenv ``<peers dir>/<name>`` holding ``packages``, built on first use (one
    builder at a time across xdist workers; reused once marked ``.ok``)."""
    root = peers_dir()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / name
    with (root / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ((venv / "bin" / "python").exists() and (venv / ".ok").exists()):
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
            subprocess.run([*pip, *packages], check=True, env=clean_env(), timeout=1800)
            (venv / ".ok").touch()
    return venv


def mlflow_server_command(mlflow_python: Path, *artifact_options: str) -> list[str]:
    """``mlflow server`` of the venv holding ``mlflow_python``, on a SQLite store, one
    worker, with these artifact options (``{database}``, ``{artifacts}``, ``{port}`` are
    filled in by :func:`start_server`)."""
    return [
        str(mlflow_python.parent / "mlflow"),
        "server",
        "--backend-store-uri=sqlite:///{database}",
        *artifact_options,
        "--host=127.0.0.1",
        "--port={port}",
        "--workers=1",
    ]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the tester's MLFLOW_*/HERON_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    env.update(extra)
    return env


def start_server(kind: str, command: list[str], workdir: Path) -> ServerProcess:
    """Run ``command`` (``{port}`` filled in) in ``workdir`` until ``/health`` answers 200.

    The store is ``workdir/store.db``, the artifacts ``workdir/artifacts``; the command
    names them with ``{database}`` and ``{artifacts}``. A port taken between choosing and
    binding it is retried.

    Raises:
        RuntimeError: The server exited or never became healthy; the message holds its log.
    """
    database, artifacts = workdir / "store.db", workdir / "artifacts"
    for attempt in range(3):
        port = free_port()
        argv = [a.format(port=port, database=database, artifacts=artifacts) for a in command]
        log = workdir / f"{kind}-server-{attempt}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                argv,
                cwd=workdir,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=clean_env(MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false"),
                start_new_session=True,
            )
        server = ServerProcess(kind, f"http://127.0.0.1:{port}", database, artifacts, log, process)
        if _wait_healthy(server):
            return server
        server.stop()
        if "address already in use" not in server.log_tail().lower():
            break
    raise RuntimeError(f"{kind} server did not start: {' '.join(argv)}\n{server.log_tail()}")


def _wait_healthy(server: ServerProcess) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def run_script(python: Path | str, script: str, *args: str, **env: str) -> dict[str, Any]:
    """Run ``scripts/<script>`` with ``python``; its last stdout line, parsed as JSON.

    Raises:
        AssertionError: The script failed or printed no JSON; the message holds stderr.
    """
    result = subprocess.run(
        [str(python), str(SCRIPTS / script), *args],
        capture_output=True,
        text=True,
        env=clean_env(**env),
        timeout=600,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        raise AssertionError(f"{script} failed:\n{result.stderr[-5000:]}")
    parsed: dict[str, Any] = json.loads(lines[-1])
    return parsed


@dataclass
class SessionResult:
    """One scripted session: which client ran it against which server, and its summary."""

    client: str
    server: ServerProcess
    summary: dict[str, Any]
    summary_path: Path

    @property
    def label(self) -> str:
        """e.g. ``mlflow client -> heron server``."""
        return f"{self.client} client -> {self.server.kind} server"
