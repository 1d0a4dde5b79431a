"""MLflow's ``DefaultRunContext``: user, source name and type (Heron's :class:`DefaultContext`)."""

from __future__ import annotations

from heron.tracking.context import DefaultContext

DefaultRunContext = DefaultContext

__all__ = ["DefaultRunContext"]
