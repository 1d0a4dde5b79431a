"""Model flavors cross the libraries both ways: MLflow 3.17.2 saves, Heron loads, and back.

``scripts/flavor_models.py`` builds one small model per flavor case (a 2-layer MLP saved as
pickle and as pt2, 10-tree XGBoost/LightGBM Boosters and classifiers, a tiny ONNX graph, a
Keras model, TensorFlow Keras and tf.Module models, a packaged SavedModel directory) and
saves them with one library's ``<flavor>.save_model``; the other library loads each with
``<flavor>.load_model`` and ``pyfunc.load_model`` and predicts the same data. The MLflow side
runs in its own virtualenv with the same CPU frameworks (torch pinned to 2.13.0).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from processes import clean_env, free_port, peer_venv, run_script

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("flavor-models")]

FLAVOR_PACKAGES = (
    "mlflow==3.17.2",
    "scikit-learn",
    "torch==2.13.0",
    "onnx",
    "onnxruntime",
    "xgboost-cpu",
    "lightgbm",
    "keras",
    "tensorflow-cpu",
)
CASES = (
    "pytorch_pickle",
    "pytorch_pt2",
    "xgboost_booster",
    "xgboost_classifier",
    "lightgbm_booster",
    "lightgbm_classifier",
    "onnx",
    "keras",
    "tensorflow_keras",
    "tensorflow_module",
)


@pytest.fixture(scope="module")
def flavors_python() -> Path:
    """The python of a virtualenv with mlflow 3.17.2 and every flavor's framework (CPU)."""
    return peer_venv("mlflow-flavors", FLAVOR_PACKAGES) / "bin" / "python"


@pytest.fixture(scope="module")
def exchanged(flavors_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Heron saves; MLflow saves and loads Heron's models; Heron loads MLflow's (3 processes).

    Returns ``{"saved": {lib: report}, "loaded": {lib: report on the other's models}}``.
    """
    heron_dir = tmp_path_factory.mktemp("saved-by-heron")
    mlflow_dir = tmp_path_factory.mktemp("saved-by-mlflow")
    heron = run_script(sys.executable, "flavor_models.py", "save", "--lib=heron", str(heron_dir))
    mlflow = run_script(
        flavors_python,
        "flavor_models.py",
        "save",
        "--lib=mlflow",
        str(mlflow_dir),
        f"--load={heron_dir}",
    )
    heron_loaded = run_script(
        sys.executable, "flavor_models.py", "load", "--lib=heron", str(mlflow_dir)
    )
    return {
        "saved": {"heron": heron["saved"], "mlflow": mlflow["saved"]},
        "loaded": {"heron": heron_loaded, "mlflow": mlflow["loaded"]},
        "dirs": {"heron": heron_dir, "mlflow": mlflow_dir},
    }


def _close(actual: Any, expected: Any) -> None:
    if isinstance(expected, dict):
        assert sorted(actual) == sorted(expected)
        for key in expected:
            _close(actual[key], expected[key])
        return
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES)
def test_mlflow_model_loads_in_heron(exchanged: dict[str, Any], case: str) -> None:
    reported = exchanged["saved"]["mlflow"][case]
    loaded = exchanged["loaded"]["heron"][case]
    _close(loaded["native"], reported["native"])
    _close(loaded["pyfunc"], reported["pyfunc"])


@pytest.mark.parametrize("case", [*CASES, "tensorflow_saved_model_dir"])
def test_heron_model_loads_in_mlflow(exchanged: dict[str, Any], case: str) -> None:
    reported = exchanged["saved"]["heron"][case]
    loaded = exchanged["loaded"]["mlflow"][case]
    _close(loaded["native"], reported["native"])
    _close(loaded["pyfunc"], reported["pyfunc"])


@pytest.mark.parametrize("case", CASES)
def test_both_write_the_same_layout(exchanged: dict[str, Any], case: str) -> None:
    """Same files, same flavors, same keys in each flavor block (Heron also writes ``code``)."""
    mlflow_model = exchanged["saved"]["mlflow"][case]
    heron_model = exchanged["saved"]["heron"][case]
    assert heron_model["files"] == mlflow_model["files"]
    assert sorted(heron_model["flavors"]) == sorted(mlflow_model["flavors"])
    for flavor, keys in mlflow_model["flavors"].items():
        assert set(heron_model["flavors"][flavor]) - {"code"} == set(keys) - {"code"}


@pytest.mark.parametrize("case", ["pytorch_pt2", "onnx", "lightgbm_classifier"])
def test_mlflow_model_is_served_by_heron(exchanged: dict[str, Any], case: str) -> None:
    """``heron models serve`` of a model MLflow saved answers what MLflow's pyfunc predicted."""
    sys.path.insert(0, str(Path(__file__).parent / "scripts"))
    try:
        from flavor_models import COLUMNS, data
    finally:
        sys.path.pop(0)
    x, _ = data()
    body: dict[str, Any] = {"inputs": x.tolist()}
    if case == "lightgbm_classifier":
        body = {"dataframe_split": {"columns": COLUMNS, "data": x.tolist()}}
    with serving(exchanged["dirs"]["mlflow"] / case) as url:
        predictions = invoke(url, body)
    expected = exchanged["saved"]["mlflow"][case]["pyfunc"]
    if isinstance(expected, dict):
        predictions = {k: predictions[k] for k in expected}
    _close(predictions, expected)


@contextlib.contextmanager
def serving(model_path: Path) -> Iterator[str]:
    """``heron models serve`` (local environment) of ``model_path`` on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "heron", "models", "serve", "-m", str(model_path)]
    process = subprocess.Popen(
        [*command, "-p", str(port), "--env-manager", "local"],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read().decode())  # type: ignore[union-attr]
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/ping", timeout=2):
                break
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def invoke(url: str, body: Any) -> Any:
    request = urllib.request.Request(
        url + "/invocations",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())["predictions"]
