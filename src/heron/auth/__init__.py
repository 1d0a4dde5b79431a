"""Authentication and permissions, compatible with MLflow's ``basic-auth`` app.

``heron server --app-name basic-auth`` wraps the server in :class:`~heron.auth.gate.AuthGate`:
every request is authenticated (HTTP Basic, a personal access token as ``Bearer``, or the
web UI's session cookie) and checked against the one table of permission rules
(:mod:`heron.auth.rules`) before it reaches a handler. Users, admins, per-experiment and
per-registered-model permissions and tokens live in their own database
(:mod:`heron.auth.store`), configured like MLflow's ``basic_auth.ini``
(:mod:`heron.auth.config`).
"""

from __future__ import annotations

APP_NAME = "basic-auth"
"""The ``--app-name`` that turns authentication on (MLflow's name)."""
