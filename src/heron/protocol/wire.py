"""Bytes on the wire: JSON bodies, query strings and the Content-Type rule.

JSON is read with orjson; a body orjson refuses is read again with the standard library,
which also accepts MLflow clients' bare ``NaN``/``Infinity`` literals and overflowing
numbers (``1e309`` is infinity), but still only from strict UTF-8 (no UTF-16, no BOM) and
never with a lone UTF-16 surrogate in a string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

import orjson

from heron.exceptions import InvalidParameter
from heron.protocol.schema import Message

JSON_CONTENT_TYPE = "application/json"


def dump_json(value: Any) -> bytes:
    """Compact JSON bytes (values must already be JSON-ready: no NaN or infinity)."""
    return orjson.dumps(value)


def load_json(body: bytes) -> Any:
    """Parse JSON bytes; InvalidParameter when they are not JSON."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidParameter(f"Malformed request: the body is not valid JSON ({error})") from None
    _check_encodable(data)
    return data


def _check_encodable(data: Any) -> None:
    """Refuse JSON that only the lenient reader took: strings holding a lone UTF-16
    surrogate (``"\\ud800"``), which no store can keep, or nesting too deep to handle."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidParameter(
            "Malformed request: a string holds a lone UTF-16 surrogate (not valid Unicode)"
        ) from None
    except RecursionError:
        raise InvalidParameter("Malformed request: the JSON is nested too deeply") from None


def load_request_body(body: bytes) -> dict[str, Any]:
    """A request body as a JSON object: empty is ``{}``; a JSON string holding an object
    (double-encoded by old clients) is decoded twice."""
    if not body or body.isspace():
        return {}
    data = load_json(body)
    if isinstance(data, str):
        data = load_json(data.encode("utf-8")) if data.strip() else {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidParameter(
            f"Malformed request: the body must be a JSON object, got {type(data).__name__}"
        )
    return data


def load_response_body(body: bytes) -> Any:
    """A response body: empty (or the text ``200 OK``) is ``{}``."""
    if not body or body.strip() in (b"", b"200 OK"):
        return {}
    return load_json(body)


def is_json_content_type(header: str | None) -> bool:
    """Whether a Content-Type header names JSON (any case, parameters aside)."""
    return (header or "").partition(";")[0].strip().lower() == JSON_CONTENT_TYPE


def check_content_type(header: str | None) -> None:
    """Refuse a POST/PUT whose Content-Type is not JSON (a CSRF defence, as MLflow does).

    Parameters are allowed, but a charset other than UTF-8 is refused.
    """
    parameters = (header or "").partition(";")[2]
    ok = is_json_content_type(header)
    for parameter in parameters.split(";") if parameters else ():
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            ok = False
    if not ok:
        raise InvalidParameter(f"Bad Request. Content-Type must be one of ['{JSON_CONTENT_TYPE}'].")


def query_data(message: Message, query_string: bytes | str) -> dict[str, Any]:
    """Query parameters as a JSON-like object for ``message``.

    Repeated fields collect every occurrence of their key; other fields take the first.
    Keys the message does not know are ignored.
    """
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    data: dict[str, Any] = {}
    try:  # percent-escapes must decode to UTF-8 (no silent replacement characters)
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise InvalidParameter(
            "Malformed request: the query string is not valid UTF-8 once decoded"
        ) from None
    for key, value in pairs:
        field = message.by_key.get(key)
        if field is None:
            continue
        if field.repeated:
            data.setdefault(key, []).append(value)
        else:
            data.setdefault(key, value)
    return data


def query_pairs(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """JSON-ready fields as query parameters: lists become repeated keys."""
    from heron.protocol.values import query_text

    pairs: list[tuple[str, str]] = []
    for key, value in fields.items():
        items: Iterable[Any] = value if isinstance(value, list) else (value,)
        pairs.extend((key, query_text(item)) for item in items)
    return pairs
