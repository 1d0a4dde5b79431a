"""Schema and params enforcement (spec 13.8)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heron.exceptions import InvalidParameter
from heron.models.enforcement import SchemaEnforcementError, enforce_schema
from heron.models.params import enforce_params
from heron.models.schema import (
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

SCHEMA = Schema(
    [
        ColSpec(DataType.long, "a"),
        ColSpec(DataType.double, "b"),
        ColSpec(DataType.string, "c", required=False),
    ]
)


def test_matching_frame_is_returned_without_copy() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.0], "c": ["x", "y"]})
    assert enforce_schema(frame, SCHEMA) is frame


def test_reorders_drops_extra_and_allows_missing_optional() -> None:
    frame = pd.DataFrame({"b": [0.5], "zzz": [1], "a": [3]})
    with pytest.warns(UserWarning, match="zzz"):
        result = enforce_schema(frame, SCHEMA)
    assert list(result.columns) == ["a", "b"]


def test_missing_required_named_in_error() -> None:
    with pytest.raises(SchemaEnforcementError, match=r"Model is missing inputs \['a'\]") as info:
        enforce_schema(pd.DataFrame({"b": [1.0], "q": [1]}), SCHEMA)
    assert "extra inputs: ['q']" in info.value.message
    assert isinstance(info.value, InvalidParameter)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_safe_casts() -> None:
    frame = pd.DataFrame(
        {
            "a": np.array([1, 2], dtype="int32"),
            "b": np.array([1, 2], dtype="int16"),
        }
    )
    result = enforce_schema(frame, SCHEMA)
    assert result["a"].dtype == np.int64
    assert result["b"].dtype == np.float64
    assert frame["a"].dtype == np.int32  # input untouched
    floats = pd.DataFrame({"a": [1], "b": np.array([0.5], dtype="float32")})
    assert enforce_schema(floats, SCHEMA)["b"].dtype == np.float64
    one_hot = pd.DataFrame({"a": [1], "b": np.array([1], dtype="int64")})
    assert enforce_schema(one_hot, SCHEMA)["b"].dtype == np.float64


def test_unsafe_casts_raise_with_column_and_types() -> None:
    with pytest.raises(SchemaEnforcementError, match="Incompatible input types for column a"):
        enforce_schema(pd.DataFrame({"a": [1.5], "b": [1.0]}), SCHEMA)
    with pytest.raises(SchemaEnforcementError, match="Can not safely convert int64 to float64"):
        enforce_schema(pd.DataFrame({"a": [1], "b": [7]}), SCHEMA)
    with pytest.raises(SchemaEnforcementError, match="Hint: the type mismatch"):
        enforce_schema(pd.DataFrame({"a": [1.0, None], "b": [1.0, 2.0]}), SCHEMA)
    with pytest.raises(SchemaEnforcementError, match="column b"):
        enforce_schema(pd.DataFrame({"a": [1], "b": ["x"]}), SCHEMA)


def test_accepts_dicts_records_and_numpy() -> None:
    assert list(enforce_schema({"a": 1, "b": 2.0}, SCHEMA).columns) == ["a", "b"]
    assert len(enforce_schema({"a": [1, 2], "b": [1.0, 2.0]}, SCHEMA)) == 2
    records = enforce_schema([{"a": 1, "b": 1.0, "c": "x"}], SCHEMA)
    assert list(records.columns) == ["a", "b", "c"]
    unnamed = Schema([ColSpec(DataType.double), ColSpec(DataType.double)])
    result = enforce_schema(np.ones((3, 4)), unnamed)
    assert result.shape == (3, 2)


def test_datetime_and_nested_columns() -> None:
    schema = Schema(
        [
            ColSpec(DataType.datetime, "when"),
            ColSpec(Array(DataType.string), "ids"),
            ColSpec(Object([Property("k", DataType.long)]), "meta"),
        ]
    )
    frame = pd.DataFrame({"when": ["2024-01-01"], "ids": [["a"]], "meta": [{"k": 1}]})
    assert enforce_schema(frame, schema)["when"].dtype.kind == "M"
    bad = pd.DataFrame({"when": ["2024-01-01"], "ids": [[1]], "meta": [{"k": 1}]})
    with pytest.raises(SchemaEnforcementError, match="column ids"):
        enforce_schema(bad, schema)


def test_tensor_schemas() -> None:
    schema = Schema([TensorSpec(np.dtype("float32"), (-1, 2))])
    data = np.zeros((3, 2), dtype="float32")
    assert enforce_schema(data, schema) is data
    with pytest.raises(SchemaEnforcementError, match="Shape of input"):
        enforce_schema(np.zeros((3, 3), dtype="float32"), schema)
    with pytest.raises(SchemaEnforcementError, match="dtype of input float64"):
        enforce_schema(np.zeros((3, 2)), schema)
    named = Schema([TensorSpec(np.dtype("int64"), (-1,), "x")])
    assert enforce_schema({"x": [1, 2]}, named)["x"].dtype == np.int64
    with pytest.raises(SchemaEnforcementError, match="missing inputs"):
        enforce_schema({"y": [1]}, named)


def test_enforce_params() -> None:
    schema = ParamSchema(
        [
            ParamSpec("temperature", DataType.double, 0.5),
            ParamSpec("k", DataType.long, 3),
            ParamSpec("stops", DataType.string, ["a"], (-1,)),
        ]
    )
    assert enforce_params(None, schema) == {"temperature": 0.5, "k": 3, "stops": ["a"]}
    with pytest.warns(UserWarning, match="nope"):
        result = enforce_params({"temperature": 1, "nope": 2}, schema)
    assert result == {"temperature": 1.0, "k": 3, "stops": ["a"]}
    with pytest.raises(SchemaEnforcementError, match="Invalid parameters found"):
        enforce_params({"k": 1.5}, schema)
    with pytest.raises(SchemaEnforcementError, match="Invalid parameters found"):
        enforce_params({"stops": "a"}, schema)
    with pytest.warns(UserWarning, match="does not define a params schema"):
        assert enforce_params({"x": 1}, None) is None


def test_a_matching_frame_is_not_copied() -> None:
    frame = pd.DataFrame(
        np.random.default_rng(0).random((100, 20)), columns=[f"f{i}" for i in range(20)]
    )
    schema = Schema([ColSpec(DataType.double, f"f{i}") for i in range(20)])
    result = enforce_schema(frame, schema)
    assert all(np.shares_memory(result[name].to_numpy(), frame[name].to_numpy()) for name in frame)
