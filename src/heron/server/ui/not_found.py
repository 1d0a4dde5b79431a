"""The answer to a path no route serves: the UI's error page for a browser asking for a
page (a mistyped or stale link keeps the navigation and a way back), plain ``Not Found``
for everything else (API clients, scripts, static files), as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from heron.exceptions import NotFound
from heron.server.ui.context import UiContext

NOT_PAGES = ("/api/", "/ajax-api/", "/static/", "/graphql", "/get-artifact", "/model-versions/")
"""Paths that never are pages: their unknown paths answer plain text."""

ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


def not_found_handler(ui: UiContext) -> ExceptionHandler:
    """Starlette's handler of 404 errors (a path no route matched).

    Args:
        ui: The UI's templates and links.
    """

    async def handle(request: Request, error: Exception) -> Response:
        path = request.scope.get("path", "")
        wants_page = (
            request.method in ("GET", "HEAD")
            and "text/html" in request.headers.get("accept", "")
            and not path.startswith(NOT_PAGES)
        )
        if wants_page:
            return ui.error_page(request, NotFound(f"No page at {path}"))
        detail = getattr(error, "detail", None) or "Not Found"
        headers = getattr(error, "headers", None)
        return PlainTextResponse(str(detail), status_code=404, headers=headers)

    return handle
