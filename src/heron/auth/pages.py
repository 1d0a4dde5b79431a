"""Signing in and out of the web UI: a session cookie and its CSRF token.

``POST /login`` checks the form's password (rate limited) and opens a session;
``POST /logout`` closes it. The sign-in page itself is a UI page
(``heron.server.ui.pages.account``).

The session cookie is HttpOnly, SameSite=Lax, and Secure when the request came over TLS.
The UI's scripts send the CSRF token (from the ``heron-csrf`` meta tag of every page) in
the ``X-Heron-CSRF`` header of each state-changing request; forms here carry it as a field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool

from heron.auth.identity import SESSION_COOKIE
from heron.auth.wire import ClientDisconnected, Receive, Scope, Send, header, read_body, send_bytes

if TYPE_CHECKING:
    from heron.auth.api import OwnRoute
    from heron.auth.gate import AuthGate


_NEXT_SAFE = "/?&=%:@!$'()*+,;~-._"
"""Characters a ``next`` path keeps as they are; any other is percent-encoded."""


def safe_next(target: str | None, prefix: str) -> str:
    """Where to go after login: a path of this site only (no open redirect).

    The path is percent-encoded, so no character a browser drops from a URL (a tab or a
    line break: ``/<TAB>/evil.example`` is ``//evil.example`` to it) survives to make it
    another host, and no line break reaches the ``Location`` header.
    """
    if not target or not target.startswith("/") or "\\" in target:
        return prefix + "/"
    encoded = quote(target, safe=_NEXT_SAFE)
    if encoded.startswith("//"):
        return prefix + "/"
    return encoded


async def _form(receive: Receive) -> dict[str, str]:
    body = await read_body(receive, 64 * 1024)
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}


async def login(gate: AuthGate, scope: Scope, receive: Receive, send: Send) -> None:
    """POST /login: check the password (rate limited), open a session, go on."""
    try:
        form = await _form(receive)
    except (ClientDisconnected, Exception):
        await send_bytes(send, 400, b"Bad request", b"text/plain")
        return
    target = safe_next(form.get("next"), gate.prefix)
    client = scope.get("client")
    address = str(client[0]) if client else "-"
    username, password = form.get("username", ""), form.get("password", "")
    user = await run_in_threadpool(gate.authenticator.password, username, password, address)
    if user is None:
        location = f"{gate.prefix}/login?failed=1&next={quote(target, safe='')}"
        await send_bytes(send, 303, b"", b"text/plain", [(b"location", location.encode())])
        return
    hours = gate.session_hours
    secret, _csrf = await run_in_threadpool(
        gate.authenticator.store.tokens.open_session, user.id, hours
    )
    secure = (
        "; Secure"
        if scope.get("scheme") == "https" or header(scope, b"x-forwarded-proto") == "https"
        else ""
    )
    cookie = (
        f"{SESSION_COOKIE}={secret}; Path={gate.prefix or '/'}; HttpOnly; SameSite=Lax; "
        f"Max-Age={int(hours * 3600)}{secure}"
    )
    await send_bytes(
        send,
        303,
        b"",
        b"text/plain",
        [(b"location", target.encode()), (b"set-cookie", cookie.encode())],
    )


async def logout(gate: AuthGate, scope: Scope, receive: Receive, send: Send) -> None:
    """POST /logout: end the session and clear its cookie."""
    from heron.auth.gate import _cookie

    secret = _cookie(scope, SESSION_COOKIE)
    if secret:
        try:
            form = await _form(receive)
        except (ClientDisconnected, Exception):
            form = {}
        caller = await run_in_threadpool(gate.authenticator.session, secret)
        if caller is not None and form.get("csrf") != caller.csrf:
            await send_bytes(send, 403, b"Missing or invalid CSRF token.", b"text/plain")
            return
        await run_in_threadpool(gate.authenticator.store.tokens.close_session, secret)
    cookie = f"{SESSION_COOKIE}=; Path={gate.prefix or '/'}; HttpOnly; SameSite=Lax; Max-Age=0"
    location = f"{gate.prefix}/login"
    await send_bytes(
        send,
        303,
        b"",
        b"text/plain",
        [(b"location", location.encode()), (b"set-cookie", cookie.encode())],
    )


def page_routes() -> dict[tuple[str, str], Any]:
    """The pages' routes, by (method, path)."""
    routes: dict[tuple[str, str], OwnRoute] = {
        ("POST", "/login"): login,
        ("POST", "/logout"): logout,
    }
    return routes


def denied_page(prefix: str, stylesheet: str | None, username: str) -> bytes:
    """The 403 page a signed-in browser gets for a page it may not see, in the UI's style."""
    import html

    link = f'<link rel="stylesheet" href="{html.escape(stylesheet)}">' if stylesheet else ""
    home = html.escape(prefix or "") + "/"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Permission denied · Heron</title>{link}</head><body>"
        f'<header class="topbar"><a class="brand" href="{home}">Heron</a></header>'
        '<main id="main"><section class="error-page"><h1>Permission denied</h1>'
        '<p class="error-code"><code>PERMISSION_DENIED</code></p>'
        f'<p class="error-message">You are signed in as {html.escape(username)}, who may not '
        "see this page. Ask an administrator or the owner for a permission.</p>"
        f'<p><a href="{home}">Back to Heron</a> · '
        f'<a href="{html.escape(prefix or "")}/account">Your permissions</a></p>'
        "</section></main></body></html>"
    ).encode()
