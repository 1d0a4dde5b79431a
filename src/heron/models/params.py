"""Inference params enforcement: values checked and converted against the signature's params.

The rules are MLflow's (spec 13.8): without a params schema, given params are ignored with a
warning; unknown params are ignored; missing ones take their defaults; ints widen to longs
and floats, anything parseable becomes a datetime; list params need shape ``(-1,)``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from heron.exceptions import InvalidParameter
from heron.models.enforcement import SchemaEnforcementError, nested_problem
from heron.models.schema import DataType, Object, ParamSchema


def enforce_params(
    params: dict[str, Any] | None, schema: ParamSchema | None
) -> dict[str, Any] | None:
    """Validate inference params against the signature's params, filling defaults.

    Without a params schema, given params are ignored with a warning (returns None).
    """
    if schema is None:
        if params:
            warnings.warn(
                "`params` can only be specified at inference time if the model signature "
                "defines a params schema. This model does not define a params schema. "
                "Ignoring provided params: " + str(list(params)),
                stacklevel=2,
            )
        return None
    params = dict(params or {})
    known = {p.name for p in schema.params}
    unknown = [k for k in params if k not in known]
    if unknown:
        warnings.warn(f"Unrecognized params {unknown} are ignored.", stacklevel=2)
    result: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in schema.params:
        if spec.name not in params:
            result[spec.name] = spec.default
            continue
        try:
            result[spec.name] = validate_param(spec.name, params[spec.name], spec.dtype, spec.shape)
        except InvalidParameter as exc:
            errors[spec.name] = exc.message
    if errors:
        raise SchemaEnforcementError(f"Invalid parameters found: {errors!r}")
    return result


def validate_param(
    name: str, value: Any, dtype: DataType | Object, shape: tuple[int, ...] | None
) -> Any:
    """One param value converted to its declared type; raise InvalidParameter if it cannot be."""
    import numpy as np

    if isinstance(value, np.ndarray):
        value = value.tolist()
    if shape is None:
        if isinstance(value, (list, tuple)):
            raise InvalidParameter(
                f"Value must be a scalar for type `{dtype!r}`, got list for parameter '{name}'"
            )
        return _convert_param(name, value, dtype)
    if not isinstance(value, (list, tuple)):
        raise InvalidParameter(f"Value must be a 1D array with shape (-1,) for param '{name}'")
    return [_convert_param(name, v, dtype) for v in value]


def _convert_param(name: str, value: Any, dtype: DataType | Object) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(dtype, Object):
        problem = nested_problem(value, dtype)
        if problem:
            raise InvalidParameter(f"Invalid value for param '{name}': {problem}")
        return value
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if dtype in (DataType.integer, DataType.long) and is_int:
        if dtype == DataType.integer and not -(2**31) <= value < 2**31:
            raise InvalidParameter(f"Value {value} of param '{name}' is out of int32 range")
        return value
    if dtype in (DataType.float, DataType.double) and (is_int or isinstance(value, float)):
        return float(value)
    if dtype == DataType.datetime:
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                pass
    elif isinstance(value, dtype.to_python()) and not (
        dtype != DataType.boolean and isinstance(value, bool)
    ):
        return value
    raise InvalidParameter(
        f"Failed to convert value `{value!r}` from type `{type(value).__name__}` to "
        f"`{dtype.name}` for param '{name}'"
    )
