"""Input examples: ``input_example.json`` and ``serving_input_example.json`` (spec 13.7).

``save_example`` writes both files into a model directory and returns the MLmodel's
``saved_input_example_info``; ``load_example`` reads the example back as MLflow does (a
DataFrame, numpy array, dict of arrays, or the JSON value). An example may be a tuple
``(data, params)``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from typing import Any

from heron.exceptions import InvalidParameter
from heron.models.schema import DataType, Schema

EXAMPLE_FILENAME = "input_example.json"
SERVING_INPUT_FILENAME = "serving_input_example.json"


class ExampleEncoder(json.JSONEncoder):
    """MLflow's NumpyEncoder: numpy values to Python, datetimes to ISO, bytes to base64."""

    def default(self, o: Any) -> Any:
        """Convert what ``json`` cannot encode natively."""
        import numpy as np

        if isinstance(o, np.ndarray):
            if o.dtype == object:
                return [self.default(x) if not _is_json_native(x) else x for x in o.tolist()]
            if o.dtype.kind == "S":
                return [_encode_bytes(x) for x in o.tolist()]
            return o.tolist()
        if isinstance(o, np.datetime64):
            return str(np.datetime_as_string(o))
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, (bytes, bytearray)):
            return _encode_bytes(bytes(o))
        if isinstance(o, (dt.date, dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def _is_json_native(x: Any) -> bool:
    return x is None or isinstance(x, (str, int, float, bool, list, dict))


def _encode_bytes(x: bytes) -> str:
    return base64.encodebytes(x).decode("ascii")


def example_payloads(example: Any) -> tuple[dict[str, Any], Any, Any]:
    """``(info, input_example value, serving payload)`` for an example, as MLflow builds them."""
    import numpy as np
    import pandas as pd

    params: dict[str, Any] | None = None
    if isinstance(example, tuple) and len(example) == 2 and isinstance(example[1], dict):
        example, params = example
    info: dict[str, Any] = {"artifact_path": EXAMPLE_FILENAME}
    if params:
        info["params"] = "true"
    data: Any
    serving: Any
    if isinstance(example, dict) and any(isinstance(v, np.ndarray) for v in example.values()):
        if not all(isinstance(v, np.ndarray) for v in example.values()):
            raise InvalidParameter(
                "Mixed types in dictionary are not supported as input examples. "
                "Found numpy arrays and other types."
            )
        info["type"] = "ndarray"
        data = {k: _ndarray_to_list(v) for k, v in example.items()}
        serving = {"inputs": data}
    elif isinstance(example, np.ndarray):
        info["type"] = "ndarray"
        data = _ndarray_to_list(example)
        serving = {"inputs": data}
    elif isinstance(example, pd.DataFrame):
        # null rather than MLflow's NaN, so the file is valid JSON (read back the same).
        if example.isna().to_numpy().any():
            example = example.astype(object).where(example.notnull(), None)
        data = example.to_dict(orient="split")
        del data["index"]
        if list(example.columns) == list(range(len(example.columns))):
            del data["columns"]
        info["type"] = "dataframe"
        info["pandas_orient"] = "split" if "columns" in data else "values"
        serving = {"dataframe_split": data}
    elif (
        isinstance(example, (dict, list))
        or np.isscalar(example)
        or isinstance(example, dt.datetime)
    ):
        info["type"] = "json_object"
        data = example
        serving = {"inputs": example}
    else:
        raise InvalidParameter(
            "Expected the input example to be a pandas.DataFrame, numpy.ndarray, dict of "
            f"numpy.ndarray, dict, list, scalar or datetime, but got '{type(example)}'"
        )
    if params:
        data = {"inputs": data, "params": params}
        serving = {**serving, "params": params}
    info["serving_input_path"] = SERVING_INPUT_FILENAME
    return info, data, serving


def _ndarray_to_list(array: Any) -> Any:
    import numpy as np

    if np.issubdtype(array.dtype, np.number):
        result: Any = np.where(np.isnan(array), None, array)
        return result.tolist()
    return array.tolist()


def save_example(model_dir: str | os.PathLike[str], example: Any) -> dict[str, Any]:
    """Write the example files into ``model_dir``; return ``saved_input_example_info``."""
    info, data, serving = example_payloads(example)
    with open(os.path.join(model_dir, EXAMPLE_FILENAME), "w") as f:
        f.write(json.dumps(data, cls=ExampleEncoder))
    with open(os.path.join(model_dir, SERVING_INPUT_FILENAME), "w") as f:
        f.write(json.dumps(serving, cls=ExampleEncoder, indent=2))
    return info


def load_example(
    model_dir: str | os.PathLike[str], info: dict[str, Any], schema: Schema | None = None
) -> Any:
    """Read the example saved with ``info`` (a DataFrame, ndarray, dict of arrays or JSON value).

    ``schema`` (the signature's inputs) types DataFrame columns and tensors as MLflow does.
    """
    path = os.path.join(model_dir, info.get("artifact_path", EXAMPLE_FILENAME))
    with open(path) as f:
        value = json.load(f)
    if info.get("params"):
        value = value["inputs"]
    kind = info.get("type")
    if kind == "json_object":
        return value
    if kind == "ndarray":
        return _arrays_from_json(value, schema)
    if kind == "dataframe":
        return dataframe_from_split(value, schema)
    if kind in ("sparse_matrix_csc", "sparse_matrix_csr"):
        from scipy import sparse

        matrix = sparse.csc_matrix if kind == "sparse_matrix_csc" else sparse.csr_matrix
        return matrix((value["data"], value["indices"], value["indptr"]), shape=value["shape"])
    raise InvalidParameter(
        "Malformed input example metadata. The 'type' field must be one of 'dataframe', "
        "'ndarray', 'sparse_matrix_csc', 'sparse_matrix_csr' or 'json_object'."
    )


def load_example_params(model_dir: str | os.PathLike[str], info: dict[str, Any]) -> Any:
    """The params saved with the example, or None."""
    if not info.get("params"):
        return None
    with open(os.path.join(model_dir, info.get("artifact_path", EXAMPLE_FILENAME))) as f:
        return json.load(f)["params"]


def _arrays_from_json(value: Any, schema: Schema | None) -> Any:
    import numpy as np

    dtypes: dict[Any, Any] = {}
    if schema is not None and schema.is_tensor_spec():
        dtypes = {s.name: s.type for s in schema.inputs}
    if isinstance(value, dict):
        return {k: np.array(v, dtype=dtypes.get(k)) for k, v in value.items()}
    return np.array(value, dtype=dtypes.get(None))


def dataframe_from_split(value: Any, schema: Schema | None = None) -> Any:
    """A DataFrame from split-orient JSON (``columns`` optional), typed by a column schema."""
    import pandas as pd

    if isinstance(value, dict):
        df = pd.DataFrame(data=value.get("data", []), columns=value.get("columns"))
    else:
        df = pd.DataFrame(data=value)
    if schema is None or schema.is_tensor_spec():
        return df
    present = set(df.columns)
    for position, (name, dtype) in enumerate(
        zip(schema.input_names(), schema.input_types(), strict=True)
    ):
        column = name if schema.has_input_names() else df.columns[position]
        if column not in present or not isinstance(dtype, DataType):
            continue
        if dtype == DataType.binary:
            df[column] = df[column].map(lambda x: base64.decodebytes(x.encode("ascii")))
        elif dtype != DataType.string:
            df[column] = df[column].astype(dtype.to_pandas())
    return df
