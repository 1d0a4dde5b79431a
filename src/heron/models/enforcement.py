"""Schema enforcement at predict time (spec 13.8); params are checked in ``heron.models.params``.

``enforce_schema`` turns model input (DataFrame, dict, list of dicts, Series, list, numpy
array, dict of arrays) into what the schema describes: a DataFrame with the schema's columns
in order, safely cast, for column schemas; a numpy array or dict of arrays for tensor schemas.
Checks are vectorised per column (one ``dtypes`` lookup, no row loops) and nothing is copied
when the input already matches.
"""

from __future__ import annotations

import warnings
from typing import Any

from heron.exceptions import InvalidParameter
from heron.models.frames import column_dtypes, column_index, column_labels, is_dataframe
from heron.models.schema import (
    AnyType,
    Array,
    ColSpec,
    ColumnType,
    DataType,
    Map,
    Object,
    Schema,
    TensorSpec,
)


class SchemaEnforcementError(InvalidParameter):
    """Input data or params do not match the model signature (HTTP 400)."""

    error_class = "SCHEMA_ENFORCEMENT_FAILED"


def enforce_schema(data: Any, schema: Schema) -> Any:
    """Check and convert ``data`` to ``schema``; raise :class:`SchemaEnforcementError` if not."""
    if schema.is_tensor_spec():
        return _enforce_tensors(data, schema)
    df = _as_dataframe(data, schema)
    columns = column_labels(df)  # read once: pandas 3's Arrow-backed labels are slow to box
    if schema.has_input_names():
        df, columns = _select_named_columns(df, columns, schema)
    else:
        if len(df.columns) < len(schema.inputs):
            raise SchemaEnforcementError(
                f"Model inference is missing inputs. The model signature declares "
                f"{len(schema.inputs)} inputs but the provided value only has "
                f"{len(df.columns)} inputs."
            )
        if len(df.columns) > len(schema.inputs):
            df = df.iloc[:, : len(schema.inputs)]
            columns = columns[: len(schema.inputs)]
    return _cast_columns(df, columns, schema)


def _as_dataframe(data: Any, schema: Schema) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        return data.to_frame()
    names = schema.input_names() if schema.has_input_names() else None
    if isinstance(data, np.ndarray):
        if data.ndim == 1:
            data = data.reshape(-1, 1)
        if data.ndim != 2:
            raise SchemaEnforcementError(
                f"Expected a 1-d or 2-d array for a column-based signature, got shape {data.shape}"
            )
        if names is not None and data.shape[1] == len(names):
            return pd.DataFrame(data, columns=column_index(tuple(names)).view())
        return pd.DataFrame(data)
    if isinstance(data, dict):
        if all(not isinstance(v, (list, tuple, np.ndarray, pd.Series)) for v in data.values()):
            return pd.DataFrame([data])
        if names is not None and len(names) == 1 and not _is_scalar_type(schema.inputs[0]):
            return pd.DataFrame({names[0]: [data]})
        try:
            return pd.DataFrame(data)
        except ValueError:
            return pd.DataFrame([data])
    if isinstance(data, list):
        if data and all(isinstance(x, dict) for x in data):
            return pd.DataFrame(data)
        if names is not None and len(names) == 1:
            return pd.DataFrame({names[0]: data})
        return pd.DataFrame(data)
    if isinstance(data, (str, bytes, int, float, bool)):
        column = names[0] if names else 0
        return pd.DataFrame({column: [data]})
    raise SchemaEnforcementError(
        f"Expected input to be DataFrame, dict, list or numpy array, got {type(data).__name__}"
    )


def _is_scalar_type(spec: ColSpec | TensorSpec) -> bool:
    return isinstance(spec, ColSpec) and isinstance(spec.type, DataType)


def _select_named_columns(df: Any, columns: list[Any], schema: Schema) -> tuple[Any, list[Any]]:
    """The frame with the schema's columns in order, and their labels."""
    names = [str(n) for n in schema.input_names()]
    if columns == names:
        return df, columns
    columns = [str(c) for c in columns]
    present = set(columns)
    required = {str(n) for n in schema.required_input_names()}
    missing = [n for n in names if n in required and n not in present]
    extra = [c for c in columns if c not in set(names)]
    if missing:
        message = f"Model is missing inputs {missing}."
        if extra:
            message += f" Note that there were extra inputs: {extra}."
        raise SchemaEnforcementError(message)
    if extra:
        warnings.warn(
            f"Found extra inputs in the model input that are not defined in the model "
            f"signature: {extra}. These inputs will be ignored.",
            stacklevel=3,
        )
    if any(not isinstance(c, str) for c in df.columns):
        df = df.set_axis(columns, axis=1)
    selected = [n for n in names if n in present]
    return df[selected], selected


def _cast_columns(df: Any, columns: list[Any], schema: Schema) -> Any:
    """Safely cast each column to its spec's type; copy only if something changes."""
    specs = schema.inputs
    by_name = None
    if schema.has_input_names() and len(columns) != len(specs):
        by_name = {spec.name: spec for spec in specs}  # optional inputs left out
    changes: dict[Any, Any] = {}
    for position, (column, actual) in enumerate(zip(columns, column_dtypes(df), strict=True)):
        if by_name is not None:
            spec = by_name.get(column)
        else:  # named columns are in the schema's order by now
            spec = specs[position] if position < len(specs) else None
        if spec is None or not isinstance(spec, ColSpec):
            continue
        expected = spec.type
        if isinstance(expected, DataType):
            if actual == _numpy_dtype(expected):
                continue
            converted = _cast_scalar_column(df, position, actual, expected, column)
            if converted is not None:
                changes[position] = converted
        else:
            _check_nested_column(df.iloc[:, position], expected, column, spec.required)
    if not changes:
        return df
    return _apply_changes(df, changes)


def _apply_changes(df: Any, changes: dict[int, Any]) -> Any:
    """A new frame with the changed columns (the rest shared, not copied)."""
    import pandas as pd

    if len(changes) == len(df.columns):
        dtypes = {getattr(v, "dtype", None) for v in changes.values()}
        if len(dtypes) == 1 and all(isinstance(v, _UniformCast) for v in changes.values()):
            return df.astype(next(iter(dtypes)))
    columns = {}
    for position, label in enumerate(df.columns):
        change = changes.get(position)
        if change is None:
            columns[label] = df.iloc[:, position]
        elif isinstance(change, _UniformCast):
            columns[label] = df.iloc[:, position].to_numpy().astype(change.dtype)
        else:
            columns[label] = change
    return pd.DataFrame(columns, index=df.index, copy=False)


class _UniformCast:
    """A plain numpy cast of a whole column, applied lazily (possibly to the whole frame)."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype


_NUMPY_DTYPES: dict[DataType, Any] = {}


def _numpy_dtype(t: DataType) -> Any:
    found = _NUMPY_DTYPES.get(t)
    if found is None:
        found = _NUMPY_DTYPES[t] = t.to_numpy()
    return found


def _cast_scalar_column(
    df: Any, position: int, actual: Any, expected: DataType, column: Any
) -> Any:
    """The cast column (or a _UniformCast), None if accepted as-is; raise if unsafe."""
    import numpy as np
    import pandas as pd

    values = _LazyColumn(df, position)
    kind = getattr(actual, "kind", "O")
    if expected in (DataType.string, DataType.binary):
        if kind == "O" or isinstance(actual, pd.StringDtype):
            return None
    elif expected == DataType.boolean and kind == "O":
        return None
    elif expected == DataType.datetime:
        if kind == "M":
            return _UniformCast(np.dtype("datetime64[ns]"))
        if kind == "O":
            try:
                return pd.to_datetime(values.get(), errors="raise")
            except (ValueError, TypeError) as exc:
                raise SchemaEnforcementError(
                    f"Incompatible input types for column {column}. Can not safely convert "
                    f"{actual} to datetime: {exc}"
                ) from None
    else:
        target = _numpy_dtype(expected)
        if isinstance(actual, np.dtype) and _is_safe_numeric_cast(actual, target, values):
            return _UniformCast(target)
        if kind == "O" and expected == DataType.double:
            import decimal

            column_values = values.get()
            if len(column_values) and all(isinstance(v, decimal.Decimal) for v in column_values):
                return column_values.astype(target)
    message = (
        f"Incompatible input types for column {column}. Can not safely convert {actual} "
        f"to {_numpy_dtype(expected)}."
    )
    if kind == "f" and expected in (DataType.integer, DataType.long) and values.get().isna().any():
        message += (
            "\n\nHint: the type mismatch is likely caused by missing values. Integer columns "
            "in python can not represent missing values and are therefore encoded as floats. "
            "Declare such columns as doubles (float64) in the signature."
        )
    raise SchemaEnforcementError(message)


class _LazyColumn:
    """One column of a frame, read only if a rule needs its values."""

    def __init__(self, df: Any, position: int) -> None:
        self._df = df
        self._position = position

    def get(self) -> Any:
        """The column as a Series."""
        return self._df.iloc[:, self._position]


def _is_safe_numeric_cast(actual: Any, target: Any, values: _LazyColumn) -> bool:
    a, t = actual.kind, target.kind
    if a == t and a in "if":
        return bool(actual.itemsize < target.itemsize)
    if a == "u" and t == "i":
        return bool(actual.itemsize < target.itemsize)
    if a in "iu" and t == "f":
        if actual.itemsize <= 4 and target.itemsize == 8:
            return True
        if actual.itemsize <= 2 and target.itemsize == 4:
            return True
        # int64 columns holding only 0/1 (e.g. one-hot) may become floats.
        return bool(values.get().isin([0, 1]).all())
    return False


def _check_nested_column(values: Any, expected: ColumnType, column: Any, required: bool) -> None:
    """Element-wise validation of Array/Object/Map/Any columns."""
    if isinstance(expected, AnyType):
        return
    for value in values:
        if value is None and not required:
            continue
        problem = nested_problem(value, expected)
        if problem:
            raise SchemaEnforcementError(
                f"Failed to enforce schema of data in column {column}: {problem}"
            )


def nested_problem(value: Any, expected: ColumnType) -> str | None:
    """Why ``value`` does not fit an array/object/map/any type, or None when it does."""
    import numpy as np

    if isinstance(expected, AnyType):
        return None
    if isinstance(expected, DataType):
        return None if _scalar_matches(value, expected) else f"{value!r} is not {expected.name}"
    if isinstance(expected, Array):
        if not isinstance(value, (list, tuple, np.ndarray)):
            return f"expected a list, got {type(value).__name__}"
        for item in value:
            problem = nested_problem(item, expected.dtype)
            if problem:
                return problem
        return None
    if isinstance(expected, Map):
        if not isinstance(value, dict) or any(not isinstance(k, str) for k in value):
            return f"expected a dict with string keys, got {value!r}"
        for item in value.values():
            problem = nested_problem(item, expected.value_type)
            if problem:
                return problem
        return None
    if isinstance(expected, Object):
        if not isinstance(value, dict):
            return f"expected a dict, got {type(value).__name__}"
        known = {p.name for p in expected.properties}
        unknown = [k for k in value if k not in known]
        if unknown:
            return f"unexpected properties {unknown}"
        for prop in expected.properties:
            if prop.name not in value:
                if prop.required:
                    return f"missing required property '{prop.name}'"
                continue
            problem = nested_problem(value[prop.name], prop.dtype)
            if problem:
                return f"property '{prop.name}': {problem}"
        return None
    return None


def _scalar_matches(value: Any, expected: DataType) -> bool:
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    python_type = expected.to_python()
    if expected in (DataType.integer, DataType.long):
        return isinstance(value, int) and not isinstance(value, bool)
    if expected in (DataType.float, DataType.double):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, python_type)


def _enforce_tensors(data: Any, schema: Schema) -> Any:
    import numpy as np

    specs: list[TensorSpec] = schema.inputs  # type: ignore[assignment]
    if not schema.has_input_names():
        spec = specs[0]
        if is_dataframe(data):
            if len(data.columns) == 1 and len(spec.shape) == 1:
                data = data.iloc[:, 0].to_numpy()
            else:
                data = data.to_numpy()
        elif isinstance(data, dict) and len(data) == 1:
            data = next(iter(data.values()))
        return _check_tensor(np.asarray(data), spec)
    if is_dataframe(data):
        data = {c: data[c].to_numpy() for c in data.columns}
    if isinstance(data, np.ndarray) and len(specs) == 1:
        data = {specs[0].name: data}
    if not isinstance(data, dict):
        raise SchemaEnforcementError(
            f"Expected a dict of arrays for a named tensor signature, got {type(data).__name__}"
        )
    missing = [s.name for s in specs if s.name not in data]
    if missing:
        raise SchemaEnforcementError(f"Model is missing inputs {missing}.")
    return {s.name: _check_tensor(np.asarray(data[s.name]), s) for s in specs}


def _check_tensor(array: Any, spec: TensorSpec) -> Any:
    label = f"tensor '{spec.name}'" if spec.name else "tensor input"
    if array.dtype != spec.type:
        if array.dtype.kind == spec.type.kind and array.dtype.kind in "US":
            pass
        else:
            raise SchemaEnforcementError(
                f"dtype of input {array.dtype} does not match expected dtype {spec.type} "
                f"for {label}"
            )
    shape = spec.shape
    if len(array.shape) != len(shape) or any(
        e not in (-1, a) for a, e in zip(array.shape, shape, strict=True)
    ):
        raise SchemaEnforcementError(
            f"Shape of input {array.shape} does not match expected shape {shape} for {label}"
        )
    return array
