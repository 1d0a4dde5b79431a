"""The tracking server's ASGI application.

Every request's path is normalised once: the static prefix is removed (a path outside it
is a 404) and ``/ajax-api/`` is read as ``/api/``, so every route is served under both.
API routes of the protocol table go to the generic :class:`~heron.server.dispatch.Dispatcher`;
the rest (plain endpoints, the artifact proxy) to a Starlette router. Security checks wrap
the whole.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute

from heron.protocol import ROUTES
from heron.server.asgi import ASGIApp, Receive, Scope, Send, send_bytes
from heron.server.dispatch import Dispatcher
from heron.server.handlers import HANDLERS
from heron.server.plain import plain_routes
from heron.server.security import CrossOriginCheck, HostCheck, OriginSplit, SecurityHeaders
from heron.server.services import Services
from heron.server.settings import ServerSettings

ARTIFACTS_PREFIX = "/api/2.0/mlflow-artifacts/"
_AJAX = "/ajax-api/"
_LOCALHOST_ORIGINS = r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]+)?$"
_NOT_SERVING_ARTIFACTS = (
    b"Endpoint disabled: the server runs with --no-serve-artifacts. "
    b"Start it with --serve-artifacts to serve artifacts."
)
_ARTIFACTS_ONLY = (
    b"Endpoint disabled: the server runs with --artifacts-only and serves only artifacts."
)


class HeronApp:
    """The server: normalised paths, the API dispatcher, then other routes.

    Args:
        settings: What to serve and how.
    """

    def __init__(self, settings: ServerSettings, services: Services | None = None):
        self.settings = settings
        self.services = services or Services(settings)
        self.dispatcher = Dispatcher(ROUTES, HANDLERS, self.services)
        self.router = Starlette(
            routes=[
                *plain_routes(settings),
                *_artifact_routes(settings),
                *_ui_routes(settings, self.services),
                *_graphql_routes(self.services),
            ],
            exception_handlers=_ui_exception_handlers(settings, self.services),
        )
        self._prefix = settings.static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.router(scope, receive, send)
            return
        path = self._normalise(scope["path"])
        if path is None:
            await send_bytes(send, 404, b"Not Found", b"text/plain")
            return
        found = self.dispatcher.lookup(path)
        if found is not None:
            if self.settings.artifacts_only:
                await send_bytes(send, 503, _ARTIFACTS_ONLY, b"text/plain")
                return
            await self.dispatcher.serve(scope, receive, send, *found)
            return
        if not self.settings.serve_artifacts and path.startswith(ARTIFACTS_PREFIX[:-1]):
            await send_bytes(send, 503, _NOT_SERVING_ARTIFACTS, b"text/plain")
            return
        await self.router(self._rerouted(scope, path), receive, send)

    def _rerouted(self, scope: Scope, path: str) -> Scope:
        """A copy of ``scope`` routed at the normalised ``path`` (and ``raw_path``)."""
        if path == scope["path"]:
            return scope
        changed: dict[str, Any] = dict(scope)
        changed["path"] = path
        raw = scope.get("raw_path")
        if raw is not None:
            raw = bytes(raw)[len(self._prefix) :]
            if raw.startswith(b"/ajax-api/"):
                raw = b"/api/" + raw[len(b"/ajax-api/") :]
            changed["raw_path"] = raw
        return changed

    def _normalise(self, path: str) -> str | None:
        prefix = self._prefix
        if prefix:
            if not path.startswith(prefix) or (
                len(path) > len(prefix) and path[len(prefix)] != "/"
            ):
                return None
            path = path[len(prefix) :] or "/"
        if path.startswith(_AJAX):
            path = "/api/" + path[len(_AJAX) :]
        return path


def _artifact_routes(settings: ServerSettings) -> list[BaseRoute]:
    """The artifact proxy's routes, when serving artifacts."""
    if not settings.serve_artifacts:
        return []
    from heron.server.artifacts import artifact_routes

    return artifact_routes(settings.artifacts_destination)


def _graphql_routes(services: Services) -> list[BaseRoute]:
    """``/graphql``: MLflow's GraphQL endpoint (graphql-core imported on first request)."""
    from heron.server.graphql import graphql_routes

    return graphql_routes(services)


def _ui_routes(settings: ServerSettings, services: Services) -> list[BaseRoute]:
    """The web UI's pages, unless the server serves artifacts only."""
    if settings.artifacts_only:
        return []
    from heron.server.ui import ui_routes

    return ui_routes(settings, services)


def _ui_exception_handlers(settings: ServerSettings, services: Services) -> dict[Any, Any]:
    """The UI's error page for a browser's unknown path (none when serving artifacts only)."""
    if settings.artifacts_only:
        return {}
    from heron.server.ui import ui_exception_handlers

    return ui_exception_handlers(settings, services)


def create_app(settings: ServerSettings | None = None, services: Services | None = None) -> ASGIApp:
    """The server's ASGI application, with its security checks.

    Args:
        settings: What to serve and how; default from ``HERON_SERVER_*`` variables.
        services: The stores to use; by default new ones, opened on first use.
    """
    settings = settings or ServerSettings.from_env()
    prefix = settings.static_prefix
    served = HeronApp(settings, services)
    heron: ASGIApp = served
    if settings.app_name:
        from heron.auth.app import protect

        heron = protect(served)
    if not settings.security_middleware:
        return heron
    frame = settings.x_frame_options
    browsers: ASGIApp = CrossOriginCheck(
        SecurityHeaders(heron, x_frame_options=frame),
        # the sign-in and sign-out forms too: no other site signs a browser in or out
        (f"{prefix}/api/", f"{prefix}/ajax-api/", f"{prefix}/login", f"{prefix}/logout"),
        settings.cors_allowed_origins,
    )
    cors_origins = [o for o in settings.cors_allowed_origins if o != "*"]
    browsers = CORSMiddleware(
        browsers,
        allow_origins=["*"] if "*" in settings.cors_allowed_origins else cors_origins,
        allow_origin_regex=_LOCALHOST_ORIGINS,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    # Requests without an Origin skip the CORS layers (they would only add "Vary: Origin").
    app = OriginSplit(browsers, SecurityHeaders(heron, vary_origin=True, x_frame_options=frame))
    exempt = frozenset({f"{prefix}/health", f"{prefix}/version"})
    return HostCheck(app, settings.host_patterns(), exempt)


def app_from_env() -> ASGIApp:
    """The application for uvicorn worker processes (settings from the environment); its
    stores open in the background while the worker starts listening."""
    settings = ServerSettings.from_env()
    services = Services(settings)
    if not settings.artifacts_only:
        services.warm_up()
    return create_app(settings, services)
