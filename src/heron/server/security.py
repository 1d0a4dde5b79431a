"""Browser-facing defences, as MLflow 3.5+ has them (DNS rebinding, CSRF, sniffing).

- The Host header must match the allowed hosts (``/health`` and ``/version`` exempt):
  otherwise 403 ``Invalid Host header``.
- A state-changing API request (POST, PUT, PATCH, DELETE) from a browser page of another
  origin is refused with 403, unless that origin is a localhost one, the server's own, or
  allowed by ``--cors-allowed-origins``.
- Every response says ``X-Content-Type-Options: nosniff`` and
  ``X-Frame-Options: SAMEORIGIN`` (``--x-frame-options``: ``DENY``, or ``NONE`` for none).
"""

from __future__ import annotations

import fnmatch
from urllib.parse import urlsplit

from heron.server.asgi import ASGIApp, Message, Receive, Scope, Send, header, send_bytes

INVALID_HOST = b"Invalid Host header - possible DNS rebinding attack detected"
CORS_BLOCKED = b"Cross-origin request blocked"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOCALHOST_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def security_headers(x_frame_options: str = "SAMEORIGIN") -> list[tuple[bytes, bytes]]:
    """The headers :class:`SecurityHeaders` adds: ``nosniff``, and ``X-Frame-Options``
    (upper-cased) unless it is empty or ``NONE``, as MLflow does."""
    headers = [(b"x-content-type-options", b"nosniff")]
    frame = x_frame_options.strip().upper()
    if frame and frame != "NONE":
        headers.append((b"x-frame-options", frame.encode("latin-1")))
    return headers


def host_allowed(patterns: tuple[str, ...], host: str) -> bool:
    """Whether a Host header matches: ``*`` matches anything, a pattern with ``*`` is an
    fnmatch pattern, anything else must be equal. A pattern without a port also matches
    the host on any port (``example.com`` allows ``example.com:5000``)."""
    if not host:
        return False
    name = host.lower()
    without_port = name.rsplit(":", 1)[0] if not name.endswith("]") else name
    return any(
        _matches(name, pattern.lower()) or _matches(without_port, pattern.lower())
        for pattern in patterns
    )


def _matches(value: str, pattern: str) -> bool:
    if pattern == "*":
        return True
    return fnmatch.fnmatchcase(value, pattern) if "*" in pattern else value == pattern


class HostCheck:
    """Refuse requests whose Host header is not allowed (a DNS-rebinding defence).

    Args:
        app: The application behind.
        patterns: Allowed hosts (see :func:`host_allowed`).
        exempt: Paths served whatever the Host (health checks).
    """

    def __init__(self, app: ASGIApp, patterns: tuple[str, ...], exempt: frozenset[str]):
        self.app = app
        self.patterns = patterns
        self.exempt = exempt
        self._known: dict[str, bool] = {}

    def _allowed(self, host: str) -> bool:
        known = self._known.get(host)
        if known is None:
            known = host_allowed(self.patterns, host)
            if len(self._known) < 1024:
                self._known[host] = known
        return known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and "*" not in self.patterns
            and scope["path"] not in self.exempt
            and not self._allowed(header(scope, b"host") or "")
        ):
            await send_bytes(send, 403, INVALID_HOST, b"text/plain")
            return
        await self.app(scope, receive, send)


def origin_allowed(origin: str, host: str | None, allowed: tuple[str, ...]) -> bool:
    """Whether a page of ``origin`` may change state on a server reached as ``host``."""
    parts = urlsplit(origin)
    if parts.hostname in LOCALHOST_NAMES or (host and parts.netloc == host):
        return True
    return any(_matches(origin, pattern) for pattern in allowed)


class CrossOriginCheck:
    """Refuse state-changing API requests from pages of other origins (a CSRF defence).

    Args:
        app: The application behind.
        api_prefixes: Path prefixes of the API (``/api/``, ``/ajax-api/``, with the static
            prefix).
        allowed_origins: Extra origins allowed (``--cors-allowed-origins``).
    """

    def __init__(
        self, app: ASGIApp, api_prefixes: tuple[str, ...], allowed_origins: tuple[str, ...]
    ):
        self.app = app
        self.api_prefixes = api_prefixes
        self.allowed_origins = allowed_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in STATE_CHANGING:
            origin = header(scope, b"origin")
            if (
                origin
                and scope["path"].startswith(self.api_prefixes)
                and not origin_allowed(origin, header(scope, b"host"), self.allowed_origins)
            ):
                await send_bytes(send, 403, CORS_BLOCKED, b"text/plain")
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Add ``nosniff`` and ``X-Frame-Options`` to every response.

    Args:
        app: The application behind.
        vary_origin: Also add ``Origin`` to the response's ``Vary`` header, as the CORS
            layer does for a request without an ``Origin`` (see :class:`OriginSplit`).
        x_frame_options: The ``X-Frame-Options`` value; ``NONE`` sends none.
    """

    def __init__(
        self, app: ASGIApp, vary_origin: bool = False, x_frame_options: str = "SAMEORIGIN"
    ):
        self.app = app
        self.vary_origin = vary_origin
        self.headers = security_headers(x_frame_options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        vary_origin = self.vary_origin
        added = self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), *added]
                message["headers"] = _with_vary_origin(headers) if vary_origin else headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _with_vary_origin(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``Origin`` added to ``Vary``: the values of every ``vary`` header
    joined in the first one's place, or a new one at the end (Starlette's CORS rule)."""
    varies = [value for name, value in headers if name == b"vary"]
    if not varies:
        headers.append((b"vary", b"Origin"))
        return headers
    joined: bytes | None = b", ".join([*varies, b"Origin"])
    out: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        if name != b"vary":
            out.append((name, value))
        elif joined is not None:
            out.append((name, joined))
            joined = None
    return out


class OriginSplit:
    """Send requests with an ``Origin`` header (from browser pages) through the CORS and
    cross-origin layers, and the others (API clients) around them, to an application that
    answers what those layers would add to a request without an ``Origin``.

    Args:
        browsers: The application with the CORS and cross-origin checks.
        clients: The same application without them.
    """

    def __init__(self, browsers: ASGIApp, clients: ASGIApp):
        self.browsers = browsers
        self.clients = clients

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and header(scope, b"origin") is None:
            await self.clients(scope, receive, send)
            return
        await self.browsers(scope, receive, send)
