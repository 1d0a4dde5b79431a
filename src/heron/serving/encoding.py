"""Predictions to JSON bytes, as MLflow's scoring server encodes them.

DataFrames become records, Series a one-column DataFrame's records, arrays nested lists,
numpy scalars Python numbers, bytes MIME base64, dates ISO text. orjson writes the common
cases directly; results holding NaN or infinity go through the standard library so they
read back exactly as MLflow writes them (``NaN``, ``Infinity``).
"""

from __future__ import annotations

import base64
import datetime
import json
import math
from typing import Any

import orjson

# numpy values go through _convert (float32 widened as tolist() widens it, like MLflow).
_OPTIONS = orjson.OPT_NON_STR_KEYS


def jsonable(value: Any) -> Any:
    """``value`` with DataFrames, Series and arrays replaced by lists and records."""
    import sys

    if "numpy" in sys.modules:
        import numpy as np

        if isinstance(value, np.ndarray):
            return _convert(value)
    if "pandas" in sys.modules:
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return value.to_dict(orient="records")
        if isinstance(value, pd.Series):
            return pd.DataFrame(value).to_dict(orient="records")
    return value


def _convert(value: Any) -> Any:
    """A value the standard library can write (MLflow's NumpyEncoder conversions)."""
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind == "S":
            return [_convert_item(item) for item in value.tolist()]
        return value.tolist()
    if isinstance(value, np.datetime64):
        return np.datetime_as_string(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (bytes, bytearray)):
        return base64.encodebytes(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _convert_item(item: Any) -> Any:
    try:
        return _convert(item)
    except TypeError:
        return item  # already a JSON value (str, int, list, ...)


def _has_non_finite(value: Any) -> bool:
    if hasattr(value, "dtype") and hasattr(value, "tolist"):
        value = value.tolist()  # a numpy array or scalar nested in the result
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_non_finite(item) for item in value)
    return False


def dumps(value: Any) -> bytes:
    """JSON bytes of an already :func:`jsonable` value."""
    try:
        text = orjson.dumps(value, default=_convert, option=_OPTIONS)
    except TypeError:
        return json.dumps(value, default=_convert).encode()
    if b"null" in text and _has_non_finite(value):
        return json.dumps(value, default=_convert).encode()
    return text


def predictions_body(predictions: Any, wrap: bool = True) -> bytes:
    """The ``/invocations`` answer: ``{"predictions": ...}`` (or the bare value if not ``wrap``)."""
    result = jsonable(predictions)
    return dumps({"predictions": result} if wrap else result)
