"""The scoring server as a bare ASGI application: four routes need no web framework.

Per request, a framework's middleware stack, router and request/response objects cost more
than parsing and predicting a small input; this app reads ``scope`` and the body, hands the
work to one prediction thread and sends the answer, with the answers Starlette gave
(``404 Not Found``, ``405 Method Not Allowed`` with ``Allow``, ``HEAD`` on the ``GET``
routes, ``500 Internal Server Error`` for a defect).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Awaitable, Callable
from typing import Any

_logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Handler = Callable[[Scope, Receive], Awaitable["Reply"]]


class Reply:
    """An answer: status, body and media type (``text/*`` ones get ``charset=utf-8``)."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self,
        body: bytes,
        status: int = 200,
        media_type: str = "application/json",
        extra_headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        self.body = body
        self.status = status
        self.headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", media_type.encode()),
            *(extra_headers or ()),
        ]

    async def send(self, send: Send, with_body: bool = True) -> None:
        """Send this answer (headers only for ``HEAD``)."""
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body if with_body else b""})


NOT_FOUND = Reply(b"Not Found", 404, "text/plain")
SERVER_ERROR = Reply(b"Internal Server Error", 500, "text/plain")


class PredictionThread:
    """One thread that runs predictions in turn (they hold the GIL: no thrashing between
    threads) and resolves each request's future on its event loop; a future already
    resolved (timed out) is left as it is."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Any, Callable[[], Any]]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="heron-predict", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    async def run(self, work: Callable[[], Any], seconds: float) -> Any:
        """``work()``'s result, run on the prediction thread.

        Raises:
            TimeoutError: Not done within ``seconds`` (the work itself still ends).
        """
        if not self._started:
            with self._lock:
                if not self._started:
                    self._thread.start()
                    self._started = True
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        timer = loop.call_later(seconds, _expire, future)
        self._jobs.put((future, work))
        try:
            return await future
        finally:
            timer.cancel()

    def _run(self) -> None:
        while True:
            future, work = self._jobs.get()
            if future.done():  # timed out while waiting its turn
                continue
            try:
                outcome, failed = work(), False
            except BaseException as error:
                outcome, failed = error, True
            try:
                future.get_loop().call_soon_threadsafe(_resolve, future, outcome, failed)
            except RuntimeError:  # the loop is closed: the server stopped
                return


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


def _resolve(future: asyncio.Future[Any], outcome: Any, failed: bool) -> None:
    if future.done():
        return
    if failed:
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class Routes:
    """The ASGI application: ``{path: {method: handler}}``; ``HEAD`` where ``GET`` is."""

    def __init__(self, routes: dict[str, dict[str, Handler]]) -> None:
        self._routes = {
            path: {**methods, **({"HEAD": methods["GET"]} if "GET" in methods else {})}
            for path, methods in routes.items()
        }
        self._allow = {
            path: ", ".join(sorted(methods)).encode() for path, methods in self._routes.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        methods = self._routes.get(path)
        if methods is None:
            stripped = path.rstrip("/")
            if stripped != path and stripped in self._routes:
                query = scope.get("query_string") or b""
                location = stripped.encode() + (b"?" + query if query else b"")
                await Reply(b"", 307, "text/plain", [(b"location", location)]).send(send)
                return
            await NOT_FOUND.send(send, method != "HEAD")
            return
        handler = methods.get(method)
        if handler is None:
            allow = [(b"allow", self._allow[path])]
            await Reply(b"Method Not Allowed", 405, "text/plain", allow).send(send)
            return
        try:
            reply = await handler(scope, receive)
        except Exception:
            _logger.exception("The scoring server failed to answer %s %s", method, path)
            reply = SERVER_ERROR
        await reply.send(send, method != "HEAD")


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (``name`` in lower case), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def read_body(scope: Scope, receive: Receive, limit: int, too_big: Exception) -> bytes:
    """The whole request body; ``too_big`` raised once it passes ``limit`` bytes (at once
    when the declared length does)."""
    declared = header(scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
