"""Calling a server's RPCs: what every REST store shares.

A REST store (tracking, registry) makes each of its methods one call of
:mod:`heron.protocol`'s route table: the request is encoded by the route, sent over one
keep-alive :class:`~heron.store.http.HttpTransport` with the route's retry policy, and the
response decoded by the same route (entities built). A server's error body comes back as
the :class:`~heron.exceptions.HeronError` class its error code names.
"""

from __future__ import annotations

import uuid
from typing import Any

from heron.entities import PagedList
from heron.exceptions import HeronError
from heron.protocol import decode_response, encode_request, error_from_response, route_named
from heron.protocol.idempotency import REQUEST_ID_HEADER, REQUEST_ID_ROUTES
from heron.protocol.routes import Retry
from heron.protocol.wire import load_response_body
from heron.store.http import HttpTransport


class RpcClient:
    """Calls the RPCs of one tracking server (a Heron or an MLflow one).

    Args:
        host_uri: The server, e.g. ``http://localhost:5000`` (a path prefix is kept).
        transport: The HTTP transport; by default one keep-alive pool configured from
            :mod:`heron.config` (auth, TLS, retries).
    """

    def __init__(self, host_uri: str, transport: HttpTransport | None = None):
        self.host_uri = host_uri.rstrip("/")
        self._transport = transport or HttpTransport(self.host_uri)

    def close(self) -> None:
        """Close the connections."""
        self._transport.close()

    def call(self, rpc: str, **values: Any) -> dict[str, Any]:
        """Call an RPC of the route table with request fields; the response's fields.

        Raises:
            HeronError: the server's error, as the class its error code names.
        """
        route = route_named(rpc)
        outgoing = encode_request(route, values)
        retry, headers = route.retry, None
        if route.name in REQUEST_ID_ROUTES:
            # One id for this call and all its retries: the server answers a retry of a
            # create that succeeded with that create's result (heron.protocol.idempotency).
            retry, headers = Retry.SAFE, {REQUEST_ID_HEADER: uuid.uuid4().hex}
        response = self._transport.request(
            outgoing.method, outgoing.url, retry, outgoing.params, outgoing.body, headers
        )
        if response.status_code != 200:
            try:
                body: Any = load_response_body(response.content)
            except HeronError:
                body = None
            raise error_from_response(response.status_code, body, response.text)
        return decode_response(route, response.content)


def page_of(result: dict[str, Any], name: str) -> PagedList[Any]:
    """The page a search response holds in field ``name``, with its next page token."""
    return PagedList(result.get(name, ()), result.get("next_page_token") or None)
