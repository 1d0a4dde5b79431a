"""The four ends of a call: a client encodes a request, the server parses it, the server
encodes the response, the client decodes it. All four read the route's messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heron.protocol.codec import decode_lenient, decode_message, encode_message
from heron.protocol.routes import Route
from heron.protocol.wire import (
    check_content_type,
    dump_json,
    load_request_body,
    load_response_body,
    query_data,
    query_pairs,
)

_BODY_CHECKED = ("POST", "PUT")

PARSED_BODY = "heron.parsed_body"
"""ASGI scope key a layer in front of the server sets after reading and parsing a request's
JSON body (the auth gate does, to check permissions): ``(body bytes, JSON object)``. The
server then reads neither the body nor its JSON again. The object must be what
:func:`~heron.protocol.wire.load_request_body` makes of the body."""


def parse_request(
    route: Route,
    method: str,
    query_string: bytes | str = b"",
    body: bytes = b"",
    content_type: str | None = None,
    path_params: Mapping[str, str] | None = None,
    parsed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A request's fields, typed and checked, as ``{field name: value}``.

    A GET reads its query string (or, without one, a JSON body); other methods read a JSON
    body, and POST/PUT must say ``Content-Type: application/json``. Path parameters
    override body fields of the same name. ``parsed`` is ``body`` already parsed (see
    :data:`PARSED_BODY`): it is used instead of parsing ``body`` again.

    Raises:
        InvalidParameter: for anything MLflow's server refuses with a 400.
    """
    if method == "GET" and query_string:
        data: dict[str, Any] = query_data(route.request, query_string)
    else:
        if method in _BODY_CHECKED:
            check_content_type(content_type)
        data = dict(parsed) if parsed is not None else load_request_body(body)
    if path_params:
        data.update(path_params)
    return decode_message(route.request, data)


@dataclass(frozen=True)
class OutgoingRequest:
    """What a client sends for one call."""

    method: str
    url: str
    params: list[tuple[str, str]] | None
    body: bytes | None


def encode_request(route: Route, values: Mapping[str, Any]) -> OutgoingRequest:
    """A call's request: query parameters for a GET, a JSON body otherwise.

    Args:
        route: The RPC.
        values: ``{field name: value}``; None values are left out, entities encoded.
    """
    fields = encode_message(route.request, values)
    # Path parameters stay in the body (or query) too: MLflow's server reads them there.
    url = route.url_for(fields) if route.path_params else route.url
    if route.method == "GET":
        return OutgoingRequest("GET", url, query_pairs(fields), None)
    return OutgoingRequest(route.method, url, None, dump_json(fields))


def encode_response(route: Route, values: Mapping[str, Any] | None) -> bytes:
    """A handler's result as the response body (``{}`` for None)."""
    return dump_json(encode_message(route.response, values or {}))


def decode_response(route: Route, body: bytes) -> dict[str, Any]:
    """A successful response body as ``{field name: typed value}``, entities built."""
    return decode_lenient(route.response, load_response_body(body))
