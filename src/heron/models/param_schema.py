"""The params half of a model signature: ``ParamSpec`` and ``ParamSchema`` (spec 13.6).

``heron.models.schema`` re-exports both names and this module uses its types, so it imports
that module only inside methods: either module can then be imported first.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from heron.exceptions import InvalidParameter

if TYPE_CHECKING:
    from heron.models.schema import DataType, Object


class ParamSpec:
    """An inference parameter: name, type, default, and shape (None scalar, (-1,) list)."""

    def __init__(
        self,
        name: str,
        dtype: DataType | Object | str,
        default: Any,
        shape: tuple[int, ...] | list[int] | None = None,
    ) -> None:
        self.name = name
        from heron.models.schema import DataType, Object, _as_type

        resolved = _as_type(dtype)
        if not isinstance(resolved, (DataType, Object)):
            raise InvalidParameter(f"Unsupported type for parameter '{name}': {resolved!r}")
        self.dtype: DataType | Object = resolved
        self.shape = tuple(shape) if shape is not None else None
        if self.shape not in (None, (-1,)):
            raise InvalidParameter(
                f"Shape of parameter '{name}' must be None or (-1,), got {shape}"
            )
        from heron.models.params import validate_param

        self.default = (
            None if default is None else validate_param(name, default, self.dtype, self.shape)
        )

    @property
    def type(self) -> DataType | Object:
        """Alias of ``dtype``."""
        return self.dtype

    def to_dict(self) -> dict[str, Any]:
        """MLflow's JSON form: ``{"name", "default", "shape", "type"}``."""
        default = self.default
        from heron.models.schema import DataType, _type_dict

        if self.dtype == DataType.datetime and default is not None:
            default = [v.isoformat() for v in default] if self.shape else default.isoformat()
        result: dict[str, Any] = {
            "name": self.name,
            "default": default,
            "shape": list(self.shape) if self.shape is not None else None,
        }
        result.update(_type_dict(self.dtype))
        return result

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> ParamSpec:
        """Read the JSON form (``dtype`` accepted as an alias of ``type``)."""
        if (
            "name" not in kwargs
            or "default" not in kwargs
            or not ({"type", "dtype"} & kwargs.keys())
        ):
            raise InvalidParameter(
                "Missing keys in ParamSpec JSON. Expected to find keys `name`, `type`(or `dtype`) "
                f"and `default`. Received keys: {list(kwargs)}"
            )
        kind = kwargs.get("type", kwargs.get("dtype"))
        from heron.models.schema import _as_type, type_from_dict

        dtype = type_from_dict(kwargs) if kind == "object" else _as_type(str(kind))
        return cls(kwargs["name"], dtype, kwargs["default"], kwargs.get("shape"))  # type: ignore[arg-type]

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParamSpec) and (
            self.name,
            self.dtype,
            self.default,
            self.shape,
        ) == (
            other.name,
            other.dtype,
            other.default,
            other.shape,
        )

    def __repr__(self) -> str:
        shape = "" if self.shape is None else f" (shape: {self.shape})"
        return f"{self.name!r}: {self.dtype!r} (default: {self.default}){shape}"


class ParamSchema:
    """The inference parameters of a model."""

    def __init__(self, params: list[ParamSpec]) -> None:
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise InvalidParameter(f"Duplicated parameters found in schema: {names}")
        self.params = list(params)

    def to_dict(self) -> list[dict[str, Any]]:
        """A JSON-able list of the param specs."""
        return [p.to_dict() for p in self.params]

    def to_json(self) -> str:
        """MLflow's JSON string."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, json_str: str) -> ParamSchema:
        """Read a JSON string written by MLflow or :meth:`to_json`."""
        return cls([ParamSpec.from_json_dict(**x) for x in json.loads(json_str)])

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParamSchema) and self.params == other.params

    def __repr__(self) -> str:
        return repr(self.params)
