"""The REST contract, defined once: routes, messages, codecs, errors, OpenAPI.

The server serves the routes in :data:`ROUTES` and the REST stores call them; both parse
and encode with the same functions, so a field, a type or a JSON shape is stated once.
"""

from __future__ import annotations

from heron.protocol.calls import (
    OutgoingRequest,
    decode_response,
    encode_request,
    encode_response,
    parse_request,
)
from heron.protocol.errors import error_body, error_from_response
from heron.protocol.routes import MLFLOW_VERSION, Retry, Route
from heron.protocol.table import ROUTES, route_named

__all__ = [
    "MLFLOW_VERSION",
    "ROUTES",
    "OutgoingRequest",
    "Retry",
    "Route",
    "decode_response",
    "encode_request",
    "encode_response",
    "error_body",
    "error_from_response",
    "parse_request",
    "route_named",
]
