"""Schema types of a model signature, with MLflow's JSON encoding (spec 13.6).

``DataType``, ``ColSpec``, ``TensorSpec``, ``Schema``, ``ParamSpec``, ``ParamSchema`` and the
nested ``Array``/``Object``/``Property``/``Map``/``AnyType`` serialize exactly as
``mlflow.types.schema`` does, so a signature written by one is read by the other. numpy is
imported only when a tensor dtype or numpy conversion is needed.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import TYPE_CHECKING, Any, Union

from heron.exceptions import InvalidParameter

if TYPE_CHECKING:
    import numpy as np


class DataType(Enum):
    """Scalar column types (MLflow's names and numbering)."""

    boolean = 1
    integer = 2
    long = 3
    float = 4
    double = 5
    string = 6
    binary = 7
    datetime = 8

    def __repr__(self) -> str:
        return self.name

    def to_numpy(self) -> np.dtype[Any]:
        """The numpy dtype MLflow uses for this type."""
        import numpy as np

        return np.dtype(_NUMPY_NAMES[self.name])

    def to_pandas(self) -> Any:
        """The pandas dtype MLflow uses (``object`` for string and binary)."""
        if self in (DataType.string, DataType.binary):
            return object
        return self.to_numpy()

    def to_python(self) -> type:
        """The Python type of one value of this type."""
        return _PYTHON_TYPES[self.name]


_NUMPY_NAMES = {
    "boolean": "bool",
    "integer": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
    "string": "str",
    "binary": "bytes",
    "datetime": "datetime64[ns]",
}
_PYTHON_TYPES: dict[str, type] = {
    "boolean": bool,
    "integer": int,
    "long": int,
    "float": float,
    "double": float,
    "string": str,
    "binary": bytes,
    "datetime": dt.date,
}


class Array:
    """A list whose items all have one type."""

    def __init__(self, dtype: AnyDataType) -> None:
        self.dtype = _as_type(dtype)

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON form."""
        return {"type": "array", "items": _type_dict(self.dtype)}

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Array) and self.dtype == other.dtype

    def __repr__(self) -> str:
        return f"Array({self.dtype!r})"


class Property:
    """One named, typed property of an :class:`Object`."""

    def __init__(self, name: str, dtype: AnyDataType, required: bool = True) -> None:
        self.name = name
        self.dtype = _as_type(dtype)
        self.required = required

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON form: ``{name: {type..., "required": bool}}``."""
        d = _type_dict(self.dtype)
        d["required"] = self.required
        return {self.name: d}

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Property) and (self.name, self.dtype, self.required) == (
            other.name,
            other.dtype,
            other.required,
        )

    def __repr__(self) -> str:
        return f"{self.name!r}: {self.dtype!r}" + ("" if self.required else " (optional)")


class Object:
    """A dictionary with known, typed properties."""

    def __init__(self, properties: list[Property]) -> None:
        self.properties = sorted(properties, key=lambda p: p.name)

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON form."""
        props = {k: v for p in self.properties for k, v in p.to_dict().items()}
        return {"type": "object", "properties": props}

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Object) and self.properties == other.properties

    def __repr__(self) -> str:
        return f"Object({self.properties!r})"


class Map:
    """A dictionary from string keys to values of one type."""

    def __init__(self, value_type: AnyDataType) -> None:
        self.value_type = _as_type(value_type)

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON form."""
        return {"type": "map", "values": _type_dict(self.value_type)}

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Map) and self.value_type == other.value_type

    def __repr__(self) -> str:
        return f"Map(str -> {self.value_type!r})"


class AnyType:
    """Any JSON-compatible value."""

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON form."""
        return {"type": "any"}

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnyType)

    def __repr__(self) -> str:
        return "Any"


AnyDataType = Union[DataType, Array, Object, Map, AnyType, str]  # noqa: UP007
ColumnType = Union[DataType, Array, Object, Map, AnyType]  # noqa: UP007


def _as_type(dtype: AnyDataType) -> ColumnType:
    if isinstance(dtype, str):
        try:
            return DataType[dtype]
        except KeyError:
            raise InvalidParameter(
                f"Unsupported type '{dtype}', expected one of {[t.name for t in DataType]}"
            ) from None
    return dtype


def _type_dict(dtype: ColumnType) -> dict[str, Any]:
    return {"type": dtype.name} if isinstance(dtype, DataType) else dtype.to_dict()


def type_from_dict(d: dict[str, Any]) -> ColumnType:
    """Read a type spec (``{"type": ...}`` plus ``items``/``properties``/``values``)."""
    kind = d.get("type")
    if kind == "array":
        return Array(type_from_dict(d["items"]))
    if kind == "object":
        props = [
            Property(name, type_from_dict(spec), bool(spec.get("required", True)))
            for name, spec in d["properties"].items()
        ]
        return Object(props)
    if kind == "map":
        return Map(type_from_dict(d["values"]))
    if kind == "any":
        return AnyType()
    if not isinstance(kind, str):
        raise InvalidParameter(f"Type spec without a 'type': {d!r}")
    return _as_type(kind)


class ColSpec:
    """A column: a type, an optional name, and whether it is required."""

    def __init__(self, type: AnyDataType, name: str | None = None, required: bool = True) -> None:
        self.type = _as_type(type)
        self.name = name
        self.required = required

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON form: ``{"type", "name" (if named), "required"}``."""
        d = _type_dict(self.type)
        if self.name is not None:
            d["name"] = self.name
        d["required"] = self.required
        return d

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> ColSpec:
        """Read the JSON form."""
        return cls(type_from_dict(kwargs), kwargs.get("name"), bool(kwargs.get("required", True)))

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ColSpec) and (self.name, self.type, self.required) == (
            other.name,
            other.type,
            other.required,
        )

    def __repr__(self) -> str:
        req = "required" if self.required else "optional"
        return (
            f"{self.type!r} ({req})"
            if self.name is None
            else f"{self.name!r}: {self.type!r} ({req})"
        )


class TensorSpec:
    """A tensor: a numpy dtype, a shape (-1 = any size) and an optional name."""

    def __init__(self, type: Any, shape: tuple[int, ...] | list[int], name: str | None = None):
        import numpy as np

        self.type: np.dtype[Any] = np.dtype(type)
        if self.type.kind == "O":
            raise InvalidParameter("TensorSpec does not support the numpy object dtype")
        self.shape = tuple(int(d) for d in shape)
        self.name = name

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON form."""
        spec = {"dtype": self.type.name, "shape": list(self.shape)}
        if self.name is None:
            return {"type": "tensor", "tensor-spec": spec}
        return {"name": self.name, "type": "tensor", "tensor-spec": spec}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> TensorSpec:
        """Read the JSON form."""
        spec = kwargs.get("tensor-spec")
        if kwargs.get("type") != "tensor" or not isinstance(spec, dict):
            raise InvalidParameter(f"Not a TensorSpec: {kwargs!r}")
        return cls(spec["dtype"], spec["shape"], kwargs.get("name"))

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TensorSpec) and (self.name, self.type, self.shape) == (
            other.name,
            other.type,
            other.shape,
        )

    def __repr__(self) -> str:
        info = f"Tensor({self.type.name!r}, {self.shape!r})"
        return info if self.name is None else f"{self.name!r}: {info}"


class Schema:
    """An ordered list of all-ColSpec or all-TensorSpec inputs (or outputs)."""

    def __init__(self, inputs: list[ColSpec] | list[TensorSpec]) -> None:
        specs: list[ColSpec | TensorSpec] = list(inputs)
        if not specs:
            raise InvalidParameter("Creating Schema with empty inputs is not supported.")
        if not (
            all(isinstance(x, ColSpec) for x in specs)
            or all(isinstance(x, TensorSpec) for x in specs)
        ):
            raise InvalidParameter("Schema inputs must be all ColSpecs or all TensorSpecs.")
        named = [x.name is not None for x in specs]
        if any(named) and not all(named):
            raise InvalidParameter(
                "Creating Schema with a mix of named and unnamed inputs is not supported."
            )
        self.inputs = specs

    def is_tensor_spec(self) -> bool:
        """Whether the schema holds TensorSpecs."""
        return isinstance(self.inputs[0], TensorSpec)

    def has_input_names(self) -> bool:
        """Whether the inputs are named."""
        return self.inputs[0].name is not None

    def input_names(self) -> list[str | int]:
        """Input names, or positions when unnamed."""
        return [x.name if x.name is not None else i for i, x in enumerate(self.inputs)]

    def required_input_names(self) -> list[str | int]:
        """Names (or positions) of the required inputs."""
        return [
            x.name if x.name is not None else i
            for i, x in enumerate(self.inputs)
            if not isinstance(x, ColSpec) or x.required
        ]

    def optional_input_names(self) -> list[str | int]:
        """Names (or positions) of the optional inputs."""
        return [
            x.name if x.name is not None else i
            for i, x in enumerate(self.inputs)
            if isinstance(x, ColSpec) and not x.required
        ]

    def input_types(self) -> list[Any]:
        """Column types (DataType etc.) or tensor numpy dtypes."""
        return [x.type for x in self.inputs]

    def input_types_dict(self) -> dict[str, Any]:
        """Name -> type for named inputs."""
        return {str(x.name): x.type for x in self.inputs}

    def numpy_types(self) -> list[np.dtype[Any]]:
        """numpy dtypes of the inputs (ColSpec scalar types or tensor dtypes)."""
        return [
            x.type if isinstance(x, TensorSpec) else x.type.to_numpy()  # type: ignore[union-attr]
            for x in self.inputs
        ]

    def to_dict(self) -> list[dict[str, Any]]:
        """A JSON-able list of the input specs."""
        return [x.to_dict() for x in self.inputs]

    def to_json(self) -> str:
        """MLflow's JSON string (``json.dumps`` default separators)."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, json_str: str) -> Schema:
        """Read a JSON string written by MLflow or :meth:`to_json`."""
        items = json.loads(json_str)
        specs = [
            TensorSpec.from_json_dict(**x) if x["type"] == "tensor" else ColSpec.from_json_dict(**x)
            for x in items
        ]
        return cls(specs)  # type: ignore[arg-type]

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self.inputs == other.inputs

    def __repr__(self) -> str:
        return repr(self.inputs)


# The params half of a signature lives in its own module (which imports this one only inside
# its methods); re-exported so that this module, like ``mlflow.types.schema``, offers every
# schema type.
from heron.models.param_schema import ParamSchema as ParamSchema  # noqa: E402, PLC0414
from heron.models.param_schema import ParamSpec as ParamSpec  # noqa: E402, PLC0414
