"""Full pages from filtered searches, as MLflow's basic-auth app makes them.

A search's page is filtered to what the user may read after the store made it, so it can come
out short. While the page holds fewer items than the store's page did and the store has
more, the same search is asked again from the store's next page token (for just the number of
items still missing); what that answers is filtered too and appended. The page token
returned is the store's token after the last page read, so the next call goes on from there
and no item is skipped or repeated (Heron's page tokens are offsets, like MLflow's).

At most :data:`MAX_FOLLOW_UPS` further pages are read for one call: a user who may read
little of a large store gets a short page with a token (which MLflow's clients follow), not
one call reading the whole store a page at a time (with ``max_results=1``, one item a time).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from heron.auth.wire import Receive, Scope
from heron.protocol.calls import PARSED_BODY

App = Callable[[Scope, Receive, Any], Awaitable[None]]
Filter = Callable[[Any], Awaitable[Any]]

MAX_FOLLOW_UPS = 10
"""Further store pages one filtered search reads at most."""

FIELDS = {
    "filter_experiments": "experiments",
    "filter_models": "registered_models",
    "filter_versions": "model_versions",
}
"""The list each filtering hook filters, by hook."""


def _follow_up(scope: Scope, token: str, size: int) -> tuple[Scope, bytes]:
    """The same search asking for ``size`` items from ``token``: (scope, body)."""
    changed: dict[str, Any] = dict(scope)
    changed.pop(PARSED_BODY, None)
    handed = scope.get(PARSED_BODY)
    if handed is not None:  # a POST search: its JSON body, with the new page asked
        data = {**handed[1], "page_token": token, "max_results": size}
        body = orjson.dumps(data)
        changed[PARSED_BODY] = (body, data)
        changed["headers"] = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        return changed, body
    pairs = [
        (key, value)
        for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), True)
        if key not in ("page_token", "max_results")
    ]
    pairs += [("page_token", token), ("max_results", str(size))]
    changed["query_string"] = urlencode(pairs).encode("latin-1")
    return changed, b""


async def _fetch(app: App, scope: Scope, body: bytes) -> Any:
    """Serve one internal request; its JSON answer, or None when it failed."""
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    if status != 200:
        return None
    try:
        return orjson.loads(b"".join(chunks) or b"{}")
    except orjson.JSONDecodeError:
        return None


async def refill(
    app: App, scope: Scope, hook: str, unfiltered: Any, filtered: Any, keep: Filter
) -> Any:
    """``filtered`` (the user's view of the page ``unfiltered``) refilled to a full page.

    Args:
        app: The server application, to ask for further pages.
        scope: The search request.
        hook: The filtering hook (a key of :data:`FIELDS`).
        unfiltered: The store's page as the server answered it.
        filtered: That page filtered.
        keep: Filters a further page (an answer) to what the user may read.
    """
    field = FIELDS[hook]
    if not isinstance(unfiltered, dict) or not isinstance(filtered, dict):
        return filtered
    page = unfiltered.get(field)
    items = filtered.get(field)
    token = unfiltered.get("next_page_token")
    if not isinstance(page, list) or not isinstance(items, list):
        return filtered
    size = len(page)  # a page with a token after it is a full one: the size asked
    if not token or len(items) >= size:
        return filtered
    items = list(items)
    follow_ups = 0
    while token and len(items) < size and follow_ups < MAX_FOLLOW_UPS:
        follow_ups += 1
        more = await _fetch(app, *_follow_up(scope, str(token), size - len(items)))
        if not isinstance(more, dict) or not isinstance(more.get(field), list):
            break  # keep the last good token: the client can go on from there
        if not more[field]:
            token = None
            break
        readable = (await keep(more)).get(field) or []
        items.extend(readable)
        token = more.get("next_page_token")
    result = {**filtered, field: items}
    if token:
        result["next_page_token"] = token
    else:
        result.pop("next_page_token", None)
    return result
