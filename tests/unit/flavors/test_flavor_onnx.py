"""heron.onnx: ModelProto saved with external data, onnxruntime sessions, several inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import heron.onnx  # noqa: E402
import heron.pyfunc  # noqa: E402
from heron.exceptions import InvalidParameter  # noqa: E402


def tiny_graph() -> Any:
    """y = x @ W (x: N x 4), s = a + b: two outputs, three inputs."""
    from onnx import TensorProto, helper, numpy_helper

    weights = numpy_helper.from_array(np.arange(8, dtype=np.float32).reshape(4, 2), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"]), helper.make_node("Add", ["a", "b"], ["s"])],
        "tiny",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4]),
            helper.make_tensor_value_info("a", TensorProto.FLOAT, [None]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, [None]),
        ],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 2]),
            helper.make_tensor_value_info("s", TensorProto.FLOAT, [None]),
        ],
        [weights],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def single_input_graph() -> Any:
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


def test_layout_and_multi_input_predict(tmp_path: Path) -> None:
    heron.onnx.save_model(
        tiny_graph(),
        tmp_path / "m",
        onnx_execution_providers=["CPUExecutionProvider"],
        onnx_session_options={"intra_op_num_threads": 1, "execution_mode": "sequential"},
    )
    conf = yaml.safe_load((tmp_path / "m" / "MLmodel").read_text())["flavors"]["onnx"]
    assert conf["data"] == "model.onnx"
    assert conf["providers"] == ["CPUExecutionProvider"]
    assert conf["onnx_session_options"]["intra_op_num_threads"] == 1
    model = heron.pyfunc.load_model(str(tmp_path / "m"))
    feed = {"x": np.ones((3, 4)), "a": np.ones(3, np.float32), "b": np.full(3, 2, np.float32)}
    out = model.predict(feed)
    np.testing.assert_array_equal(out["y"], np.tile([12.0, 16.0], (3, 1)))
    np.testing.assert_array_equal(out["s"], [3.0, 3.0, 3.0])
    with pytest.raises(InvalidParameter, match="single input"):
        model.predict(np.ones((3, 4), np.float32))
    assert heron.onnx.load_model(str(tmp_path / "m")).graph.name == "tiny"


def test_dataframe_and_array_for_one_input(tmp_path: Path) -> None:
    heron.onnx.save_model(single_input_graph(), tmp_path / "m")
    model = heron.pyfunc.load_model(str(tmp_path / "m"))
    x = np.array([[-1.0, 2.0, -3.0]])
    np.testing.assert_array_equal(model.predict(x.astype(np.float32))["y"], [[0.0, 2.0, 0.0]])
    frame = model.predict(pd.DataFrame(x, columns=["p", "q", "r"]))
    assert list(frame.columns) == ["y"]
    assert frame["y"].tolist() == [0.0, 2.0, 0.0]


def test_external_data_for_large_tensors(tmp_path: Path) -> None:
    from onnx import TensorProto, helper, numpy_helper

    weights = numpy_helper.from_array(np.ones((512, 512), np.float32), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])],
        "big",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 512])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 512])],
        [weights],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    heron.onnx.save_model(model, tmp_path / "m")
    files = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert (
        len(
            [
                f
                for f in files
                if f
                not in {
                    "MLmodel",
                    "model.onnx",
                    "conda.yaml",
                    "python_env.yaml",
                    "requirements.txt",
                }
            ]
        )
        == 1
    )
    assert (tmp_path / "m" / "model.onnx").stat().st_size < 10_000
    out = heron.pyfunc.load_model(str(tmp_path / "m")).predict(np.ones((2, 512), np.float32))
    np.testing.assert_array_equal(out["y"], np.full((2, 512), 512.0))


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match="ModelProto"):
        heron.onnx.save_model(b"bytes", tmp_path / "a")
    with pytest.raises(InvalidParameter, match="not a valid ONNX Runtime"):
        heron.onnx.save_model(tiny_graph(), tmp_path / "b", onnx_session_options={"nope": 1})
    with pytest.raises(InvalidParameter, match="execution_mode"):
        heron.onnx.save_model(
            tiny_graph(), tmp_path / "c", onnx_session_options={"execution_mode": "fast"}
        )
    assert not any(tmp_path.iterdir())
