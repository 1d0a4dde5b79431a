"""Turning a page's query parameters into store arguments, the same way on every page."""

from __future__ import annotations

from heron.entities import ViewType
from heron.search import string_literal

_VIEWS = {
    "active": ViewType.ACTIVE_ONLY,
    "deleted": ViewType.DELETED_ONLY,
    "all": ViewType.ALL,
}


def view_type(value: str | None) -> int:
    """``active`` (the default), ``deleted`` or ``all`` as a :class:`ViewType`."""
    return _VIEWS.get((value or "active").lower(), ViewType.ACTIVE_ONLY)


def like_pattern(text: str) -> str:
    """A quoted ``%text%`` pattern for ``LIKE``/``ILIKE`` (the grammar has no escape for
    ``%`` and ``_``: they stay wildcards)."""
    return string_literal(f"%{text}%")
