"""What every page handler shares: settings, stores, templates, links, response headers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount

from heron.exceptions import HeronError
from heron.server.services import Services
from heron.server.settings import ServerSettings
from heron.server.ui import formatting
from heron.server.ui.links import Links
from heron.server.ui.static_files import STATIC_DIR, FingerprintedFiles, fingerprint
from heron.version import __version__

HERE = Path(__file__).parent

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
"""Pages run only the server's own script files: no inline script, no eval, no plugins."""

PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

PageHandler = Callable[[Request], Response]


class UiContext:
    """The UI's shared parts, one per server process.

    Args:
        settings: The server's settings (static prefix, artifact serving).
        services: The stores every page reads through.
    """

    def __init__(self, settings: ServerSettings, services: Services):
        self.settings = settings
        self.services = services
        self.links = Links(settings.static_prefix)
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.templates.globals.update(
            links=self.links,
            static=self.links.static,
            heron_version=__version__,
            serve_artifacts=settings.serve_artifacts,
        )
        self.templates.filters.update(formatting.FILTERS)
        self.templates.tests.update(formatting.TESTS)

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        """A page (or, for an HTMX request, a fragment template) with the UI's headers."""
        values = {
            "request": request,
            "fragment": is_fragment(request),
            "auth_user": request.scope.get("heron.auth.user"),  # set when auth is on
            "csrf": request.scope.get("heron.auth.csrf"),
            **(context or {}),
        }
        html = self.templates.get_template(template).render(values)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def error_page(self, request: Request, error: HeronError) -> HTMLResponse:
        """The error page for a store error: its code, message and HTTP status."""
        context = {"error": error, "status": error.http_status}
        return self.render(request, "error.html", context, status=error.http_status)

    def page(self, handler: PageHandler) -> PageHandler:
        """Wrap a page handler: a :class:`HeronError` renders the error page."""

        @wraps(handler)
        def wrapped(request: Request) -> Response:
            try:
                return handler(request)
            except HeronError as error:
                return self.error_page(request, error)

        return wrapped

    def static_routes(self) -> list[BaseRoute]:
        """The vendored and own JS/CSS files, under ``/static/<fingerprint>/``."""
        files = FingerprintedFiles(directory=STATIC_DIR)
        return [Mount(f"/static/{fingerprint()}", app=files, name="static")]


def is_fragment(request: Request) -> bool:
    """Whether HTMX asked for a part of a page (not a history restore)."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )
