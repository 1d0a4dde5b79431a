"""The per-predict fast paths of column-schema enforcement: labels and dtypes read once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heron.models.enforcement import SchemaEnforcementError, enforce_schema
from heron.models.frames import column_dtypes, column_index, column_labels
from heron.models.schema import ColSpec, DataType, Schema

FLOATS = Schema([ColSpec(DataType.float, name) for name in "abcd"])


def test_column_helpers_read_labels_and_dtypes_in_order() -> None:
    frame = pd.DataFrame({"x": [1], "y": [0.5], "z": ["s"]})
    assert column_labels(frame) == ["x", "y", "z"]
    assert column_dtypes(frame)[:2] == [np.dtype("int64"), np.dtype("float64")]
    assert column_dtypes(frame) == list(frame.dtypes)


def test_array_becomes_a_named_frame_and_the_shared_index_stays_untouched() -> None:
    values = np.arange(8, dtype=np.float32).reshape(2, 4)
    first = enforce_schema(values, FLOATS)
    assert list(first.columns) == ["a", "b", "c", "d"]
    assert first.to_numpy().tolist() == values.tolist()
    first.columns.name = "renamed by a model"
    second = enforce_schema(values, FLOATS)
    assert second.columns.name is None
    assert column_index(("a", "b", "c", "d")).name is None


def test_matching_float32_frame_passes_through_and_float64_is_refused() -> None:
    frame = pd.DataFrame(np.ones((3, 4), dtype=np.float32), columns=list("abcd"))
    assert enforce_schema(frame, FLOATS) is frame
    with pytest.raises(SchemaEnforcementError, match="column a"):
        enforce_schema(frame.astype(np.float64), FLOATS)


def test_reordered_columns_are_checked_against_their_own_specs() -> None:
    schema = Schema([ColSpec(DataType.long, "n"), ColSpec(DataType.string, "s")])
    frame = pd.DataFrame({"s": ["x"], "n": np.array([1], dtype=np.int32)})
    result = enforce_schema(frame, schema)
    assert list(result.columns) == ["n", "s"]
    assert result["n"].dtype == np.int64
    with pytest.raises(SchemaEnforcementError, match="column n"):
        enforce_schema(pd.DataFrame({"s": ["x"], "n": [0.5]}), schema)


def test_optional_column_left_out_keeps_specs_matched_by_name() -> None:
    schema = Schema(
        [
            ColSpec(DataType.string, "s", required=False),
            ColSpec(DataType.long, "n"),
            ColSpec(DataType.double, "d"),
        ]
    )
    frame = pd.DataFrame({"d": np.array([1.5], dtype=np.float32), "n": [2]})
    result = enforce_schema(frame, schema)
    assert list(result.columns) == ["n", "d"]
    assert result["d"].dtype == np.float64
    with pytest.raises(SchemaEnforcementError, match="column n"):
        enforce_schema(pd.DataFrame({"d": [1.5], "n": ["two"]}), schema)


def test_non_string_labels_and_unnamed_schemas() -> None:
    named = Schema([ColSpec(DataType.double, "0"), ColSpec(DataType.double, "1")])
    frame = pd.DataFrame(np.ones((2, 2)))  # integer labels 0 and 1
    assert list(enforce_schema(frame, named).columns) == ["0", "1"]
    unnamed = Schema([ColSpec(DataType.double), ColSpec(DataType.long)])
    wide = pd.DataFrame({"p": [1.0], "q": [2], "r": ["extra"]})
    result = enforce_schema(wide, unnamed)
    assert list(result.columns) == ["p", "q"]
    with pytest.raises(SchemaEnforcementError, match="column q"):
        enforce_schema(pd.DataFrame({"p": [1.0], "q": [0.5]}), unnamed)
