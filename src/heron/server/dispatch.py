"""The one generic dispatcher: every route of :data:`heron.protocol.ROUTES`, by table lookup.

A request is read (body bytes, query string, Content-Type), then parsed, handled and
encoded in a worker thread (stores block) or, for a quick read of an embedded database, on
the event loop (see :mod:`heron.server.scheduling`), and answered as JSON. Errors become
MLflow's error body with the code's HTTP status; anything unexpected is a 500
INTERNAL_ERROR whose message reveals nothing of the server (the traceback goes to the log).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Any

from heron import config
from heron.exceptions import EndpointNotFound, HeronError, InvalidParameter
from heron.protocol import Route, encode_response, error_body, parse_request
from heron.protocol.calls import PARSED_BODY
from heron.protocol.wire import dump_json
from heron.server.asgi import (
    ClientDisconnected,
    Receive,
    Scope,
    Send,
    header,
    read_body,
    send_bytes,
)
from heron.server.handlers import QUICK_READS, Handler
from heron.server.idempotency import RecentCreates
from heron.server.scheduling import Scheduler
from heron.server.services import Services

_log = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024 * 1024
"""Largest JSON request body accepted (a full LogBatch is well under 2 MB)."""

_INTERNAL = dump_json(
    {
        "error_code": "INTERNAL_ERROR",
        "message": "The server failed to process the request; see the server's log.",
        "error_class": "CLIENT_INTERNAL_ERROR",
        "sqlstate": "XXM00",
    }
)


@dataclass(frozen=True)
class Endpoint:
    """A route and its handler (None: known to the contract, not implemented), and
    whether that handler is a quick read of the tracking store."""

    route: Route
    handler: Handler | None
    quick_read: bool = False


class Dispatcher:
    """Serves the API routes of the table at ``/api/<v>.0/...``.

    Paths reach it already normalised (static prefix removed, ``/ajax-api`` read as
    ``/api``). Use :meth:`lookup` to learn whether a path is an API route.

    Args:
        routes: The routes to serve.
        handlers: Handlers by route name.
        services: The stores handlers use.
        quick_reads: Routes whose handlers are quick reads of the tracking store.
        scheduler: Where calls run; by default quick reads of an embedded database on the
            event loop, other calls on worker threads.
        recent_creates: Recent creates, to answer a client's retry of one with the first
            answer (see :mod:`heron.protocol.idempotency`); by default one table with
            ``HERON_SERVER_IDEMPOTENCY_WINDOW``.
    """

    def __init__(
        self,
        routes: Iterable[Route],
        handlers: dict[str, Handler],
        services: Services,
        quick_reads: Iterable[str] = QUICK_READS,
        scheduler: Scheduler | None = None,
        recent_creates: RecentCreates | None = None,
    ):
        self.services = services
        self.scheduler = scheduler or Scheduler()
        self.recent_creates = recent_creates or RecentCreates(
            float(config.SERVER_IDEMPOTENCY_WINDOW.get() or 0.0)
        )
        quick = frozenset(quick_reads)
        self._exact: dict[str, dict[str, Endpoint]] = {}
        self._patterns: list[tuple[re.Pattern[str], dict[str, Endpoint]]] = []
        for route in routes:
            endpoint = Endpoint(route, handlers.get(route.name), route.name in quick)
            if route.path_params:
                pattern = re.compile(
                    "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.url)) + "$"
                )
                methods = self._methods_for_pattern(pattern)
            else:
                methods = self._exact.setdefault(route.url, {})
            for method in route.methods:
                methods[method] = endpoint

    def _methods_for_pattern(self, pattern: re.Pattern[str]) -> dict[str, Endpoint]:
        for known, methods in self._patterns:
            if known.pattern == pattern.pattern:
                return methods
        methods = {}
        self._patterns.append((pattern, methods))
        return methods

    def lookup(self, path: str) -> tuple[dict[str, Endpoint], dict[str, str]] | None:
        """The endpoints (by method) serving ``path`` and its path parameters, or None."""
        methods = self._exact.get(path)
        if methods is not None:
            return methods, {}
        for pattern, methods in self._patterns:
            match = pattern.match(path)
            if match:
                return methods, match.groupdict()
        return None

    async def serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        methods: dict[str, Endpoint],
        path_params: dict[str, str],
    ) -> None:
        """Answer one request for a path :meth:`lookup` found."""
        method = scope["method"]
        endpoint = methods.get(method)
        if endpoint is None:
            allow = ", ".join(methods).encode()
            await send_bytes(send, 405, b"Method Not Allowed", b"text/plain", [(b"allow", allow)])
            return
        handed: tuple[bytes, dict[str, Any]] | None = scope.get(PARSED_BODY)
        parsed: dict[str, Any] | None = None
        if handed is not None:  # read and parsed by the auth gate already
            body, parsed = handed
        else:
            try:
                body = await read_body(receive, MAX_BODY_BYTES)
            except ClientDisconnected:
                return
            except InvalidParameter as error:
                await send_bytes(send, 400, dump_json(error_body(error)))
                return
        query_string = scope.get("query_string", b"")
        content_type = header(scope, b"content-type")
        name = endpoint.route.name

        def answer() -> Awaitable[tuple[int, bytes]]:
            return self.scheduler.run(
                name,
                endpoint.quick_read and self.services.quick_reads,
                lambda: self.call(
                    endpoint, method, query_string, body, content_type, path_params, parsed
                ),
            )

        repeat = self.recent_creates.key(name, scope, body)
        if repeat is None:
            status, payload = await answer()
        else:
            check = self._model_still_pending if name == "CreateLoggedModel" else None
            status, payload = await self.recent_creates.run(*repeat, answer, check)
        await send_bytes(send, status, payload)

    async def _model_still_pending(self, answer: tuple[int, bytes]) -> bool:
        """Whether the logged model a create answered is still PENDING (a retry of its
        create, not a second ``log_model`` after the first one finished)."""
        import orjson

        from heron.entities.logged_model import LoggedModelStatus

        model_id = orjson.loads(answer[1])["model"]["info"]["model_id"]
        model = await self.scheduler.run(
            "GetLoggedModel", False, lambda: self.services.tracking.get_logged_model(model_id)
        )
        return model.status == LoggedModelStatus.PENDING

    def call(
        self,
        endpoint: Endpoint,
        method: str,
        query_string: bytes,
        body: bytes,
        content_type: str | None,
        path_params: dict[str, str],
        parsed: dict[str, Any] | None = None,
    ) -> tuple[int, bytes]:
        """Parse, handle and encode one call: ``(HTTP status, JSON body)``; ``parsed`` is
        ``body`` already parsed by a layer in front (see :data:`PARSED_BODY`)."""
        route = endpoint.route
        try:
            if endpoint.handler is None:
                raise EndpointNotFound(f"{route.name} is not implemented by this server")
            request = parse_request(
                route, method, query_string, body, content_type, path_params, parsed
            )
            result: Any = endpoint.handler(request, self.services)
            return 200, encode_response(route, result)
        except HeronError as error:
            if error.http_status >= 500:
                _log.warning("%s failed: %s: %s", route.name, error.error_code, error.message)
            return error.http_status, dump_json(error_body(error))
        except Exception:
            _log.exception("%s failed unexpectedly", route.name)
            return 500, _INTERNAL
