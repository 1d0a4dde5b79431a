"""``heron.models.FlavorBackend`` and the python_function backend built on Heron's serving."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import heron.pyfunc
from heron.models import FlavorBackend
from heron.pyfunc import PythonModel
from heron.serving.backend import PyFuncBackend, get_flavor_backend


class Plus1(PythonModel):
    """Adds one."""

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input + 1


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("backend") / "model"
    heron.pyfunc.save_model(path, python_model=Plus1())
    return str(path)


def test_flavor_backend_is_an_abstract_contract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        FlavorBackend({})  # type: ignore[abstract]


def test_pyfunc_backend_predicts_files_and_writes_a_dockerfile(
    model_dir: str, tmp_path: Path
) -> None:
    backend = get_flavor_backend(model_dir, env_manager="local")
    assert isinstance(backend, PyFuncBackend)
    assert backend.can_score_model()
    assert backend.can_build_image()
    (tmp_path / "in.json").write_text(json.dumps({"inputs": [[1.0], [2.0]]}))
    backend.predict(model_dir, str(tmp_path / "in.json"), str(tmp_path / "out.json"), "json")
    assert json.loads((tmp_path / "out.json").read_text()) == {"predictions": [[2.0], [3.0]]}
    backend.generate_dockerfile(model_dir, str(tmp_path / "image"))
    assert "FROM" in (tmp_path / "image" / "Dockerfile").read_text()
    assert backend.prepare_env(model_dir).manager == "local"


def test_pyfunc_backend_serves_the_model(model_dir: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = PyFuncBackend({}, env_manager="local")
    process = backend.serve(model_dir, port, "127.0.0.1", 60, synchronous=False)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert process.poll() is None, "the scoring server exited"
                assert time.monotonic() < deadline, "the scoring server did not start"
                time.sleep(0.3)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_models_without_a_pyfunc_flavor_have_no_backend(tmp_path: Path) -> None:
    (tmp_path / "MLmodel").write_text("flavors:\n  other: {}\n")
    assert get_flavor_backend(str(tmp_path)) is None
