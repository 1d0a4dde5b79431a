"""JSON-decoded DataFrames (``dataframe_split`` / ``dataframe_records``) and CSV bodies,
cast to the model's input schema the way MLflow's scoring server casts them.
"""

from __future__ import annotations

import base64
from typing import Any

from heron.exceptions import BadRequest
from heron.models.schema import AnyType, Array, DataType, Map, Object, Schema


def invalid_input(message: str) -> BadRequest:
    """MLflow's ``Invalid input. ...`` error (400 BAD_REQUEST)."""
    return BadRequest(f"Invalid input. {message}")


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "dictionary"
    if isinstance(value, list):
        return "list"
    return f"type {type(value)}"


def dataframe_from_json(value: Any, orient: str, schema: Schema | None) -> Any:
    """A DataFrame from a decoded ``split`` (dict) or ``records`` (list) value.

    Raises:
        BadRequest: The value does not have the orient's shape.
    """
    import pandas as pd

    if orient == "records":
        if not isinstance(value, list):
            raise invalid_input(
                f"Dataframe records format must be a list of records. Got {_kind(value)}."
            )
        try:
            frame = pd.DataFrame(data=value)
        except Exception as error:
            raise invalid_input(
                "Provided dataframe_records field is not a valid dataframe representation in "
                f"'records' format. Error: '{error}'"
            ) from None
    else:
        if not isinstance(value, dict):
            raise invalid_input(f"Dataframe split format must be a dictionary. Got {_kind(value)}.")
        keys = set(value)
        if "data" not in keys or keys - {"columns", "data", "index"}:
            raise invalid_input(
                "Dataframe split format must have 'data' field and optionally 'columns' "
                f"and 'index' fields. Got {keys}.'"
            )
        fast = _all_floats_frame(value, schema)
        if fast is not None:
            return fast
        try:
            frame = pd.DataFrame(
                data=value["data"], columns=value.get("columns"), index=value.get("index")
            )
        except Exception as error:
            raise invalid_input(
                "Provided dataframe_split field is not a valid dataframe representation in "
                f"'split' format. Error: '{error}'"
            ) from None
    return cast_frame(frame, schema) if schema is not None else frame


def _all_floats_frame(value: dict[str, Any], schema: Schema | None) -> Any:
    """The frame in one numpy conversion when the schema makes every column float64 anyway
    (what casting the column-by-column frame would give); None to take the general path."""
    import numpy as np
    import pandas as pd

    columns = value.get("columns")
    if schema is None or not schema.has_input_names() or not isinstance(columns, list):
        return None
    if columns != schema.input_names() or any(t != DataType.double for t in schema.input_types()):
        return None
    try:
        array = np.asarray(value["data"], dtype=np.float64)
        if array.ndim != 2 or array.shape[1] != len(columns):
            return None
        return pd.DataFrame(array, columns=columns, index=value.get("index"), copy=False)
    except (TypeError, ValueError):
        return None  # strings, ragged rows...: the general path says what is wrong


def _pairs(frame: Any, schema: Schema) -> list[tuple[Any, Any]]:
    types = schema.input_types()
    if schema.has_input_names():
        return list(zip(schema.input_names(), types, strict=True))
    if schema.is_tensor_spec() and len(types) == 1:
        return [(column, types[0]) for column in frame.columns]
    count = min(len(types), len(frame.columns))
    return list(zip(list(frame.columns[:count]), types[:count], strict=True))


def cast_frame(frame: Any, schema: Schema) -> Any:
    """Cast the frame's columns to the schema's types (binary columns base64-decoded).

    Raises:
        BadRequest: A column cannot be converted (names it, the type and the reason).
    """
    current = dict(zip(frame.columns, frame.dtypes, strict=True))
    for column, spec in _pairs(frame, schema):
        if column not in current:
            continue
        target = spec.to_pandas() if isinstance(spec, DataType) else spec
        plain = spec not in (DataType.binary, DataType.datetime, DataType.string)
        if isinstance(spec, DataType) and plain and current[column] == target:
            continue  # already the right type: no Series is built
        try:
            converted = _cast_column(frame[column], spec, target, schema)
        except BadRequest:
            raise
        except Exception as error:
            raise invalid_input(
                "Data is not compatible with model signature. Failed to convert column "
                f"{column} to type '{target}'. Error: '{error!r}'"
            ) from None
        if converted is not None:
            frame[column] = converted
    return frame


def _cast_column(values: Any, spec: Any, target: Any, schema: Schema) -> Any:
    """The converted column, or None to keep it as it is."""
    import numpy as np
    import pandas as pd

    if spec == DataType.binary:
        return values.map(lambda item: base64.decodebytes(bytes(item, "utf8")))
    if isinstance(target, np.dtype) and target == np.dtype(bytes):
        return values.map(lambda item: bytes(item, "utf8"))
    if schema.is_tensor_spec() and len(values) and isinstance(values.iloc[0], list):
        return None  # multidimensional cells: enforcement reshapes them
    if isinstance(spec, (Array, Object, Map, AnyType)):
        return None  # validated element by element by schema enforcement
    if spec == DataType.datetime:
        parsed = pd.to_datetime(values)
        if getattr(parsed.dt, "unit", "ns") != "ns":
            parsed = parsed.dt.as_unit("ns")
        return parsed
    is_text = target is object or (isinstance(target, np.dtype) and target.kind == "U")
    if is_text and isinstance(values.dtype, pd.StringDtype):
        return None
    if values.dtype == target:
        return None
    return values.astype(target)


def dataframe_from_csv(text: Any, schema: Schema | None) -> Any:
    """A DataFrame from CSV text (a string or a text stream), typed by the schema's names.

    Raises:
        BadRequest: The CSV does not parse.
    """
    import pandas as pd

    try:
        if schema is None or not schema.has_input_names() or schema.is_tensor_spec():
            return pd.read_csv(text)
        dtypes = {
            name: spec.to_pandas()
            for name, spec in zip(schema.input_names(), schema.input_types(), strict=True)
            if isinstance(spec, DataType)
        }
        return pd.read_csv(text, dtype=dtypes)
    except Exception as error:
        raise BadRequest(
            "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid "
            "CSV-formatted Pandas DataFrame produced using the `pandas.DataFrame.to_csv()` "
            f"method. Error: '{error}'"
        ) from None
