"""Per-thread autologging sessions: which integration is logging a call on this thread.

A session opens when a patched method is entered and closes when it returns. Calls of patched
methods made inside it (a Pipeline fitting its steps, a grid search fitting candidates) see
the open session and run unpatched, so one user call is logged once, by the outermost patch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AutologgingSession:
    """One outermost patched call being logged.

    Attributes:
        integration: The flavor name, e.g. ``sklearn``.
        run_id: The run the call logs to (set by the patch when it knows it).
        state: Free-form per-call data a flavor's patch keeps between its steps.
    """

    integration: str
    run_id: str | None = None
    state: dict[str, Any] = field(default_factory=dict)


_local = threading.local()


def _sessions() -> dict[str, AutologgingSession]:
    sessions: dict[str, AutologgingSession] | None = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = {}
        _local.sessions = sessions
    return sessions


def active_session(integration: str) -> AutologgingSession | None:
    """The open session of ``integration`` on this thread, if a patched call is running."""
    return _sessions().get(integration)


@contextmanager
def open_session(integration: str) -> Iterator[AutologgingSession]:
    """Open the integration's session on this thread for the duration of a patched call."""
    sessions = _sessions()
    session = AutologgingSession(integration)
    sessions[integration] = session
    try:
        yield session
    finally:
        sessions.pop(integration, None)
