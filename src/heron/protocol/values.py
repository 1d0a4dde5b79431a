"""Scalar values on the wire: how a request's text or JSON becomes a typed value, and back.

The rules are MLflow's (protobuf JSON plus its server's leniencies): int64 as a number or a
numeric string, doubles as numbers, ``"NaN"`` / ``"Infinity"`` / ``"-Infinity"`` or the
strings Python's ``float()`` reads (``"1.5"``, ``"inf"``, as protobuf's JSON parser does),
booleans ``true``/``false`` (any case in a query string), enums by name or number.
Anything else is INVALID_PARAMETER_VALUE naming the parameter.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from heron.exceptions import InvalidParameter
from heron.protocol.schema import Field, Kind

API_DOCS_HINT = "See the API docs for more information about request parameters."
INT64_RANGE: tuple[int, int] = (-(2**63), 2**63 - 1)
INT32_RANGE: tuple[int, int] = (-(2**31), 2**31 - 1)
_INTEGER_TEXT = re.compile(r"^\s*[-+]?\d+\s*$")


def missing(path: str) -> InvalidParameter:
    """MLflow's error for a required parameter that is absent or empty."""
    return InvalidParameter(f"Missing value for required parameter '{path}'. {API_DOCS_HINT}")


def invalid(path: str, value: object, hint: str = "") -> InvalidParameter:
    """MLflow's error for a parameter value of the wrong type or out of range."""
    try:
        shown = json.dumps(value, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        shown = repr(value)
    except RecursionError:  # nested too deep to show
        shown = f"<a deeply nested {type(value).__name__}>"
    hint = hint or f"Hint: Value was of type '{type(value).__name__}'."
    return InvalidParameter(
        f"Invalid value {shown} for parameter '{path}' supplied. {hint} {API_DOCS_HINT}"
    )


def _string(field: Field, value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise invalid(path, value)
    if "\x00" in value:  # no store keeps it faithfully (PostgreSQL refuses it)
        raise invalid(path, value, "Hint: Strings may not contain NUL characters.")
    return value


def _integer(limits: tuple[int, int]) -> Callable[[Field, Any, str], int]:
    low, high = limits

    def convert(field: Field, value: Any, path: str) -> int:
        if isinstance(value, bool):
            raise invalid(path, value)
        # An integral float (1e3) is an integer; one at +-2**63 came from an overflowing
        # literal the JSON parser rounded, and is out of range.
        integral = isinstance(value, float) and value.is_integer() and abs(value) < 2**63
        if integral or (isinstance(value, str) and _INTEGER_TEXT.match(value)):
            value = int(value)
        if not isinstance(value, int):
            raise invalid(path, value)
        if not low <= value <= high:
            raise invalid(path, value, f"Hint: Value must be between {low} and {high}.")
        return value

    return convert


_DOUBLE_SPECIALS = {"nan": math.nan, "infinity": math.inf, "-infinity": -math.inf}


def _double(field: Field, value: Any, path: str) -> float:
    # Numbers, the three special spellings, or a numeric string: protobuf's JSON parser
    # reads a string with float(), so MLflow stores "1.5" as 1.5 and "inf" as infinity.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.lower() in _DOUBLE_SPECIALS:
        return _DOUBLE_SPECIALS[value.lower()]
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise invalid(path, value)


def _boolean(field: Field, value: Any, path: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidParameter(
        f"Invalid boolean value: {value}, must be 'true' or 'false'. "
        f"(parameter '{path}') {API_DOCS_HINT}"
    )


def _enum(field: Field, value: Any, path: str) -> str:
    assert field.enum is not None
    name = field.enum.name_of(value)
    if name is None:
        names = ", ".join(field.enum.values)
        raise invalid(path, value, f"Hint: Expected one of {names}.")
    return name


SCALAR_PARSERS: dict[Kind, Callable[[Field, Any, str], Any]] = {
    Kind.STRING: _string,
    Kind.INT64: _integer(INT64_RANGE),
    Kind.INT32: _integer(INT32_RANGE),
    Kind.DOUBLE: _double,
    Kind.BOOL: _boolean,
    Kind.ENUM: _enum,
}
"""For each scalar kind: ``parse(field, json_or_text_value, path) -> typed value``."""


def parse_scalar(field: Field, value: Any, path: str) -> Any:
    """A request's scalar value, typed by ``field``; InvalidParameter when it cannot be."""
    return SCALAR_PARSERS[field.kind](field, value, path)


def encode_double(value: float) -> float | str:
    """A double as JSON: a number, or ``"NaN"`` / ``"Infinity"`` / ``"-Infinity"``."""
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def encode_scalar(field: Field, value: Any) -> Any:
    """A scalar as JSON, checked by the rules requests are parsed with (so a client never
    sends what the server would refuse): enums by name, doubles with their special
    spellings, integers from integral values; strings may also be given as integers.

    Raises:
        InvalidParameter: for a value of the wrong type.
    """
    kind = field.kind
    if kind is Kind.STRING and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    parsed = parse_scalar(field, value, field.name)
    return encode_double(parsed) if kind is Kind.DOUBLE else parsed


def query_text(value: Any) -> str:
    """A JSON scalar as query-string text: booleans ``true``/``false``, numbers as digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
