"""``heron models serve`` and ``heron models predict`` as real processes, loading models by
every URI form from a real tracking server (seed 003's registry workflow)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import heron.pyfunc
from fixtures.server import HeronServer, free_port, start_server

pytestmark = pytest.mark.integration

HERON = [sys.executable, "-m", "heron"]
ROWS = {"columns": ["a", "b"], "data": [[1.0, 0.0], [2.0, 1.0]]}


class Doubler(heron.pyfunc.PythonModel):
    """Predicts ``2 * a``."""

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return (model_input["a"] * 2).tolist()


@dataclass
class Registry:
    server: HeronServer
    run_id: str
    model_id: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """A tracking server holding one logged sklearn model, registered as
    ``Diabetes_RFCmodel`` version 1 in Production with the alias ``champion``."""
    import pandas as pd
    from sklearn.linear_model import LinearRegression

    import heron
    import heron.sklearn
    from heron.models import infer_signature
    from heron.tracking.client import MlflowClient

    server = start_server(tmp_path_factory.mktemp("registry-server"))
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 0.0]})  # predicts 2 * a
    model = LinearRegression().fit(frame, frame["a"] * 2)
    heron.set_tracking_uri(server.url)
    try:
        with heron.start_run() as run:
            info = heron.sklearn.log_model(
                model, name="model", signature=infer_signature(frame, model.predict(frame))
            )
        client = MlflowClient(tracking_uri=server.url)
        version = heron.register_model(f"runs:/{run.info.run_id}/model", "Diabetes_RFCmodel")
        with pytest.warns(FutureWarning):  # stages are deprecated, and still served
            client.transition_model_version_stage(
                "Diabetes_RFCmodel", version.version, "Production"
            )
        client.set_registered_model_alias("Diabetes_RFCmodel", "champion", version.version)
    finally:
        heron.set_tracking_uri("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    env["HERON_TRACKING_URI"] = server.url
    yield Registry(server, run.info.run_id, info.model_id, env)
    server.stop()


@contextlib.contextmanager
def serving(model_uri: str, env: dict[str, str], *options: str) -> Iterator[str]:
    """``heron models serve`` on a free port until the block ends; its URL."""
    port = free_port()
    command = [*HERON, "models", "serve", "-m", model_uri, "-p", str(port)]
    process = subprocess.Popen(
        [*command, "--env-manager", "local", *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read().decode())  # type: ignore[union-attr]
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/ping", timeout=2):
                break
            time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def invoke(url: str, body: Any, content_type: str = "application/json") -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        url + "/invocations", data=data, headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serves_the_production_model_from_the_registry(registry: Registry) -> None:
    with serving("models:/Diabetes_RFCmodel/Production", registry.env) as url:
        assert invoke(url, {"dataframe_split": ROWS})[1]["predictions"] == pytest.approx([2, 4])
        legacy = invoke(url, ROWS, "application/json; format=pandas-split")
        assert legacy[1]["predictions"] == pytest.approx([2, 4])
        status, error = invoke(url, {"dataframe_split": {"columns": ["a"], "data": [[1]]}})
        assert (status, error["error_code"]) == (400, "INVALID_PARAMETER_VALUE")
        assert invoke(url, b"a,b\n3,0\n", "text/csv")[1]["predictions"] == pytest.approx([6])


def test_two_workers_serve_an_alias(registry: Registry) -> None:
    with serving("models:/Diabetes_RFCmodel@champion", registry.env, "-w", "2") as url:
        answers = [invoke(url, {"inputs": {"a": [1.0], "b": [0.0]}}) for _ in range(6)]
        assert all(answer == (200, {"predictions": pytest.approx([2.0])}) for answer in answers)


@pytest.mark.parametrize(
    "uri",
    [
        "runs:/{run_id}/model",
        "models:/Diabetes_RFCmodel/1",
        "models:/Diabetes_RFCmodel/latest",
        "models:/Diabetes_RFCmodel/Production",
        "models:/Diabetes_RFCmodel@champion",
        "models:/{model_id}",
    ],
)
def test_predict_api_reads_every_uri_form(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uri: str
) -> None:
    from heron.models import predict

    monkeypatch.setenv("HERON_TRACKING_URI", registry.server.url)
    out = tmp_path / "out.json"
    model_uri = uri.format(run_id=registry.run_id, model_id=registry.model_id)
    predict(
        model_uri, input_data={"a": [2.0], "b": [1.0]}, output_path=str(out), env_manager="local"
    )
    assert json.loads(out.read_text())["predictions"] == pytest.approx([4])


def test_predict_csv_file_to_json_file(registry: Registry, tmp_path: Path) -> None:
    batch = tmp_path / "batch.csv"
    batch.write_text("a,b\n1,0\n2,1\n")
    out = tmp_path / "out.json"
    command = [*HERON, "models", "predict", "-m", f"runs:/{registry.run_id}/model"]
    command += ["-i", str(batch), "-t", "csv", "-o", str(out), "--env-manager", "local"]
    subprocess.run(command, env=registry.env, check=True)
    assert json.loads(out.read_text())["predictions"] == pytest.approx([2, 4])


def test_predict_json_from_stdin_to_stdout(registry: Registry) -> None:
    command = [*HERON, "models", "predict", "-m", f"runs:/{registry.run_id}/model"]
    done = subprocess.run(
        [*command, "--env-manager", "local"],
        input=json.dumps({"dataframe_records": [{"a": 3.0, "b": 1.0}]}).encode(),
        env=registry.env,
        capture_output=True,
        check=True,
    )
    assert json.loads(done.stdout)["predictions"] == pytest.approx([6])


def test_predict_bad_input_fails_cleanly(registry: Registry, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"dataframe_split": {"columns": ["x"], "data": [[1]]}}')
    out = tmp_path / "out.json"
    command = [*HERON, "models", "predict", "-m", f"runs:/{registry.run_id}/model"]
    done = subprocess.run(
        [*command, "-i", str(bad), "-o", str(out), "--env-manager", "local"],
        env=registry.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Error: " in done.stderr
    assert "missing inputs" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert not (tmp_path / "out.json.partial").exists()


def test_unknown_model_uri_is_a_clear_error(registry: Registry) -> None:
    done = subprocess.run(
        [*HERON, "models", "serve", "-m", "models:/NoSuchModel/1", "--env-manager", "local"],
        env=registry.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "NoSuchModel" in done.stderr
    assert "Traceback" not in done.stderr
