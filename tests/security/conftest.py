"""The security tests' module-scoped basic-auth server (see ``fixtures.auth_server``)."""

from __future__ import annotations

from fixtures.auth_server import auth_server

__all__ = ["auth_server"]
