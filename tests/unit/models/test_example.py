"""Input examples: files written as MLflow writes them, and read back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from heron.models.example import load_example, load_example_params, save_example
from heron.models.schema import ColSpec, DataType, Schema


def _read(path: Path) -> object:
    return json.loads(path.read_text())


def test_dataframe_example(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, None], "s": ["x", "y"]})
    info = save_example(tmp_path, frame)
    assert info == {
        "artifact_path": "input_example.json",
        "type": "dataframe",
        "pandas_orient": "split",
        "serving_input_path": "serving_input_example.json",
    }
    text = (tmp_path / "input_example.json").read_text()
    assert text == '{"columns": ["a", "b", "s"], "data": [[1, 0.5, "x"], [2, null, "y"]]}'
    assert _read(tmp_path / "serving_input_example.json") == {"dataframe_split": json.loads(text)}
    loaded = load_example(tmp_path, info)
    assert list(loaded.columns) == ["a", "b", "s"]
    schema = Schema([ColSpec("long", "a"), ColSpec("double", "b"), ColSpec("string", "s")])
    typed = load_example(tmp_path, info, schema)
    assert typed["a"].dtype == np.int64


def test_unnamed_dataframe_uses_values_orient(tmp_path: Path) -> None:
    info = save_example(tmp_path, pd.DataFrame(np.ones((1, 2))))
    assert info["pandas_orient"] == "values"
    assert _read(tmp_path / "input_example.json") == {"data": [[1.0, 1.0]]}


def test_ndarray_examples(tmp_path: Path) -> None:
    info = save_example(tmp_path, np.array([[1.0, np.nan]], dtype="float32"))
    assert info["type"] == "ndarray"
    assert _read(tmp_path / "input_example.json") == [[1.0, None]]
    assert _read(tmp_path / "serving_input_example.json") == {"inputs": [[1.0, None]]}
    info = save_example(tmp_path, {"img": np.zeros((1, 2), dtype="uint8")})
    assert _read(tmp_path / "input_example.json") == {"img": [[0, 0]]}
    assert _read(tmp_path / "serving_input_example.json") == {"inputs": {"img": [[0, 0]]}}
    loaded = load_example(tmp_path, info)
    assert set(loaded) == {"img"}
    assert loaded["img"].shape == (1, 2)


def test_json_object_example_with_params(tmp_path: Path) -> None:
    example = ({"question": "hi", "n": np.int64(3)}, {"temperature": 0.5})
    info = save_example(tmp_path, example)
    assert info["type"] == "json_object"
    assert info["params"] == "true"
    assert _read(tmp_path / "input_example.json") == {
        "inputs": {"question": "hi", "n": 3},
        "params": {"temperature": 0.5},
    }
    assert _read(tmp_path / "serving_input_example.json") == {
        "inputs": {"question": "hi", "n": 3},
        "params": {"temperature": 0.5},
    }
    assert load_example(tmp_path, info) == {"question": "hi", "n": 3}
    assert load_example_params(tmp_path, info) == {"temperature": 0.5}


def test_binary_values_are_base64(tmp_path: Path) -> None:
    info = save_example(tmp_path, pd.DataFrame({"raw": [b"abc"]}))
    assert _read(tmp_path / "input_example.json") == {"columns": ["raw"], "data": [["YWJj\n"]]}
    loaded = load_example(tmp_path, info, Schema([ColSpec(DataType.binary, "raw")]))
    assert loaded["raw"][0] == b"abc"
