"""Messages to and from JSON, driven by their :class:`~heron.protocol.schema.Message`.

:func:`decode_message` turns a JSON object (a request body, query parameters, a response)
into ``{field name: typed value}``: scalars typed by their field, nested messages decoded
recursively and, when an entity codec is registered for them, built into entities.
:func:`encode_message` is the reverse: unset (None) fields and empty lists are omitted, as
MLflow's server omits them. Entity codecs are registered once with :func:`register_codec`
and used by the server and the REST stores alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from heron.exceptions import InvalidParameter
from heron.protocol.schema import MESSAGES, Field, Kind, Message
from heron.protocol.values import INT64_RANGE, encode_scalar, invalid, missing, parse_scalar


@dataclass(frozen=True)
class Codec:
    """How one entity message travels.

    Attributes:
        encode: entity -> JSON object (already JSON-ready: names, numbers, strings).
        decode: ``{field name: typed value}`` (nested entities already built) -> entity.
    """

    encode: Callable[[Any], dict[str, Any]]
    decode: Callable[[dict[str, Any]], Any]


CODECS: dict[str, Codec] = {}


def register_codec(
    message: str,
    encode: Callable[[Any], dict[str, Any]],
    decode: Callable[[dict[str, Any]], Any],
) -> None:
    """Make values of ``message`` fields travel as entities."""
    CODECS[message] = Codec(encode, decode)


def register_key_value(message: str, cls: Callable[[str, str], Any]) -> None:
    """Register the codec of a ``{key, value}`` entity (tags, params); a missing value
    decodes as the empty string."""
    register_codec(
        message,
        lambda entity: {"key": entity.key, "value": entity.value},
        lambda fields: cls(fields.get("key", ""), fields.get("value", "")),
    )


def decode_message(
    message: Message, data: Any, path: str = "", strict: bool = True
) -> dict[str, Any]:
    """A JSON object as ``{field name: typed value}``.

    Args:
        message: What ``data`` should hold.
        data: The parsed JSON (a dict), or query parameters as lists of strings.
        path: Where ``data`` sits in the request, for error messages (``metrics[3]``).
        strict: Check required fields (requests); responses are read leniently.

    Raises:
        InvalidParameter: a value of the wrong type, a missing required field, or one
            field spelled two ways (``run_id`` and ``runId``).
    """
    if type(data) is not dict:
        raise invalid(path or message.name, data)
    if _plain(message, data):
        out: dict[str, Any] = data  # already what decoding would make: used as it is
    else:
        out = _decode_fields(message, data, path, strict)
    if strict:
        for name in message.required:
            if out.get(name) in _EMPTY:
                raise missing(_join(path, name))
    return out


def _plain(message: Message, data: dict[str, Any]) -> bool:
    """Whether every key is a scalar field's proto name with a value of its type, so
    decoding would change nothing (the common case: well-formed metrics of a batch)."""
    types = message.scalar_types
    for key, value in data.items():
        expected = types.get(key)
        if expected is None or type(value) is not expected:
            return False
        if expected is str:
            if "\x00" in value:  # type: ignore[operator]
                return False
        elif expected is int and not _INT64_MIN <= value <= _INT64_MAX:  # type: ignore[operator]
            return False
    return True


def _decode_fields(
    message: Message, data: dict[str, Any], path: str, strict: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    by_key = message.by_key
    for key, value in data.items():
        field = by_key.get(key)
        if field is None or value is None:
            continue  # unknown fields are ignored, as MLflow's parser does
        name = field.name
        if name in out and _keep_first(field, data, key):
            continue
        if _well_typed(field, value):
            out[name] = value  # the common case: a scalar already of its field's type
        elif field.repeated:
            out[name] = _decode_list(field, value, path, strict)
        else:
            out[name] = _decode_one(field, value, path, name, strict)
    return out


_EMPTY: tuple[object, ...] = (None, "", [])
_INT64_MIN, _INT64_MAX = INT64_RANGE


def _well_typed(field: Field, value: Any) -> bool:
    fast_type = field.fast_type
    if type(value) is not fast_type:
        return False
    if fast_type is str:
        return "\x00" not in value  # type: ignore[operator]
    return fast_type is not int or _INT64_MIN <= value <= _INT64_MAX  # type: ignore[operator]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def field_values(message: Message, data: dict[str, Any]) -> dict[str, Any]:
    """The top-level values of ``data`` under their field names, as :func:`decode_message`
    reads them (``runId`` and the alias ``run_uuid`` are ``run_id``; unknown keys are
    dropped), without decoding the values: what a layer in front of the server (the auth
    gate) must check, so that it and the handler read the same values.

    Raises:
        InvalidParameter: one field spelled two canonical ways (as decoding refuses).
    """
    out: dict[str, Any] = {}
    by_key = message.by_key
    for key, value in data.items():
        field = by_key.get(key)
        if field is None or value is None:
            continue
        if field.name in out and _keep_first(field, data, key):
            continue
        out[field.name] = value
    return out


def _keep_first(field: Field, data: dict[str, Any], key: str) -> bool:
    """For a field spelled twice: True keeps the value decoded first, False this one.
    An alias (``run_uuid``) gives way to the name; both canonical spellings are refused."""
    if key in field.aliases:
        return True
    if field.name in data and field.json_name in data and field.name != field.json_name:
        raise InvalidParameter(
            f"Request specifies both '{field.name}' and '{field.json_name}'; "
            f"provide only one of them."
        )
    return False


def _decode_list(field: Field, value: Any, path: str, strict: bool) -> list[Any]:
    if type(value) is not list:
        raise invalid(_join(path, field.name), value, "Hint: Expected an array.")
    name = field.name
    if field.kind is not Kind.MESSAGE:
        if _uniform(field, value):
            return value  # a column of well-typed scalars (a metric series): as it is
        return [
            _decode_one(field, item, path, f"{name}[{i}]", strict) for i, item in enumerate(value)
        ]
    # A list of messages (a batch's metrics): lookups hoisted, paths made only for errors.
    assert field.message is not None
    message = MESSAGES[field.message]
    codec = CODECS.get(field.message)
    items: list[Any] = []
    for item in value:
        try:
            fields = decode_message(message, item, "", strict)
        except InvalidParameter:
            index = len(items)  # decode again where it failed, to name the item in the error
            decode_message(message, item, _join(path, f"{name}[{index}]"), strict)
            raise
        items.append(codec.decode(fields) if codec is not None else fields)
    return items


_ITEM_TYPES = {Kind.DOUBLE: float, Kind.INT64: int, Kind.STRING: str}


def _uniform(field: Field, items: list[Any]) -> bool:
    """Whether a list of scalars is all of its field's type (and in range, without NUL),
    checked in C loops: long columns (a metric series) skip item-by-item parsing."""
    expected = _ITEM_TYPES.get(field.kind)
    if expected is None or set(map(type, items)) != {expected}:
        return False
    if expected is int:
        return bool(min(items) >= _INT64_MIN and max(items) <= _INT64_MAX)
    if expected is float:
        return all(map(math.isfinite, items))
    return not any("\x00" in item for item in items)


def _decode_one(field: Field, value: Any, path: str, name: str, strict: bool) -> Any:
    if _well_typed(field, value):
        return value
    if field.kind is not Kind.MESSAGE:
        return parse_scalar(field, value, _join(path, name))
    assert field.message is not None
    fields = decode_message(MESSAGES[field.message], value, _join(path, name), strict)
    codec = CODECS.get(field.message)
    return codec.decode(fields) if codec is not None else fields


def decode_lenient(message: Message, data: Any) -> dict[str, Any]:
    """A response body as typed values; required fields are not checked."""
    return decode_message(message, data if isinstance(data, dict) else {}, strict=False)


def encode_message(message: Message, values: Mapping[str, Any]) -> dict[str, Any]:
    """``{field name: value}`` as a JSON object, in field order, unset fields omitted.

    Raises:
        InvalidParameter: a value that does not fit its field.
    """
    if not isinstance(values, Mapping):
        raise invalid(message.name, values, "Hint: Expected an object.")
    out: dict[str, Any] = {}
    for field in message.fields:
        value = values.get(field.name)
        if value is None:
            continue
        if field.repeated:
            if not len(value):
                continue
            if field.kind is not Kind.MESSAGE and _uniform(field, value):
                out[field.name] = list(value)
            else:
                out[field.name] = [_encode_one(field, item) for item in value]
        else:
            out[field.name] = _encode_one(field, value)
    return out


def _encode_one(field: Field, value: Any) -> Any:
    if field.kind is not Kind.MESSAGE:
        return encode_scalar(field, value)
    assert field.message is not None
    codec = CODECS.get(field.message)
    if codec is not None:
        return codec.encode(value)
    return encode_message(MESSAGES[field.message], value)
