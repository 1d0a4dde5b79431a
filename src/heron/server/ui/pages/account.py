"""The pages of a basic-auth server: sign in, your account (password, tokens,
permissions), and the admin page (users, admin flags, permissions).

Only served when the server runs with ``--app-name basic-auth``. The pages read the auth
store the gate hands over in the request scope; every change they offer goes through the
auth REST API from ``static/js`` with the session's CSRF token, like every other edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heron.auth.grants import RESOURCE_TYPES
from heron.auth.pages import safe_next
from heron.auth.permissions import ALL_PERMISSIONS
from heron.server.ui.context import UiContext

if TYPE_CHECKING:
    from heron.auth.entities import User
    from heron.auth.store import AuthStore

USER = "heron.auth.user"
STORE = "heron.auth.store"


def _grants(store: AuthStore, user: User) -> list[dict[str, str]]:
    return [
        {"resource_type": kind, "resource_id": rid, "permission": name}
        for kind in RESOURCE_TYPES
        for rid, name in sorted(store.grants.all_for_user(kind, user.id).items())
    ]


def routes(ui: UiContext) -> list[BaseRoute]:
    """The sign-in, account and admin pages (none without authentication)."""
    if not ui.settings.app_name:
        return []

    async def login_page(request: Request) -> Response:
        target = safe_next(request.query_params.get("next", ""), ui.links.prefix)
        failed = request.query_params.get("failed") == "1"
        return ui.render(request, "account/login.html", {"next": target, "failed": failed})

    async def account_page(request: Request) -> Response:
        user: User = request.scope[USER]
        store: AuthStore = request.scope[STORE]

        def load() -> dict[str, Any]:
            return {"tokens": store.tokens.list(user.id), "grants": _grants(store, user)}

        context = {"user": user, **(await run_in_threadpool(load)), "section": "account"}
        return ui.render(request, "account/account.html", context)

    async def admin_page(request: Request) -> Response:
        store: AuthStore = request.scope[STORE]

        def load() -> dict[str, Any]:
            return {"users": [(u, _grants(store, u)) for u in store.list_users()]}

        context = {
            **(await run_in_threadpool(load)),
            "resource_types": RESOURCE_TYPES,
            "permissions": list(ALL_PERMISSIONS),
            "section": "admin",
        }
        return ui.render(request, "account/admin.html", context)

    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/account", account_page, methods=["GET"]),
        Route("/admin", admin_page, methods=["GET"]),
    ]
