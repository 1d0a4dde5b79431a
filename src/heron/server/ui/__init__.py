"""The web UI: server-rendered pages (Jinja2, HTMX) over the same stores as the REST API.

Each page module under :mod:`heron.server.ui.pages` exposes ``routes(ui)``: the Starlette
routes of its pages, given the shared :class:`~heron.server.ui.context.UiContext`. Pages
only read; every edit a page offers goes through the REST API (``/ajax-api/2.0/...``) from
``static/js/heron.js``, so validation and error codes are the API's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from heron.server.services import Services
    from heron.server.settings import ServerSettings


def ui_routes(settings: ServerSettings, services: Services) -> list[BaseRoute]:
    """Every route of the UI: its pages, the MLflow UI-support endpoints, static files."""
    from heron.server.ui import pages
    from heron.server.ui.context import UiContext

    ui = UiContext(settings, services)
    return [route for module in pages.MODULES for route in module.routes(ui)] + ui.static_routes()


def ui_exception_handlers(settings: ServerSettings, services: Services) -> dict[Any, Any]:
    """Starlette exception handlers of the UI: a page for a browser's unknown path (404)."""
    from heron.server.ui.context import UiContext
    from heron.server.ui.not_found import not_found_handler

    return {404: not_found_handler(UiContext(settings, services))}
