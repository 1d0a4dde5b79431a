"""``heron models serve`` serves each flavor's models (real server processes, local env):
PyTorch, ONNX, XGBoost, LightGBM, Keras, a packaged TensorFlow SavedModel (seed 002) and the
custom flavor of ``examples/custom_flavor``."""

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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from fixtures.server import free_port

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom_flavor"
X = np.random.default_rng(3).random((4, 4), dtype=np.float32)
COLUMNS = ["a", "b", "c", "d"]


@contextlib.contextmanager
def serving(model_path: Path) -> Iterator[str]:
    """``heron models serve`` of a local model on a free port; its URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    command = [sys.executable, "-m", "heron", "models", "serve", "-m", str(model_path)]
    process = subprocess.Popen(
        [*command, "-p", str(port), "--env-manager", "local"],
        env=env,
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


def _pytorch(path: Path) -> tuple[Any, Any]:
    import torch

    import heron.pytorch

    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    heron.pytorch.save_model(mlp, path, input_example=X[:2])
    with torch.no_grad():
        return {"inputs": X.tolist()}, mlp(torch.from_numpy(X)).numpy()


def _onnx(path: Path) -> tuple[Any, Any]:
    from onnx import TensorProto, helper

    import heron.onnx

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 4])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    heron.onnx.save_model(model, path, onnx_execution_providers=["CPUExecutionProvider"])
    return {"inputs": {"x": (X - 0.5).tolist()}}, {"y": np.maximum(X - 0.5, 0)}


def _frame_body() -> Any:
    return {"dataframe_split": {"columns": COLUMNS, "data": X.tolist()}}


def _xgboost(path: Path) -> tuple[Any, Any]:
    import pandas as pd
    import xgboost as xgb

    import heron.xgboost

    frame = pd.DataFrame(np.random.default_rng(0).random((40, 4)), columns=COLUMNS)
    booster = xgb.train({"objective": "reg:squarederror"}, xgb.DMatrix(frame, frame["a"]), 10)
    heron.xgboost.save_model(booster, path, input_example=frame[:2])
    return _frame_body(), booster.predict(xgb.DMatrix(pd.DataFrame(X, columns=COLUMNS)))


def _lightgbm(path: Path) -> tuple[Any, Any]:
    import lightgbm as lgb
    import pandas as pd

    import heron.lightgbm

    frame = pd.DataFrame(np.random.default_rng(0).random((40, 4)), columns=COLUMNS)
    params = {"objective": "regression", "verbose": -1, "min_data_in_leaf": 2}
    booster = lgb.train(params, lgb.Dataset(frame, frame["b"]), 10)
    heron.lightgbm.save_model(booster, path, input_example=frame[:2])
    return _frame_body(), booster.predict(pd.DataFrame(X, columns=COLUMNS))


def _keras(path: Path) -> tuple[Any, Any]:
    import keras

    import heron.keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    heron.keras.save_model(model, path, input_example=X[:2])
    return {"inputs": X.tolist()}, model.predict(X, verbose=0)


def _saved_model_dir(path: Path) -> tuple[Any, Any]:
    tf = pytest.importorskip("tensorflow")
    import heron.tensorflow

    class Linear(tf.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            self.w = tf.Variable([[1.0], [2.0], [3.0], [4.0]])

        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
        def __call__(self, v: Any) -> Any:
            return {"y": tf.matmul(v, self.w)}

    module = Linear()
    raw = path.parent / f"{path.name}-raw"
    tf.saved_model.save(module, str(raw), signatures={"serving_default": module.__call__})
    heron.tensorflow.save_model(
        path=path,
        tf_saved_model_dir=str(raw),
        tf_meta_graph_tags=["serve"],
        tf_signature_def_key="serving_default",
    )
    return {"inputs": {"x": X.tolist()}}, {"y": (X @ np.array([1.0, 2.0, 3.0, 4.0])).tolist()}


def _custom(path: Path) -> tuple[Any, Any]:
    sys.path.insert(0, str(EXAMPLE))
    try:
        from wordcount_flavor import WordCountModel, save_model
    finally:
        sys.path.remove(str(EXAMPLE))
    model = WordCountModel({"great": 2.0, "bad": -1.0})
    save_model(model, path, code_paths=[str(EXAMPLE / "wordcount_flavor.py")])
    body = {"dataframe_split": {"columns": ["text"], "data": [["great great"], ["bad"]]}}
    return body, [{"score": 4.0}, {"score": -1.0}]  # a named Series: records, as MLflow


BUILDERS: dict[str, Callable[[Path], tuple[Any, Any]]] = {
    "pytorch": _pytorch,
    "onnx": _onnx,
    "xgboost": _xgboost,
    "lightgbm": _lightgbm,
    "keras": _keras,
    "tensorflow_saved_model_dir": _saved_model_dir,
    "custom_flavor": _custom,
}


def _close(actual: Any, expected: Any) -> None:
    if isinstance(expected, list) and isinstance(expected[0], dict):
        assert actual == expected
        return
    if isinstance(expected, dict):
        for key, value in expected.items():
            _close(actual[key], value)
        return
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=1e-5
    )


@pytest.mark.parametrize("flavor", sorted(BUILDERS))
def test_flavor_model_is_served(tmp_path: Path, flavor: str) -> None:
    body, expected = BUILDERS[flavor](tmp_path / "model")
    with serving(tmp_path / "model") as url:
        _close(invoke(url, body), expected)
