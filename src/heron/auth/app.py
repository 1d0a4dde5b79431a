"""Building the basic-auth app around a server: configuration, store, admin, gate."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from heron.auth.api import AuthApi
from heron.auth.config import AuthConfig, check_admin_password, read_auth_config
from heron.auth.gate import AuthGate
from heron.auth.identity import Authenticator
from heron.auth.policy import Policy, audit
from heron.auth.resolve import Resolver
from heron.auth.store import AuthStore
from heron.exceptions import AlreadyExists, InvalidState

if TYPE_CHECKING:
    from heron.auth.served import ServedApp

_log = logging.getLogger(__name__)


def bootstrap_admin(store: AuthStore, auth: AuthConfig) -> None:
    """Create the configured admin user unless it exists (first start)."""
    if store.has_user(auth.admin_username):
        return
    try:
        store.create_user(auth.admin_username, check_admin_password(auth), is_admin=True)
        _log.info("Created the admin user '%s'", auth.admin_username)
    except AlreadyExists:  # another worker created it meanwhile
        pass


def _audit_to_stderr() -> None:
    """Audit lines go to the server's stderr even when logging is not configured."""
    if audit.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s AUDIT %(message)s"))
    audit.addHandler(handler)
    audit.setLevel(logging.INFO)
    audit.propagate = False


def protect(app: ServedApp, auth: AuthConfig | None = None) -> AuthGate:
    """``app`` behind authentication and the permission rules.

    Args:
        app: The server application.
        auth: The configuration; by default read from HERON_AUTH_CONFIG_PATH.

    Raises:
        InvalidParameter: a bad configuration, or no admin password for a new database.
        InvalidState: a route of the app has no permission rule (deny by default).
    """
    auth = auth or read_auth_config()
    _audit_to_stderr()
    store = AuthStore(auth.database_uri)
    bootstrap_admin(store, auth)
    authenticator = Authenticator(store)
    resolver = Resolver(lambda: app.services.tracking, lambda: app.services.registry)
    policy = Policy(store, resolver, auth.default_permission)
    gate = AuthGate(app, authenticator, policy, AuthApi(store, authenticator, policy))
    gate.session_hours = auth.session_hours
    missing = gate.unruled()
    if missing:
        raise InvalidState(
            "Refusing to serve routes without a permission rule in heron.auth.rules: "
            + ", ".join(missing)
        )
    return gate
