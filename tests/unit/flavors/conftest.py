"""The fluent API on a fresh SQLite store (the tracking tests' ``fluent`` fixture)."""

from __future__ import annotations

from unit.tracking.conftest import fluent

__all__ = ["fluent"]
