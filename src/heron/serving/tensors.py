"""TF-serving style inputs: ``instances`` (rows) and ``inputs`` (columns or one value),
converted to numpy arrays per the model's schema as MLflow's scoring server converts them.
"""

from __future__ import annotations

from typing import Any

from heron.exceptions import BadRequest, HeronError
from heron.models.enforcement import nested_problem
from heron.models.schema import AnyType, Array, ColSpec, DataType, Map, Object, Schema, TensorSpec
from heron.serving.frames import invalid_input


def parse_tf_serving(payload: dict[str, Any], schema: Schema | None) -> Any:
    """The model input of ``{"instances": ...}`` or ``{"inputs": ...}``.

    Raises:
        BadRequest: Other keys, both keys, or values that do not convert.
    """
    if "signature_name" in payload:
        raise invalid_input('"signature_name" parameter is currently not supported')
    keys = list(payload)
    if keys not in (["instances"], ["inputs"]):
        raise invalid_input(
            'One of "instances" and "inputs" must be specified (not both or any other keys).'
            f"Received: {keys}"
        )
    try:
        if "instances" in payload:
            return _parse_instances(payload["instances"], schema)
        return cast_to_schema(payload["inputs"], schema)
    except HeronError:
        raise
    except Exception as error:
        raise invalid_input(
            f"Ensure that the input is a valid JSON-formatted string.\nError: {error!r}"
        ) from None


def _specs_by_name(schema: Schema | None) -> dict[Any, Any]:
    if schema is None or not schema.has_input_names():
        return {}
    return {spec.name: spec for spec in schema.inputs}


def convert_value(data: Any, spec: ColSpec | TensorSpec | None) -> Any:
    """One input value as a numpy array (or the validated object) for ``spec``.

    Raises:
        BadRequest: The value does not convert.
    """
    import numpy as np

    try:
        if spec is None:
            return np.array(data)
        if isinstance(spec, TensorSpec):
            return np.array(data, dtype=spec.type)
        kind = spec.type
        if isinstance(kind, DataType):
            if isinstance(data, (list, np.ndarray)):
                return np.array(data, kind.to_numpy())
            return np.array([data], kind.to_numpy())[0]
        if isinstance(kind, (Array, Object, Map)):
            problem = nested_problem(data, kind)
            if problem is not None:
                raise invalid_input(f"Failed to enforce schema of data '{data}': {problem}")
            return np.array(data) if isinstance(kind, Array) else data
        if isinstance(kind, AnyType):
            return data
    except BadRequest:
        raise
    except HeronError as error:
        raise invalid_input(error.message) from None
    except Exception as error:
        raise invalid_input(f"{error}") from None
    raise invalid_input(f"Failed to convert data type for data `{data}` with spec `{spec}`.")


def cast_to_schema(data: Any, schema: Schema | None) -> Any:
    """The ``inputs`` value converted per the schema (a dict of arrays, an array, a value).

    Raises:
        BadRequest: The value does not fit the schema.
    """
    import numpy as np

    specs = _specs_by_name(schema)
    if schema is not None:
        if (
            len(specs) == 1
            and isinstance(data, list)
            and not any(isinstance(x, dict) for x in data)
        ):
            data = {next(iter(specs)): data}  # one named column given as a plain list
        elif not schema.has_input_names() and not (isinstance(data, list) or np.isscalar(data)):
            raise invalid_input(
                "Failed to parse input data. This model contains an un-named  model signature "
                "which expects a single n-dimensional array or a single value as input, "
                f"however, an input of type {type(data)} was found."
            )
    first = schema.inputs[0] if schema is not None else None
    if isinstance(data, dict):
        return {name: convert_value(value, specs.get(name)) for name, value in data.items()}
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        return [
            {name: convert_value(value, specs.get(name)) for name, value in row.items()}
            for row in data
        ]
    if isinstance(data, list):
        return convert_value(data, first)
    try:
        return convert_value(data, first)
    except BadRequest:
        raise invalid_input(
            f"Failed to convert data `{data}` to type `{first}` defined in the model signature."
        ) from None


def _parse_instances(rows: Any, schema: Schema | None) -> Any:
    import numpy as np

    if isinstance(rows, list) and rows and isinstance(rows[0], dict):
        specs = _specs_by_name(schema)
        columns: dict[Any, list[Any]] = {}
        for row in rows:
            if not isinstance(row, dict):
                raise invalid_input("Every instance must be a JSON object when the first one is")
            for name, value in row.items():
                columns.setdefault(name, []).append(convert_value(value, specs.get(name)))
        data: Any = {name: np.array(values) for name, values in columns.items()}
    else:
        data = cast_to_schema(rows, schema)
    if isinstance(data, dict):
        _check_lengths(data, schema)
    return data


def _check_lengths(data: dict[Any, Any], schema: Schema | None) -> None:
    import numpy as np

    sized = {name: value for name, value in data.items() if isinstance(value, (list, np.ndarray))}
    if schema is not None and schema.has_input_names():
        required = set(schema.required_input_names())
        scalar = {spec.name for spec in schema.inputs if not isinstance(spec.type, Array)}
        names = [name for name in sized if name in required and name in scalar]
    else:
        names = list(sized)
    if names and any(len(sized[name]) != len(sized[names[0]]) for name in names[1:]):
        raise invalid_input("The length of values for each input/column name are not the same")
