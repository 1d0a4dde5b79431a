"""Model signatures: ``ModelSignature`` and ``infer_signature`` (MLflow's inference rules).

Also re-exports the schema names, as ``mlflow.models.signature`` does.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import warnings
from typing import Any

from heron.exceptions import InvalidParameter
from heron.models.schema import (
    AnyType,
    Array,
    ColSpec,
    ColumnType,
    DataType,
    Object,
    ParamSchema,
    ParamSpec,
    Property,
    Schema,
    TensorSpec,
)

__all__ = [
    "ColSpec",
    "DataType",
    "ModelSignature",
    "ParamSchema",
    "ParamSpec",
    "Schema",
    "TensorSpec",
    "infer_signature",
    "infer_signature_from_example",
]


class ModelSignature:
    """Inputs, outputs and inference params of a model."""

    def __init__(
        self,
        inputs: Schema | None = None,
        outputs: Schema | None = None,
        params: ParamSchema | None = None,
    ) -> None:
        for label, value, kind in (("inputs", inputs, Schema), ("outputs", outputs, Schema)):
            if value is not None and not isinstance(value, kind):
                raise TypeError(f"{label} must be a Schema, got {type(value).__name__}")
        if params is not None and not isinstance(params, ParamSchema):
            raise TypeError(f"params must be a ParamSchema, got {type(params).__name__}")
        if inputs is None and outputs is None:
            raise InvalidParameter("Either inputs or outputs must be defined for a signature.")
        self.inputs = inputs
        self.outputs = outputs
        self.params = params

    def to_dict(self) -> dict[str, str | None]:
        """The MLmodel form: each part a JSON string, or None."""
        return {
            "inputs": self.inputs.to_json() if self.inputs else None,
            "outputs": self.outputs.to_json() if self.outputs else None,
            "params": self.params.to_json() if self.params else None,
        }

    @classmethod
    def from_dict(cls, signature_dict: dict[str, Any]) -> ModelSignature:
        """Read the MLmodel form (written by MLflow or :meth:`to_dict`)."""
        inputs = signature_dict.get("inputs")
        outputs = signature_dict.get("outputs")
        params = signature_dict.get("params")
        return cls(
            Schema.from_json(inputs) if inputs else None,
            Schema.from_json(outputs) if outputs else None,
            ParamSchema.from_json(params) if params else None,
        )

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModelSignature) and (self.inputs, self.outputs, self.params) == (
            other.inputs,
            other.outputs,
            other.params,
        )

    def __repr__(self) -> str:
        return (
            f"inputs:\n  {self.inputs!r}\noutputs:\n  {self.outputs!r}\n"
            f"params:\n  {self.params!r}\n"
        )


def infer_signature(
    model_input: Any = None, model_output: Any = None, params: dict[str, Any] | None = None
) -> ModelSignature:
    """Infer a signature from example inputs, outputs and params, as MLflow does.

    DataFrames/Series/lists/dicts of values give ColSpecs; numpy arrays and dicts of
    arrays give TensorSpecs (first dimension variable). A part whose type cannot be
    inferred becomes ``Schema([ColSpec(AnyType())])`` with a warning.
    """
    schemas: dict[str, Schema | None] = {"inputs": None, "outputs": None}
    for key, data in (("inputs", model_input), ("outputs", model_output)):
        if data is None:
            continue
        try:
            schemas[key] = infer_schema(data)
        except Exception as exc:  # MLflow falls back to AnyType on any failure
            warnings.warn(f"Failed to infer schema for {key} ({exc}); using AnyType.", stacklevel=2)
            schemas[key] = Schema([ColSpec(AnyType())])
    param_schema = infer_param_schema(params) if params else None
    return ModelSignature(schemas["inputs"], schemas["outputs"], param_schema)


def infer_signature_from_example(example: Any, prediction: Any) -> ModelSignature:
    """The signature a flavor logs from its input example and the model's prediction on it.

    As MLflow's ``_infer_signature_from_input_example``: ``example`` may be ``(data, params)``;
    with column-based inputs a 1-D numpy prediction is one value per row, so it becomes a
    column (``[{"type": "double", "required": true}]``) rather than a tensor.
    """
    import numpy as np
    import pandas as pd

    params = None
    if isinstance(example, tuple) and len(example) == 2 and isinstance(example[1], dict):
        example, params = example
    inputs = infer_signature(example).inputs
    if (
        inputs is not None
        and not inputs.is_tensor_spec()
        and isinstance(prediction, np.ndarray)
        and prediction.ndim == 1
    ):
        prediction = pd.Series(prediction)
    outputs = infer_signature(prediction).inputs if prediction is not None else None
    return ModelSignature(inputs, outputs, infer_param_schema(params) if params else None)


def infer_schema(data: Any) -> Schema:
    """Infer a :class:`Schema` from one dataset (MLflow's ``_infer_schema``)."""
    import numpy as np
    import pandas as pd

    schema: Schema
    if isinstance(data, list) and not data:
        return Schema([ColSpec(DataType.string)])
    if isinstance(data, list) and all(isinstance(v, dict) for v in data):
        columns: dict[str, list[Any]] = {}
        for item in data:
            for k, v in item.items():
                columns.setdefault(k, []).append(v)
        schema = Schema(
            [
                ColSpec(
                    _array_item_type(values),
                    name,
                    all(item.get(name) is not None for item in data),
                )
                for name, values in columns.items()
            ]
        )
    elif isinstance(data, dict):
        if all(isinstance(v, np.ndarray) for v in data.values()):
            schema = Schema(
                [
                    TensorSpec(_clean_tensor_type(a.dtype), _tensor_shape(a), name)
                    for name, a in data.items()
                ]
            )
        else:
            if any(not isinstance(k, str) for k in data):
                raise InvalidParameter("The dictionary keys are not all strings.")
            schema = Schema(
                [ColSpec(_value_type(v), name, _is_required(v)) for name, v in data.items()]
            )
    elif isinstance(data, pd.Series):
        schema = Schema([ColSpec(pandas_column_type(data), data.name, _is_required(data))])
    elif isinstance(data, pd.DataFrame):
        schema = Schema(
            [ColSpec(pandas_column_type(data[c]), c, _is_required(data[c])) for c in data.columns]
        )
    elif isinstance(data, np.ndarray):
        schema = Schema([TensorSpec(_clean_tensor_type(data.dtype), _tensor_shape(data))])
    elif isinstance(data, list):
        schema = Schema([ColSpec(_array_item_type(data))])
    else:
        schema = Schema([ColSpec(_value_type(data))])
    if not schema.is_tensor_spec() and any(
        t in (DataType.integer, DataType.long) for t in schema.input_types()
    ):
        warnings.warn(
            "Hint: Inferred schema contains integer column(s). Integer columns in Python cannot "
            "represent missing values; if inputs may have missing values, declare them as doubles.",
            stacklevel=3,
        )
    return schema


def numpy_type_to_datatype(dtype: Any) -> DataType:
    """MLflow's numpy/pandas dtype -> DataType mapping (int64 -> long, float32 -> float ...)."""
    kind, size = dtype.kind, dtype.itemsize
    if kind == "b":
        return DataType.boolean
    if kind in "iu":
        if size < 4 or (kind == "i" and size == 4):
            return DataType.integer
        if size < 8 or (kind == "i" and size == 8):
            return DataType.long
    elif kind == "f":
        if size <= 4:
            return DataType.float
        if size <= 8:
            return DataType.double
    elif kind == "U":
        return DataType.string
    elif kind == "S":
        return DataType.binary
    elif kind == "M":
        return DataType.datetime
    elif kind == "O":
        raise InvalidParameter("Can not infer the type of numpy object dtype from the dtype alone.")
    raise InvalidParameter(f"Unsupported numpy data type '{dtype}', kind '{kind}'")


def pandas_column_type(col: Any) -> ColumnType:
    """The type of one pandas column (object columns typed from their values)."""
    if col.dtype.kind == "O":
        col = col.infer_objects()
    if col.dtype.kind == "O":
        try:
            return _array_item_type(col.to_list())
        except InvalidParameter:
            import pandas as pd

            if pd.api.types.is_string_dtype(col):
                return DataType.string
            raise
    return numpy_type_to_datatype(col.dtype)


def _is_none_or_nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _is_required(value: Any) -> bool:
    import pandas as pd

    if isinstance(value, pd.Series):
        return (
            not bool(value.isna().any())
            if value.dtype.kind != "O"
            else not any(_is_none_or_nan(x) for x in value)
        )
    if isinstance(value, list):
        return not any(_is_none_or_nan(x) for x in value)
    return not _is_none_or_nan(value)


def _array_item_type(values: Any) -> ColumnType:
    """Type of the items of a list (the Array's item type); AnyType if all are null."""
    dtype = _value_type(list(values))
    if not isinstance(dtype, Array):
        raise InvalidParameter(f"Can not infer an item type from {values!r}")
    return dtype.dtype


def _value_type(value: Any) -> ColumnType:
    """MLflow's ``_infer_datatype``: dict -> Object, list/ndarray -> Array, scalar -> DataType."""
    import numpy as np

    if _is_none_or_nan(value) or (isinstance(value, (list, dict)) and not value):
        return AnyType()
    if isinstance(value, dict):
        props = []
        for k, v in value.items():
            t = _value_type(v)
            props.append(Property(str(k), t, required=not isinstance(t, AnyType)))
        return Object(props)
    if isinstance(value, (list, np.ndarray)):
        items = [_value_type(v) for v in value if not _is_none_or_nan(v)]
        if not items:
            return Array(AnyType())
        first = items[0]
        for other in items[1:]:
            first = _merge(first, other)
        return Array(first)
    return _scalar_type(value)


def _merge(a: ColumnType, b: ColumnType) -> ColumnType:
    if a == b:
        return a
    if isinstance(a, Object) and isinstance(b, Object):
        mine = {p.name: p for p in a.properties}
        theirs = {p.name: p for p in b.properties}
        props = []
        for name in mine.keys() | theirs.keys():
            if name in mine and name in theirs:
                m, t = mine[name], theirs[name]
                props.append(Property(name, _merge(m.dtype, t.dtype), m.required and t.required))
            else:
                p = mine.get(name) or theirs[name]
                props.append(Property(name, p.dtype, required=False))
        return Object(props)
    if isinstance(a, Array) and isinstance(b, Array):
        return Array(_merge(a.dtype, b.dtype))
    if isinstance(a, AnyType):
        return b
    if isinstance(b, AnyType):
        return a
    raise InvalidParameter(f"Expected all values in list to be of same type, got {a!r} and {b!r}")


def _scalar_type(value: Any) -> DataType:
    import numpy as np

    if isinstance(value, np.generic):
        return numpy_type_to_datatype(value.dtype)
    if isinstance(value, bool):
        return DataType.boolean
    if isinstance(value, int):
        return DataType.long
    if isinstance(value, (float, decimal.Decimal)):
        return DataType.double
    if isinstance(value, str):
        return DataType.string
    if isinstance(value, (bytes, bytearray)):
        return DataType.binary
    if isinstance(value, (dt.date, dt.datetime)):
        return DataType.datetime
    raise InvalidParameter(f"Data {value!r} is not one of the supported DataType")


def _clean_tensor_type(dtype: Any) -> Any:
    import numpy as np

    if dtype.char == "U":
        return np.dtype("str")
    if dtype.char == "S":
        return np.dtype("bytes")
    return dtype


def _tensor_shape(data: Any) -> tuple[int, ...]:
    shape = list(data.shape)
    if shape:
        shape[0] = -1
    return tuple(shape)


def infer_param_schema(params: dict[str, Any]) -> ParamSchema:
    """A ParamSchema from example params: scalars give shape None, lists shape (-1,)."""
    if not isinstance(params, dict):
        raise InvalidParameter(f"Expected parameters to be dict, got {type(params).__name__}")
    specs = []
    for name, value in params.items():
        if isinstance(value, list):
            types = {_scalar_type(v) for v in value}
            if len(types) != 1:
                raise InvalidParameter(f"Failed to infer schema for parameter {name}: {value!r}")
            specs.append(ParamSpec(name, types.pop(), value, (-1,)))
        elif isinstance(value, dict):
            t = _value_type(value)
            specs.append(ParamSpec(name, t, value))  # type: ignore[arg-type]
        else:
            specs.append(ParamSpec(name, _scalar_type(value), value))
    return ParamSchema(specs)


class _TypeHints:
    """MLflow's cache of a PythonModel's ``predict`` type hints, which MLflow pickles with the
    model (``_predict_type_hints``); here so that Heron unpickles such models."""

    def __init__(self, input_: Any = None, output: Any = None) -> None:
        self.input = input_
        self.output = output
