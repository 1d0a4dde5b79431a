"""The ASGI layer that authenticates every request and applies :mod:`heron.auth.rules`.

Order of a request: the auth app's own routes (users, permissions, tokens, login pages);
else the route's rule (none: 403, deny by default); ``public`` passes; otherwise the caller
is authenticated (401 with MLflow's ``WWW-Authenticate: Basic`` challenge, or a redirect to
the login page for a browser asking for a page); a session-authenticated state-changing
request must carry the session's CSRF token; admins pass; other users need the rule's
permissions (403). Hooks then grant creators MANAGE and filter search results.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match, Mount

from heron.auth.identity import CSRF_HEADER, SESSION_COOKIE, Authenticator, Caller
from heron.auth.pages import denied_page
from heron.auth.policy import Policy, audit
from heron.auth.refill import FIELDS, refill
from heron.auth.resolve import NeedsStore, Unresolvable
from heron.auth.rules import API_RULES, AUTHENTICATED, ROUTE_RULES, Rule, route_key
from heron.auth.wire import (
    ClientDisconnected,
    Receive,
    Scope,
    Send,
    header,
    query_params,
    read_body,
    replay_body,
    send_bytes,
)
from heron.exceptions import HeronError
from heron.protocol import ROUTES, error_body
from heron.protocol.calls import PARSED_BODY
from heron.protocol.codec import field_values
from heron.protocol.schema import Message
from heron.protocol.wire import check_content_type, is_json_content_type, load_request_body

if TYPE_CHECKING:
    from heron.auth.api import AuthApi
    from heron.auth.served import ServedApp

_log = logging.getLogger(__name__)
_MAX_BODY = 16 * 1024 * 1024
_UNAUTHENTICATED = (
    b"You are not authenticated. Please see "
    b"https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow "
    b"on how to authenticate."
)
_CHALLENGE = [(b"www-authenticate", b'Basic realm="mlflow"')]
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PAGE_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'none'; base-uri 'none'"),
    (b"cache-control", b"no-store"),
]
READABLE = "heron.auth.readable"
"""Scope key of a list page's readability check (``heron.server.ui.readable`` reads it)."""
_AUDITED = ("experiment_id", "run_id", "model_id", "name", "version", "path")


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


def _cookie(scope: Scope, name: str) -> str | None:
    raw = header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class AuthGate:
    """Wraps the server app with authentication and permission checks.

    Args:
        app: The server application (its router and dispatcher tell the routes).
        authenticator: Turns credentials into callers.
        policy: Permission decisions.
        api: The auth app's own routes.
    """

    def __init__(self, app: ServedApp, authenticator: Authenticator, policy: Policy, api: AuthApi):
        self.app = app
        self.authenticator = authenticator
        self.policy = policy
        self.api = api
        self.prefix = app.settings.static_prefix
        self.session_hours = 12.0

    def normalise(self, path: str) -> str | None:
        """The path as routes see it (no static prefix, ``/ajax-api`` as ``/api``)."""
        return self.app._normalise(path)

    def find_rule(
        self, method: str, path: str
    ) -> tuple[Rule | None, dict[str, Any], Message | None]:
        """The rule of the route serving ``method path``, its path parameters, and the
        request message of a route of the protocol table (None for other routes).

        A path no route serves (or a method a route does not serve) needs an
        authenticated caller: the app then answers 404/405 to them alone.
        """
        found = self.app.dispatcher.lookup(path)
        if found is not None:
            endpoints, path_params = found
            endpoint = endpoints.get(method) or (endpoints.get("GET") if method == "HEAD" else None)
            if endpoint is None:
                return AUTHENTICATED, {}, None
            route = endpoint.route
            return API_RULES.get(route.name), dict(path_params), route.request
        probe = {"type": "http", "path": path, "method": method, "root_path": ""}
        partial = False
        for route in self.app.router.routes:
            if isinstance(route, Mount):
                if path.startswith(route.path + "/"):
                    return ROUTE_RULES.get(route_key(method, "/static")), {}, None
                continue
            match, child = route.matches(probe)
            if match == Match.FULL:
                template = getattr(route, "path", "")
                return (
                    ROUTE_RULES.get(route_key(method, template)),
                    dict(child.get("path_params", {})),
                    None,
                )
            partial = partial or match == Match.PARTIAL
        return AUTHENTICATED, {}, None

    def unruled(self) -> list[str]:
        """Routes the app serves that have no rule (a server with any refuses to start)."""
        missing = [f"{r.name} ({r.url})" for r in ROUTES if r.name not in API_RULES]
        for route in self.app.router.routes:
            if isinstance(route, Mount):
                continue
            for method in sorted(getattr(route, "methods", None) or ()):
                key = route_key(method, getattr(route, "path", ""))
                if method != "HEAD" and key not in ROUTE_RULES:
                    missing.append(key)
        return missing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = self.normalise(scope["path"])
        if path is None:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        own = self.api.lookup(method, path)
        if own is not None:
            await own(self, scope, receive, send)
            return
        rule, path_params, api = self.find_rule(method, path)
        if rule is None:
            _log.error("No permission rule for %s %s: refused", method, path)
            await self._deny(send, "No permission rule covers this route.")
            return
        if rule.kind == "public":
            await self.app(scope, receive, send)
            return
        caller = await self.caller(scope)
        if caller is None:
            await self.unauthenticated(scope, send, method, path)
            return
        if (
            caller.via == "session"
            and method in _WRITES
            and header(scope, CSRF_HEADER.encode()) != caller.csrf
        ):
            await self._deny(send, "Missing or invalid CSRF token.")
            return
        scope["heron.auth.user"] = caller.user
        scope["heron.auth.store"] = self.authenticator.store
        if caller.csrf is not None:
            scope["heron.auth.csrf"] = caller.csrf
        await self.authorize(scope, receive, send, caller, rule, path_params, api)

    async def caller(self, scope: Scope) -> Caller | None:
        """The authenticated caller of a request, or None."""
        authorization = header(scope, b"authorization")
        if authorization:
            remembered = self.authenticator.remembered(authorization)
            if remembered is not None:
                return remembered
            return await run_in_threadpool(
                self.authenticator.authorization, authorization, _client(scope)
            )
        cookie = _cookie(scope, SESSION_COOKIE)
        if cookie:
            return await run_in_threadpool(self.authenticator.session, cookie)
        return None

    async def authorize(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        caller: Caller,
        rule: Rule,
        path_params: dict[str, Any],
        api: Message | None = None,
    ) -> None:
        """Check the rule's permissions, then serve (with the rule's response hook)."""
        user = caller.user
        kind = rule.kind
        if kind == "admin" and not user.is_admin:
            await self._deny_page(scope, send, user.username)
            return
        if kind == "listing" and not user.is_admin:
            if not self.policy.default.can_read:
                await self._deny_page(scope, send, user.username)
                return
            # list pages show only what the user may read (see heron.server.ui.readable)
            scope[READABLE] = await run_in_threadpool(self.policy.reader, user)
        deletes = rule.deletes
        if rule.after is None and not deletes and (kind == "authenticated" or user.is_admin):
            await self.app(scope, receive, send)
            return
        read = await self._params(scope, receive, send, api)
        if read is None:
            return
        params, receive = read
        params.update(path_params)
        if kind == "resources" and not user.is_admin:
            try:
                try:  # from memory when it can decide: no thread hop, no database read
                    ok = self.policy.allowed(user, rule, params, quick=True)
                except NeedsStore:
                    ok = await run_in_threadpool(self.policy.allowed, user, rule, params)
            except Unresolvable:
                ok = False
            except HeronError as error:
                await self._error(send, error)
                return
            if not ok:
                await self._deny_page(scope, send, user.username)
                return
        if rule.after is None and deletes:
            await self._audited(scope, receive, send, user.username, params)
            return
        if rule.after is None:
            await self.app(scope, receive, send)
            return
        await self._with_hook(scope, receive, send, user, rule.after, params)

    async def _params(
        self, scope: Scope, receive: Receive, send: Send, api: Message | None
    ) -> tuple[dict[str, Any], Receive] | None:
        """The request's parameters, read from where the route serving it reads them (so
        the gate never checks one resource while the server serves another), and the
        receive to hand on; None when the request was answered already (a refused body).

        API routes (``api`` is their request message) read a GET's query string, or else
        the JSON body (``PARSED_BODY`` hands it over), under the field names the server
        decodes (``runId`` is ``run_id``); other routes their query string and a JSON
        body."""
        params: dict[str, Any] = {}
        method = scope["method"]
        query = scope.get("query_string", b"")
        if query and (api is None or method == "GET"):
            params.update(query_params(query))
        if api is not None:
            reads_body = not (method == "GET" and query)
        else:
            reads_body = method in ("POST", "PATCH", "DELETE") and is_json_content_type(
                header(scope, b"content-type")
            )
        try:
            if reads_body:
                if api is not None and method in ("POST", "PUT"):
                    check_content_type(header(scope, b"content-type"))
                body = await read_body(receive, _MAX_BODY)
                # as the server reads it (NaN literals too), once: handed over below
                decoded = load_request_body(body)
                params.update(decoded)
                scope[PARSED_BODY] = (body, decoded)
                receive = replay_body(body, receive)
            if api is not None:
                params = field_values(api, params)
        except ClientDisconnected:
            return None
        except HeronError as error:
            await self._error(send, error)
            return None
        return params, receive

    async def _audited(
        self, scope: Scope, receive: Receive, send: Send, username: str, params: dict[str, Any]
    ) -> None:
        """Serve a deletion and write its audit line when it succeeded."""
        status = 0

        async def watch(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status < 400:
            named = {k: params[k] for k in _AUDITED if k in params}
            audit.info("user=%s %s %s %s", username, scope["method"], scope["path"], named)

    async def _with_hook(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        user: Any,
        hook: str,
        params: dict[str, Any],
    ) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if start.get("status") == 200:
                try:
                    decoded = orjson.loads(body) if body else {}
                    result = await run_in_threadpool(self.policy.after, hook, user, params, decoded)
                    if hook in FIELDS and not user.is_admin:

                        async def keep(page: Any) -> Any:
                            return await run_in_threadpool(
                                self.policy.after, hook, user, params, page
                            )

                        result = await refill(self.app, scope, hook, decoded, result, keep)
                    if result is not decoded:
                        body = orjson.dumps(result)
                except orjson.JSONDecodeError:
                    pass
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)
        if hook == "forget_model":
            audit.info(
                "user=%s %s %s name=%s",
                user.username,
                scope["method"],
                scope["path"],
                params.get("name"),
            )

    async def unauthenticated(self, scope: Scope, send: Send, method: str, path: str) -> None:
        """401 with MLflow's challenge; a browser asking for a page goes to the login page."""
        accept = header(scope, b"accept") or ""
        if method == "GET" and not path.startswith("/api/") and "text/html" in accept:
            target = scope["path"] + (
                "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""
            )
            location = f"{self.prefix}/login?next={quote(target, safe='')}"
            await send_bytes(send, 303, b"", b"text/plain", [(b"location", location.encode())])
            return
        await send_bytes(send, 401, _UNAUTHENTICATED, b"text/plain", _CHALLENGE)

    async def _deny(self, send: Send, message: str = "Permission denied") -> None:
        await send_bytes(send, 403, message.encode(), b"text/plain")

    async def _deny_page(self, scope: Scope, send: Send, username: str) -> None:
        """403: an HTML page for a browser asking for a page, MLflow's text otherwise."""
        accept = header(scope, b"accept") or ""
        path = self.normalise(scope["path"]) or ""
        if scope["method"] != "GET" or path.startswith("/api/") or "text/html" not in accept:
            await self._deny(send)
            return
        page = denied_page(self.prefix, self._stylesheet(), username)
        await send_bytes(send, 403, page, b"text/html; charset=utf-8", _PAGE_HEADERS)

    def _stylesheet(self) -> str | None:
        for route in self.app.router.routes:
            if isinstance(route, Mount):
                return f"{self.prefix}{route.path}/css/base.css"
        return None

    async def _error(self, send: Send, error: HeronError) -> None:
        await send_bytes(send, error.http_status, orjson.dumps(error_body(error)))
