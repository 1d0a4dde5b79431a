"""What a first-time user hits on the command line: wrong paths and URIs end in one line.

Each test runs ``heron`` as a subprocess in an empty folder, as a user would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from fixtures.server import free_port
from heron.tracking.client import MlflowClient

pytestmark = pytest.mark.integration


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    clean["HERON_DEFAULT_ARTIFACT_ROOT"] = str(tmp_path / "artifacts")
    return clean


def heron(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heron", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"Error: {text}"]


def test_missing_local_file_is_an_error_line(env: dict[str, str], tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'a.db'}"
    run_id = MlflowClient(uri).create_run("0").info.run_id
    missing = tmp_path / "nope.txt"
    result = heron(
        env, tmp_path, "--tracking-uri", uri, "artifacts", "log-artifact", "-l", str(missing),
        "-r", run_id,
    )  # fmt: skip
    assert_one_line_error(result, f"No such file or directory: '{missing}'")


def test_csv_into_a_missing_folder_is_an_error_line(env: dict[str, str], tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'a.db'}"
    MlflowClient(uri).create_run("0")
    result = heron(
        env, tmp_path, "--tracking-uri", uri, "experiments", "csv", "-x", "0", "-o",
        str(tmp_path / "no" / "runs.csv"),
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ")
    assert str(tmp_path / "no") in result.stderr


def test_a_file_given_as_tracking_uri_says_which_uri_to_use(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "heron.db").write_bytes(b"")
    result = heron(env, tmp_path, "--tracking-uri", "heron.db", "experiments", "search")
    path = tmp_path / "heron.db"
    assert_one_line_error(
        result,
        f"'{path}' is a file, not an mlruns folder; for a SQLite database file use the URI "
        f"sqlite:///{path}",
    )


def test_unsupported_scheme_lists_every_store(env: dict[str, str], tmp_path: Path) -> None:
    result = heron(
        env, tmp_path, "--tracking-uri", "sqlit:///x.db", "runs", "list", "--experiment-id", "0"
    )
    assert_one_line_error(
        result,
        "Unsupported tracking URI 'sqlit:///x.db'. Supported schemes: http://, https://, "
        "mysql://, postgresql://, sqlite://, file: (or a folder path)",
    )


def test_tracking_uri_option_reaches_model_uris(env: dict[str, str], tmp_path: Path) -> None:
    """``heron --tracking-uri URI models ...`` resolves ``models:/`` in URI's registry."""
    uri = f"sqlite:///{tmp_path / 'a.db'}"
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "MLmodel").write_text(
        "flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"
        "    python_model: python_model.pkl\n"
    )
    client = MlflowClient(uri)
    client.create_registered_model("first")
    client.create_model_version("first", str(model_dir))
    work = tmp_path / "elsewhere"  # no heron.db here: only the option can find the model
    work.mkdir()
    result = heron(
        env, work, "--tracking-uri", uri, "models", "generate-dockerfile", "-m", "models:/first/1",
        "-d", str(work / "image"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (work / "image" / "Dockerfile").is_file()
    assert [p.parent.name for p in (work / "image").rglob("MLmodel")] == ["model"]


_PARENT = """
import sys
from heron.environments.environment import local_environment
from heron.serving.isolation import run_in_environment

sys.exit(run_in_environment(local_environment(), sys.argv[1:]))
"""


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_sigterm_stops_the_process_started_in_a_model_environment(
    env: dict[str, str], tmp_path: Path
) -> None:
    """``kill <pid of heron models serve>`` stops the server it runs inside the model's
    environment; the server used to live on, holding the port."""
    port = free_port()
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, "server", "--port", str(port),
         "--backend-store-uri", f"sqlite:///{tmp_path / 'a.db'}"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            assert parent.poll() is None, "the server did not start"
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=30) in (0, 128 + signal.SIGTERM)
        assert not _answers(port)
    finally:
        parent.kill()


def test_server_on_a_busy_port_says_so_before_any_address(
    env: dict[str, str], tmp_path: Path
) -> None:
    """The "Heron UI: http://..." line would send the user to the other server's page."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = heron(env, tmp_path, "server", "--port", str(port))
    assert_one_line_error(
        result,
        f"Port {port} on 127.0.0.1 is busy (address already in use): another server listens "
        "there. Stop it, or choose another port with --port.",
    )
