"""``heron models generate-dockerfile`` writes a build context that serves the model on its
own; ``build-docker`` builds it where a Docker engine runs and says why not elsewhere."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import heron.pyfunc
from fixtures.server import free_port
from heron.serving.docker import docker_engine_problem

pytestmark = pytest.mark.integration


class Constant(heron.pyfunc.PythonModel):
    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return [42] * len(model_input)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docker")
    heron.pyfunc.save_model(root / "model", python_model=Constant(), pip_requirements=["numpy"])
    target = root / "context"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "heron",
            "models",
            "generate-dockerfile",
            "-m",
            str(root / "model"),
            "-d",
            str(target),
        ],
        check=True,
    )
    return target


def test_dockerfile_serves_on_8080_as_a_non_root_user(context: Path) -> None:
    dockerfile = (context / "Dockerfile").read_text()
    assert dockerfile.startswith("# Serves")
    assert "FROM python:3." in dockerfile
    assert "USER heron" in dockerfile
    assert "EXPOSE 8080" in dockerfile
    assert "HEALTHCHECK" in dockerfile
    assert "/ping" in dockerfile
    assert '"heron", "models", "serve", "-m", "/opt/ml/model"' in dockerfile
    requirements = (context / "requirements.txt").read_text().splitlines()
    assert "numpy" in requirements
    assert not any(line.startswith("mlflow") for line in requirements)
    assert (context / "model" / "MLmodel").is_file()
    assert (context / "heron" / "serving" / "app.py").is_file()


def test_the_context_serves_with_its_own_heron_copy(context: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    env["PYTHONPATH"] = str(context)  # as the image's PYTHONPATH=/opt/heron/lib
    check = subprocess.run(
        [sys.executable, "-c", "import heron; print(heron.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.startswith(str(context))
    command = [sys.executable, "-m", "heron", "models", "serve", "-m", str(context / "model")]
    process = subprocess.Popen(
        [*command, "--env-manager", "local", "-p", str(port)], env=env, start_new_session=True
    )
    try:
        body = json.dumps({"inputs": [1, 2]}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations", body, {"Content-Type": "application/json"}
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    assert json.loads(answer.read()) == {"predictions": [42, 42]}
                    break
            except OSError:
                assert time.monotonic() < deadline
                assert process.poll() is None
                time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def test_build_docker_says_why_it_cannot_build(context: Path) -> None:
    problem = docker_engine_problem()
    if problem is None:
        pytest.skip("a Docker engine runs here: the image test below builds for real")
    done = subprocess.run(
        [sys.executable, "-m", "heron", "models", "build-docker", "-m", str(context / "model")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Cannot build the image" in done.stderr
    assert "generate-dockerfile" in done.stderr


def test_built_image_answers_predictions(context: Path) -> None:
    problem = docker_engine_problem()
    if problem is not None:
        pytest.skip(f"Cannot build or run images: {problem}")
    dockerfile = (context / "Dockerfile").read_text()
    base = dockerfile.split("FROM ", 1)[1].split()[0]
    inspect = subprocess.run(["docker", "image", "inspect", base], capture_output=True, check=False)
    if inspect.returncode:
        pytest.skip(f"The base image {base} is not present and no registry is reachable")
    name = "heron-test-serving"
    subprocess.run(["docker", "build", "-t", name, str(context)], check=True)
    port = free_port()
    container = subprocess.run(
        ["docker", "run", "-d", "--rm", "-p", f"{port}:8080", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    try:
        body = json.dumps({"inputs": [1]}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations", body, {"Content-Type": "application/json"}
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    assert json.loads(answer.read()) == {"predictions": [42]}
                    break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.5)
    finally:
        subprocess.run(["docker", "stop", container], check=False, capture_output=True)
