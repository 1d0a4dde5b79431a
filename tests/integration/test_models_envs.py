"""``--env-manager uv|virtualenv|conda`` for ``heron models predict/serve/prepare-env``: the
model runs inside its own environment, built from its files and cached by content hash."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import heron.pyfunc

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class WhereAmI(heron.pyfunc.PythonModel):
    """Answers the Python prefix it runs in and the version of ``six`` it imports."""

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        import six

        return {"prefix": sys.prefix, "six": six.__version__}


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("env-model") / "model"
    heron.pyfunc.save_model(path, python_model=WhereAmI(), pip_requirements=["six==1.16.0"])
    return path


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    values["HERON_ENV_ROOT"] = str(tmp_path_factory.mktemp("envs"))
    values["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{values.get('PATH', '')}"
    return values


def heron_models(*args: str, env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "heron", "models", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


@pytest.mark.parametrize("manager", ["uv", "virtualenv"])
def test_predict_runs_in_the_models_environment_built_once(
    model: Path, env: dict[str, str], manager: str
) -> None:
    prepared = heron_models("prepare-env", "-m", str(model), "--env-manager", manager, env=env)
    prefix = prepared.strip().rsplit(" ", 1)[-1]
    assert prefix.startswith(env["HERON_ENV_ROOT"])
    began = time.monotonic()
    out = heron_models(
        "predict", "-m", str(model), "--env-manager", manager, env=env, stdin='{"inputs": [1]}'
    )
    answer = json.loads(out)["predictions"]
    assert Path(answer["prefix"]).resolve() == Path(prefix).resolve()
    assert answer["six"] == "1.16.0"
    assert time.monotonic() - began < 120  # the cached environment, not a new build
    again = heron_models("prepare-env", "-m", str(model), "--env-manager", manager, env=env)
    assert again == prepared


def test_serve_in_a_uv_environment(model: Path, env: dict[str, str]) -> None:
    from fixtures.server import free_port

    port = free_port()
    command = [sys.executable, "-m", "heron", "models", "serve", "-m", str(model)]
    process = subprocess.Popen(
        [*command, "--env-manager", "uv", "-p", str(port)], env=env, start_new_session=True
    )
    try:
        import httpx

        deadline = time.monotonic() + 600
        while True:
            assert process.poll() is None
            try:
                answer = httpx.post(f"http://127.0.0.1:{port}/invocations", json={"inputs": [1]})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        assert answer.json()["predictions"]["prefix"].startswith(env["HERON_ENV_ROOT"])
    finally:
        import signal

        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def test_conda_when_available(model: Path, env: dict[str, str]) -> None:
    if shutil.which("conda") is None:
        pytest.skip("no conda executable on PATH: --env-manager conda is used where one is")
    out = heron_models(
        "predict", "-m", str(model), "--env-manager", "conda", env=env, stdin='{"inputs": [1]}'
    )
    assert json.loads(out)["predictions"]["six"] == "1.16.0"


def test_unknown_env_manager_is_refused(model: Path, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "heron", "models", "predict", "-m", str(model)]
    done = subprocess.run(
        [*command, "--env-manager", "pipenv"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "pipenv" in done.stderr
