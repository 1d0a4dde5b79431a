"""The auth app's REST API: MLflow's user and permission routes, and Heron's token routes.

MLflow 3.17.2's routes (``/api/2.0/mlflow/users/...``, ``/api/3.0/mlflow/users/permissions/
{grant,revoke,get}``) and the 2.x per-resource routes (``/api/2.0/mlflow/experiments/
permissions/...``, ``/api/2.0/mlflow/registered-models/permissions/...``), all also under
``/ajax-api``. Who may call each is decided here, next to the handler: admins; the user
themselves; or MANAGE on the resource for permission changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import orjson
from starlette.concurrency import run_in_threadpool

from heron.auth.entities import User
from heron.auth.grants import EXPERIMENT, REGISTERED_MODEL, RESOURCE_TYPES
from heron.auth.identity import CSRF_HEADER, Authenticator, Caller
from heron.auth.policy import Policy, audit
from heron.auth.resolve import first
from heron.auth.wire import ClientDisconnected, Receive, Scope, Send, header, read_body, send_bytes
from heron.exceptions import HeronError, InvalidParameter, PermissionDenied
from heron.protocol import error_body

if TYPE_CHECKING:
    from heron.auth.gate import AuthGate
    from heron.auth.store import AuthStore

OwnRoute = Callable[["AuthGate", Scope, Receive, Send], Awaitable[None]]


@dataclass
class Call:
    """One call of the auth API: who, with which parameters."""

    caller: User
    params: dict[str, Any]

    def text(self, name: str, required: bool = True) -> str | None:
        """A string parameter (InvalidParameter when required and missing)."""
        value = first(self.params, name)
        if value is None and required:
            raise InvalidParameter(f"Missing value for required parameter '{name}'.")
        return value


class AuthApi:
    """The auth app's routes, served by the gate before any rule applies.

    Args:
        store: The auth store.
        authenticator: For forgetting remembered logins when users change.
        policy: Permission decisions (MANAGE on a resource).
    """

    def __init__(self, store: AuthStore, authenticator: Authenticator, policy: Policy):
        self.store, self.authenticator, self.policy = store, authenticator, policy
        self.routes: dict[tuple[str, str], OwnRoute] = {}
        users, v3 = "/api/2.0/mlflow/users", "/api/3.0/mlflow/users"
        table: list[tuple[str, str, Callable[[Call], dict[str, Any]]]] = [
            ("POST", f"{users}/create", self.create_user),
            ("GET", f"{users}/get", self.get_user),
            ("GET", f"{users}/list", self.list_users),
            ("GET", f"{users}/current", self.current_user),
            ("PATCH", f"{users}/update-password", self.update_password),
            ("PATCH", f"{users}/update-admin", self.update_admin),
            ("DELETE", f"{users}/delete", self.delete_user),
            ("POST", f"{v3}/permissions/grant", self.grant),
            ("POST", f"{v3}/permissions/revoke", self.revoke),
            ("GET", f"{v3}/permissions/get", self.get_permission),
            ("GET", f"{v3}/permissions/list", self.list_permissions),
            ("GET", f"{v3}/current/permissions", self.current_permissions),
            ("POST", "/api/2.0/heron/tokens/create", self.create_token),
            ("GET", "/api/2.0/heron/tokens/list", self.list_tokens),
            ("POST", "/api/2.0/heron/tokens/revoke", self.revoke_token),
        ]
        for kind, key in ((EXPERIMENT, "experiment_id"), (REGISTERED_MODEL, "name")):
            base = "/api/2.0/mlflow/" + (
                "experiments" if kind == EXPERIMENT else "registered-models"
            )
            for method, verb in (
                ("POST", "create"),
                ("GET", "get"),
                ("PATCH", "update"),
                ("DELETE", "delete"),
            ):
                table.append((method, f"{base}/permissions/{verb}", self._legacy(kind, key, verb)))
        for method, path, function in table:
            self.routes[(method, path)] = _serve(function)
        from heron.auth.pages import page_routes

        self.routes.update(page_routes())

    def lookup(self, method: str, path: str) -> OwnRoute | None:
        """The handler of one of the auth app's routes, or None."""
        return self.routes.get((method, path))

    # Users

    def create_user(self, call: Call) -> dict[str, Any]:
        _admin(call)
        user = self.store.create_user(call.text("username"), call.text("password"))
        audit.info("user=%s created user %s", call.caller.username, user.username)
        return {"user": user.to_json()}

    def get_user(self, call: Call) -> dict[str, Any]:
        username = call.text("username")
        _admin_or_self(call, username)
        return {"user": self.store.get_user(username).to_json()}

    def list_users(self, call: Call) -> dict[str, Any]:
        _admin(call)
        return {"users": [u.to_json() for u in self.store.list_users()]}

    def current_user(self, call: Call) -> dict[str, Any]:
        return {"user": call.caller.to_json(), "is_basic_auth": True}

    def update_password(self, call: Call) -> dict[str, Any]:
        username, password = call.text("username"), call.text("password")
        _admin_or_self(call, username)
        if username == call.caller.username:
            current = call.params.get("current_password")
            if not isinstance(current, str) or not current:
                raise InvalidParameter(
                    "Current password is required when changing your own password."
                )
            if self.store.authenticate_user(username or "", current) is None:
                raise InvalidParameter("Current password does not match.")
            if password == current:
                raise InvalidParameter("New password must differ from the current password.")
        self.store.update_user(username, password=password)
        self.authenticator.forget(username)
        audit.info("user=%s changed the password of %s", call.caller.username, username)
        return {}

    def update_admin(self, call: Call) -> dict[str, Any]:
        _admin(call)
        username = call.text("username")
        is_admin = call.params.get("is_admin")
        if isinstance(is_admin, str) and is_admin.lower() in ("true", "false"):
            is_admin = is_admin.lower() == "true"
        self.store.update_user(username, is_admin=is_admin)
        self.authenticator.forget(username)
        audit.info("user=%s set is_admin=%s for %s", call.caller.username, is_admin, username)
        return {}

    def delete_user(self, call: Call) -> dict[str, Any]:
        _admin(call)
        username = call.text("username")
        if username == call.caller.username:
            raise HeronError(
                "Users cannot delete their own account. "
                "Ask another admin to delete this user instead.",
                "BAD_REQUEST",
            )
        self.store.delete_user(username)
        self.authenticator.forget(username)
        self.policy.forget()
        audit.info("user=%s deleted user %s", call.caller.username, username)
        return {}

    # Permissions (MLflow 3.x unified routes)

    def _manage(self, call: Call, resource_type: str, resource_id: str) -> None:
        if resource_type not in RESOURCE_TYPES:
            valid = ", ".join(RESOURCE_TYPES)
            raise InvalidParameter(
                f"Invalid resource_type '{resource_type}'. Valid types are: {valid}"
            )
        if not self.policy.permission(call.caller, resource_type, resource_id).can_manage:
            raise PermissionDenied("Permission denied")

    def grant(self, call: Call) -> dict[str, Any]:
        kind, rid = call.text("resource_type") or "", call.text("resource_id") or ""
        permission = call.text("permission")
        self._manage(call, kind, rid)
        user = self.store.get_user(call.text("username"))
        self.store.grants.put(kind, rid, user.id, permission)
        self.policy.forget(user.id)
        audit.info(
            "user=%s granted %s on %s %s to %s",
            call.caller.username,
            permission,
            kind,
            rid,
            user.username,
        )
        return {}

    def revoke(self, call: Call) -> dict[str, Any]:
        kind, rid = call.text("resource_type") or "", call.text("resource_id") or ""
        self._manage(call, kind, rid)
        user = self.store.get_user(call.text("username"))
        self.store.grants.delete(kind, rid, user.id)
        self.policy.forget(user.id)
        audit.info("user=%s revoked %s %s from %s", call.caller.username, kind, rid, user.username)
        return {}

    def get_permission(self, call: Call) -> dict[str, Any]:
        username = call.text("username")
        _admin_or_self(call, username)
        kind, rid = call.text("resource_type") or "", call.text("resource_id") or ""
        if kind not in RESOURCE_TYPES:
            raise InvalidParameter(f"Invalid resource_type '{kind}'.")
        permission = self.policy.permission(self.store.get_user(username), kind, rid)
        return {"allowed": permission.can_use, "permission": permission.name}

    def _rows(self, user: User) -> dict[str, Any]:
        rows = [
            {"resource_type": kind, "resource_pattern": rid, "permission": name}
            for kind in RESOURCE_TYPES
            for rid, name in sorted(self.store.grants.all_for_user(kind, user.id).items())
        ]
        return {"is_admin": user.is_admin, "permissions": rows}

    def list_permissions(self, call: Call) -> dict[str, Any]:
        username = call.text("username")
        _admin_or_self(call, username)
        return self._rows(self.store.get_user(username))

    def current_permissions(self, call: Call) -> dict[str, Any]:
        return self._rows(call.caller)

    # MLflow 2.x per-resource routes

    def _legacy(self, kind: str, key: str, verb: str) -> Callable[[Call], dict[str, Any]]:
        field = "experiment_permission" if kind == EXPERIMENT else "registered_model_permission"

        def handle(call: Call) -> dict[str, Any]:
            rid = call.text(key) or ""
            user = self.store.get_user(call.text("username"))
            if verb == "get":
                if not (call.caller.is_admin or call.caller.username == user.username):
                    self._manage(call, kind, rid)
                name = self.store.grants.get(kind, rid, user.id)
                if name is None:
                    from heron.exceptions import NotFound

                    raise NotFound(
                        f"{field} with {key}={rid} and username={user.username} not found"
                    )
                return {field: {key: rid, "user_id": user.id, "permission": name}}
            self._manage(call, kind, rid)
            permission = call.text("permission") if verb != "delete" else None
            if verb == "create":
                self.store.grants.create(kind, rid, user.id, permission)
            elif verb == "update":
                self.store.grants.update(kind, rid, user.id, permission)
            else:
                self.store.grants.delete(kind, rid, user.id)
            self.policy.forget(user.id)
            audit.info(
                "user=%s %s %s permission on %s %s for %s",
                call.caller.username,
                verb,
                permission or "",
                kind,
                rid,
                user.username,
            )
            if verb == "create":
                return {field: {key: rid, "user_id": user.id, "permission": permission}}
            return {}

        return handle

    # Tokens

    def create_token(self, call: Call) -> dict[str, Any]:
        token, secret = self.store.tokens.create(
            call.caller.id, call.params.get("name"), call.params.get("expires_in_days")
        )
        audit.info("user=%s created token %s", call.caller.username, token.id)
        return {"token": secret, "token_info": token.to_json()}

    def list_tokens(self, call: Call) -> dict[str, Any]:
        return {"tokens": [t.to_json() for t in self.store.tokens.list(call.caller.id)]}

    def revoke_token(self, call: Call) -> dict[str, Any]:
        self.store.tokens.revoke(call.caller.id, call.params.get("id"))
        self.authenticator.forget(call.caller.username)
        audit.info("user=%s revoked token %s", call.caller.username, call.params.get("id"))
        return {}


def _admin(call: Call) -> None:
    if not call.caller.is_admin:
        raise PermissionDenied("Permission denied")


def _admin_or_self(call: Call, username: str | None) -> None:
    if not (call.caller.is_admin or call.caller.username == username):
        raise PermissionDenied("Permission denied")


def _serve(function: Callable[[Call], dict[str, Any]]) -> OwnRoute:
    async def serve(gate: AuthGate, scope: Scope, receive: Receive, send: Send) -> None:
        caller: Caller | None = await gate.caller(scope)
        method = scope["method"]
        if caller is None:
            await gate.unauthenticated(scope, send, method, "/api/")
            return
        if (
            caller.via == "session"
            and method != "GET"
            and header(scope, CSRF_HEADER.encode()) != caller.csrf
        ):
            await send_bytes(send, 403, b"Missing or invalid CSRF token.", b"text/plain")
            return
        try:
            params: dict[str, Any] = {
                k: v[0]
                for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()
            }
            if method != "GET":
                body = await read_body(receive, 1024 * 1024)
                try:
                    decoded = orjson.loads(body) if body.strip() else {}
                except orjson.JSONDecodeError:
                    raise InvalidParameter("Request body is not valid JSON.") from None
                if not isinstance(decoded, dict):
                    raise InvalidParameter("Request body must be a JSON object.")
                params.update(decoded)
            result = await run_in_threadpool(function, Call(caller.user, params))
        except ClientDisconnected:
            return
        except HeronError as error:
            await send_bytes(send, error.http_status, orjson.dumps(error_body(error)))
            return
        await send_bytes(send, 200, orjson.dumps(result))

    return serve
