"""MLflow's ``GitRunContext``: commit, branch and remote URL (Heron's :class:`GitContext`)."""

from __future__ import annotations

from heron.tracking.context import GitContext

GitRunContext = GitContext

__all__ = ["GitRunContext"]
