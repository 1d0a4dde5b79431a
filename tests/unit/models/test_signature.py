"""ModelSignature and infer_signature: MLflow's MLmodel form and type mapping."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from heron.models.schema import (
    AnyType,
    Array,
    ColSpec,
    DataType,
    Object,
    ParamSchema,
    ParamSpec,
    Property,
    Schema,
    TensorSpec,
)
from heron.models.signature import ModelSignature, infer_signature, infer_signature_from_example

MLFLOW_SIGNATURE = {
    "inputs": '[{"type": "long", "name": "a", "required": true}]',
    "outputs": '[{"type": "double", "required": true}]',
    "params": None,
}


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "i64": np.array([1, 2], dtype="int64"),
            "i32": np.array([1, 2], dtype="int32"),
            "f64": [0.5, 1.5],
            "f32": np.array([0.5, 1.5], dtype="float32"),
            "flag": [True, False],
            "text": ["a", "b"],
            "raw": [b"x", b"y"],
            "when": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "maybe": [1.0, None],
        }
    )


def test_mlflow_signature_dict_round_trips() -> None:
    signature = ModelSignature.from_dict(MLFLOW_SIGNATURE)
    assert signature.inputs == Schema([ColSpec(DataType.long, "a")])
    assert signature.outputs == Schema([ColSpec(DataType.double)])
    assert signature.params is None
    assert signature.to_dict() == MLFLOW_SIGNATURE


def test_infer_signature_dataframe_type_mapping() -> None:
    frame = _frame()
    with pytest.warns(UserWarning, match="integer column"):
        signature = infer_signature(frame)
    assert signature.outputs is None
    assert signature.inputs is not None
    types = dict(zip(signature.inputs.input_names(), signature.inputs.input_types(), strict=True))
    assert types == {
        "i64": DataType.long,
        "i32": DataType.integer,
        "f64": DataType.double,
        "f32": DataType.float,
        "flag": DataType.boolean,
        "text": DataType.string,
        "raw": DataType.binary,
        "when": DataType.datetime,
        "maybe": DataType.double,
    }
    assert signature.inputs.optional_input_names() == ["maybe"]


def test_infer_signature_numpy_and_outputs() -> None:
    x = np.zeros((5, 3), dtype="float32")
    signature = infer_signature(x, np.zeros(5))
    assert signature.inputs == Schema([TensorSpec(np.dtype("float32"), (-1, 3))])
    assert signature.outputs == Schema([TensorSpec(np.dtype("float64"), (-1,))])
    named = infer_signature({"img": np.zeros((2, 4), dtype="uint8")})
    assert named.inputs == Schema([TensorSpec(np.dtype("uint8"), (-1, 4), "img")])
    series = infer_signature(pd.Series([1.0, 2.0], name="y"))
    assert series.inputs == Schema([ColSpec(DataType.double, "y")])


def test_infer_signature_json_values_and_params() -> None:
    records = [{"text": "hi", "ids": ["a"], "meta": {"k": 1}}, {"text": "yo", "ids": []}]
    signature = infer_signature(records, "answer", params={"temperature": 0.5, "stops": ["x"]})
    assert signature.inputs == Schema(
        [
            ColSpec(DataType.string, "text"),
            ColSpec(Array(DataType.string), "ids"),
            ColSpec(Object([Property("k", DataType.long)]), "meta", required=False),
        ]
    )
    assert signature.outputs == Schema([ColSpec(DataType.string)])
    assert signature.params == ParamSchema(
        [
            ParamSpec("temperature", DataType.double, 0.5),
            ParamSpec("stops", DataType.string, ["x"], (-1,)),
        ]
    )
    assert infer_signature({"when": dt.datetime(2024, 1, 1)}).inputs == Schema(
        [ColSpec(DataType.datetime, "when")]
    )


def test_uninferable_input_falls_back_to_any() -> None:
    with pytest.warns(UserWarning, match="Failed to infer"):
        signature = infer_signature(object())
    assert signature.inputs == Schema([ColSpec(AnyType())])


def _mlflow_python() -> Path:
    root = Path(os.environ.get("HERON_PEERS_DIR", Path.home() / ".cache" / "heron-peers"))
    return root / "mlflow" / "bin" / "python"


_MLFLOW_SCRIPT = """
import json, warnings
import numpy as np, pandas as pd
from mlflow.models.signature import infer_signature
warnings.simplefilter("ignore")
frame = pd.DataFrame({
    "i64": np.array([1, 2], dtype="int64"), "i32": np.array([1, 2], dtype="int32"),
    "f64": [0.5, 1.5], "f32": np.array([0.5, 1.5], dtype="float32"),
    "flag": [True, False], "text": ["a", "b"], "raw": [b"x", b"y"],
    "when": pd.to_datetime(["2024-01-01", "2024-01-02"]), "maybe": [1.0, None],
})
out = [infer_signature(frame, np.zeros(2)).to_dict(),
       infer_signature(np.zeros((2, 3), dtype="float32"), params={"t": 0.5, "s": ["x"]}).to_dict()]
print(json.dumps(out))
"""


@pytest.mark.compat
def test_infer_signature_matches_mlflow() -> None:
    python = _mlflow_python()
    if not python.exists():
        pytest.skip("the MLflow peer virtualenv is not installed")
    result = subprocess.run(
        [str(python), "-c", _MLFLOW_SCRIPT], capture_output=True, text=True, check=True
    )
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    with pytest.warns(UserWarning, match="integer column"):
        ours = [
            infer_signature(_frame(), np.zeros(2)).to_dict(),
            infer_signature(
                np.zeros((2, 3), dtype="float32"), params={"t": 0.5, "s": ["x"]}
            ).to_dict(),
        ]
    assert ours == theirs


def test_signature_from_example_makes_1d_predictions_a_column() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    signature = infer_signature_from_example(frame, np.array([0.1, 0.2]))
    assert signature.to_dict() == {
        "inputs": '[{"type": "double", "name": "a", "required": true}]',
        "outputs": '[{"type": "double", "required": true}]',
        "params": None,
    }
    tensors = infer_signature_from_example(np.ones((2, 2)), np.array([1, 2]))
    assert tensors.outputs == Schema([TensorSpec(np.dtype("int64"), (-1,))])
