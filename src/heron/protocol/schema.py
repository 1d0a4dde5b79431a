"""The vocabulary of the REST contract: field kinds, enums, fields and messages.

A :class:`Message` is a protobuf-like record: named, typed fields, each maybe repeated or
required. Messages describe requests, responses and the entities inside them; the request
parser, the codecs and the OpenAPI generator all read the same descriptions. Messages that
stand for an entity (``Experiment``, ``Run``, ...) are registered with :func:`define` so
fields can refer to them by name.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Kind(enum.Enum):
    """A field's wire type."""

    STRING = "string"
    INT64 = "int64"
    INT32 = "int32"
    DOUBLE = "double"
    BOOL = "bool"
    ENUM = "enum"
    MESSAGE = "message"


_FAST_TYPES: dict[Kind, type] = {
    Kind.STRING: str,
    Kind.DOUBLE: float,
    Kind.BOOL: bool,
    Kind.INT64: int,
}


@dataclass(frozen=True)
class EnumType:
    """A protobuf enum: names and their numbers. Values travel as names."""

    name: str
    values: Mapping[str, int]

    def name_of(self, value: object) -> str | None:
        """The name for a name (any case) or a number; None if it is neither."""
        if isinstance(value, str):
            upper = value.upper()
            if upper in self.values:
                return upper
            value = int(value) if value.lstrip("-").isdigit() else value
        if isinstance(value, int) and not isinstance(value, bool):
            for name, number in self.values.items():
                if number == value:
                    return name
        return None


@dataclass(frozen=True)
class Field:
    """One field of a message.

    Attributes:
        name: The proto (snake_case) name; the camelCase JSON name is accepted too.
        kind: The wire type.
        repeated: A JSON array (repeated query keys in a GET).
        required: Requests must carry a non-empty value.
        message: For MESSAGE fields, the name of the nested message (see :func:`define`).
        enum: For ENUM fields, the enum.
        aliases: Older names still accepted in requests (``run_uuid`` for ``run_id``).
        doc: One line for the OpenAPI document.
    """

    name: str
    kind: Kind
    repeated: bool = False
    required: bool = False
    message: str | None = None
    enum: EnumType | None = None
    aliases: tuple[str, ...] = ()
    doc: str = ""
    fast_type: type | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The Python type a well-formed JSON value of this field already has: decoding
        # such a value is a type check (int64s also need a range check).
        object.__setattr__(self, "fast_type", None if self.repeated else _FAST_TYPES.get(self.kind))

    @property
    def json_name(self) -> str:
        """The protobuf JSON (lowerCamelCase) spelling of the name."""
        head, *rest = self.name.split("_")
        return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class Message:
    """A named list of fields: a request, a response, or an entity."""

    name: str
    fields: tuple[Field, ...] = ()
    doc: str = ""
    by_key: Mapping[str, Field] = field(init=False, repr=False, compare=False)
    required: tuple[str, ...] = field(init=False, repr=False, compare=False)
    scalar_types: Mapping[str, type] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", tuple(f.name for f in self.fields if f.required))
        # Proto names of the scalar fields whose well-formed values need no conversion.
        scalars = {f.name: f.fast_type for f in self.fields if f.fast_type is not None}
        object.__setattr__(self, "scalar_types", scalars)
        keys: dict[str, Field] = {}
        for item in self.fields:
            keys[item.name] = item
            keys.setdefault(item.json_name, item)
            for alias in item.aliases:
                keys.setdefault(alias, item)
        object.__setattr__(self, "by_key", keys)


MESSAGES: dict[str, Message] = {}
"""Every registered entity message, by name."""


def define(name: str, *fields: Field, doc: str = "") -> Message:
    """Register an entity message so that fields can refer to it by name."""
    message = Message(name, tuple(fields), doc)
    MESSAGES[name] = message
    return message


def message_named(name: str) -> Message:
    """A registered message."""
    return MESSAGES[name]


def string(name: str, *, required: bool = False, repeated: bool = False, **kw: Any) -> Field:
    """A string field."""
    return Field(name, Kind.STRING, repeated=repeated, required=required, **kw)


def int64(name: str, *, required: bool = False, repeated: bool = False, **kw: Any) -> Field:
    """A 64-bit integer field (a JSON number; numeric strings accepted)."""
    return Field(name, Kind.INT64, repeated=repeated, required=required, **kw)


def int32(name: str, *, required: bool = False, **kw: Any) -> Field:
    """A 32-bit integer field."""
    return Field(name, Kind.INT32, required=required, **kw)


def double(name: str, *, required: bool = False, repeated: bool = False, **kw: Any) -> Field:
    """A double field (``"NaN"``, ``"Infinity"``, ``"-Infinity"`` for the specials)."""
    return Field(name, Kind.DOUBLE, repeated=repeated, required=required, **kw)


def boolean(name: str, *, required: bool = False, **kw: Any) -> Field:
    """A boolean field (``true``/``false``)."""
    return Field(name, Kind.BOOL, required=required, **kw)


def enumeration(name: str, enum: EnumType, *, required: bool = False, **kw: Any) -> Field:
    """An enum field: the value's name (or its number in requests)."""
    return Field(name, Kind.ENUM, required=required, enum=enum, **kw)


def nested(
    name: str, message: str, *, repeated: bool = False, required: bool = False, **kw: Any
) -> Field:
    """A field holding another message (by its registered name), or a list of them."""
    return Field(name, Kind.MESSAGE, repeated=repeated, required=required, message=message, **kw)
