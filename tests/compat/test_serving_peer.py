"""``heron models serve`` answers as ``mlflow models serve`` 3.17.2 answers: the same requests
to both servers serving the same model (saved by Heron, and saved by MLflow), compared after
JSON parsing; MLflow's own scoring client against Heron's server."""

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
from pathlib import Path
from typing import Any

import pytest
from processes import SCRIPTS, clean_env, free_port

import heron.pyfunc

pytestmark = [pytest.mark.compat, pytest.mark.slow]

SAVE_WITH_MLFLOW = """
import sys, pandas as pd, mlflow.sklearn
from sklearn.linear_model import LinearRegression
from mlflow.models import infer_signature
X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 0.0]})
m = LinearRegression().fit(X, X["a"] * 2)
mlflow.sklearn.save_model(m, sys.argv[1], signature=infer_signature(X, m.predict(X)))
"""

SPLIT = {"columns": ["a", "b"], "data": [[1.0, 0.0], [2.0, 1.0]]}
SAME_ANSWERS: list[tuple[Any, str]] = [
    ({"dataframe_split": SPLIT}, "application/json"),
    ({"dataframe_records": [{"a": 1.0, "b": 0.0}, {"a": 2, "b": 1}]}, "application/json"),
    ({"instances": [{"a": 1.0, "b": 0.0}]}, "application/json"),
    ({"inputs": {"a": [1.0, 2.0], "b": [0.0, 1.0]}}, "application/json"),
    ({"dataframe_split": {**SPLIT, "index": [7, 8]}}, "application/json; charset=utf-8"),
    (b"a,b\n1,0\n2,1\n", "text/csv"),
    # Errors: same status and error code (messages may say more in Heron).
    (b"{oops", "application/json"),
    ([1, 2], "application/json"),
    ({"dataframe_split": SPLIT, "instances": [[1, 0]]}, "application/json"),
    ({"dataframe_split": {"columns": ["a"], "data": [[1.0]]}}, "application/json"),
    ({"dataframe_split": {"columns": ["a", "b"], "data": [["x", 0]]}}, "application/json"),
    ({"dataframe_split": [[1, 0]]}, "application/json"),
    (b"x,y\n1,2\n", "text/csv"),
    ({"inputs": [[1, 0]]}, "text/plain"),
    ({"inputs": [[1, 0]]}, "application/json; charset=latin-1"),
]


ECHO_REQUESTS: list[tuple[Any, str]] = [
    (
        {"dataframe_split": {"columns": ["i", "f", "s"], "data": [[1, 1.5, "u"], [2, None, "v"]]}},
        "application/json",
    ),
    ({"dataframe_records": [{"i": 1, "s": "x"}, {"i": 2}]}, "application/json"),
    ({"inputs": [1, 2, 3]}, "application/json"),
    ({"inputs": [[1.5, 2.5], [3.5, 4.5]]}, "application/json"),
    ({"inputs": {"k": [1, 2], "t": ["a", "b"]}}, "application/json"),
    ({"inputs": "text"}, "application/json"),
    ({"instances": [{"k": 1, "t": "a"}, {"k": 2, "t": "b"}]}, "application/json"),
    ({"inputs": [1], "params": {"p": 1}}, "application/json"),
    (b"i,f\n1,0.25\n2,\n", "text/csv"),
]


class Echo(heron.pyfunc.PythonModel):
    """Answers its input as the scoring server received it."""

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input


@pytest.fixture(scope="module")
def models(mlflow_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import pandas as pd
    from sklearn.linear_model import LinearRegression

    import heron.sklearn
    from heron.models import infer_signature

    root = tmp_path_factory.mktemp("serving-peer")
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 0.0]})
    model = LinearRegression().fit(frame, frame["a"] * 2)
    heron.sklearn.save_model(
        model, root / "heron_saved", signature=infer_signature(frame, model.predict(frame))
    )
    subprocess.run(
        [str(mlflow_venv), "-c", SAVE_WITH_MLFLOW, str(root / "mlflow_saved")],
        env=clean_env(),
        check=True,
    )
    heron.pyfunc.save_model(root / "echo", python_model=Echo())
    return {
        "heron_saved": root / "heron_saved",
        "mlflow_saved": root / "mlflow_saved",
        "echo": root / "echo",
    }


@contextlib.contextmanager
def scoring_server(kind: str, model: Path, mlflow_venv: Path) -> Iterator[int]:
    """``<kind> models serve`` of ``model`` (local env) on a free port until the block ends."""
    port = free_port()
    env = clean_env()
    if kind == "mlflow":
        executable = [str(mlflow_venv.parent / "mlflow")]
        env["PATH"] = f"{mlflow_venv.parent}{os.pathsep}{env.get('PATH', '')}"
    else:
        executable = [sys.executable, "-m", "heron"]
    command = [*executable, "models", "serve", "-m", str(model), "-p", str(port)]
    process = subprocess.Popen(
        [*command, "--env-manager", "local"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, f"{kind} models serve exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"{kind} models serve did not start"
                time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def ask(port: int, body: Any, content_type: str) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/invocations", data, {"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text.decode()


def comparable(answer: tuple[int, Any]) -> tuple[int, Any]:
    status, body = answer
    if status == 200:
        return status, body
    if isinstance(body, dict):
        return status, (body.get("error_code"), body.get("error_class"))
    return status, "text answer"


@pytest.mark.parametrize("saved_by", ["heron_saved", "mlflow_saved"])
def test_same_requests_same_answers(
    models: dict[str, Path], mlflow_venv: Path, saved_by: str
) -> None:
    answers: dict[str, list[tuple[int, Any]]] = {}
    for kind in ("mlflow", "heron"):
        with scoring_server(kind, models[saved_by], mlflow_venv) as port:
            answers[kind] = [ask(port, body, ctype) for body, ctype in SAME_ANSWERS]
    for (body, ctype), ours, theirs in zip(
        SAME_ANSWERS, answers["heron"], answers["mlflow"], strict=True
    ):
        assert comparable(ours) == comparable(theirs), (body, ctype, ours, theirs)


def test_mlflow_scoring_client_against_heron(models: dict[str, Path], mlflow_venv: Path) -> None:
    with scoring_server("heron", models["mlflow_saved"], mlflow_venv) as port:
        done = subprocess.run(
            [str(mlflow_venv), str(SCRIPTS / "scoring_client.py"), str(port)],
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["frame"] == pytest.approx([2.0, 4.0])
    assert result["columns"] == pytest.approx([6.0])


def test_predictions_encoded_as_mlflow_encodes_them(
    models: dict[str, Path], mlflow_venv: Path
) -> None:
    answers: dict[str, list[tuple[int, Any]]] = {}
    for kind in ("mlflow", "heron"):
        with scoring_server(kind, models["echo"], mlflow_venv) as port:
            answers[kind] = [ask(port, body, ctype) for body, ctype in ECHO_REQUESTS]
    pairs = zip(ECHO_REQUESTS, answers["heron"], answers["mlflow"], strict=True)
    for (body, ctype), ours, theirs in pairs:
        assert repr(ours) == repr(theirs), (body, ctype)  # repr: NaN equals NaN
