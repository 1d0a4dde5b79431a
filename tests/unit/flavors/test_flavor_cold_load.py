"""Loading a local model and predicting imports only what that needs (issue 17, cold load).

A fresh process loads a model directory with ``heron.pyfunc.load_model`` and predicts; the
tracking entities, the registry client, the validation rules and ``importlib.metadata`` (with
``email``) belong to logging and saving models, and pandas to DataFrame inputs: none of them
may be paid for on this path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import heron.onnx  # noqa: E402

NOT_ON_THE_LOAD_PATH = (
    "heron.entities",
    "heron.tracking.client",
    "heron.tracking.registry",
    "heron.store.registry",
    "heron.store.tracking",
    "heron.validation",
    "heron.autologging",
    "importlib.metadata",
    "email",
    "sqlalchemy",
    "pandas",  # the model is fed an ndarray: no DataFrame can be involved
)


def _relu_graph() -> object:
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def test_pyfunc_load_and_predict_import_nothing_of_tracking(tmp_path: Path) -> None:
    path = tmp_path / "model"
    example = np.array([[-1.0, 0.5, 2.0]], dtype=np.float32)
    heron.onnx.save_model(_relu_graph(), str(path), input_example=example)
    code = (
        "import json, sys\n"
        "import numpy as np\n"
        "import heron.pyfunc\n"
        f"model = heron.pyfunc.load_model({str(path)!r})\n"
        "out = model.predict(np.array([[-1.0, 0.5, 2.0]], dtype=np.float32))\n"
        "print(json.dumps({'y': out['y'].tolist(), 'modules': sorted(sys.modules)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["y"] == [[0.0, 0.5, 2.0]]
    loaded = [
        name
        for name in report["modules"]
        if any(name == p or name.startswith(p + ".") for p in NOT_ON_THE_LOAD_PATH)
    ]
    assert loaded == []
