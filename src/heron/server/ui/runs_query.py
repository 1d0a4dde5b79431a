"""A runs table's view as its URL states it: experiments, filter, sort, columns, paging."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from starlette.datastructures import QueryParams

from heron.entities.paging import decode_page_token, encode_page_token
from heron.exceptions import InvalidParameter
from heron.search import parse_order_by
from heron.server.ui.query import view_type
from heron.server.ui.runs_columns import PARENT_TAG, Column, identifier, parse_columns

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_COLUMNS = 200
"""Columns a runs table shows at most (the first ones the URL names): the page grows with
the square of its columns (each header's links carry them all), so 3,000 of them made one
request answer 446 MB."""
DEFAULT_ORDER = ("attributes.start_time DESC",)
TOP_LEVEL_FILTER = f"{identifier('tag', PARENT_TAG)} IS NULL"


@dataclass(frozen=True)
class RunsView:
    """What the URL of a runs table asks for.

    Attributes:
        experiment_ids: The experiments whose runs are shown.
        filter: The filter as typed (the search grammar, OR and parentheses included).
        order_by: ``order_by`` elements as typed (empty: newest first).
        columns: The chosen columns, or None for the default ones.
        view: ``active``, ``deleted`` or ``all``.
        page_token: Where the page starts.
        page_size: Runs per page (1 to 1000).
        top_level: Only runs without a parent (children open under their parent).
    """

    experiment_ids: tuple[str, ...]
    filter: str = ""
    order_by: tuple[str, ...] = ()
    columns: tuple[Column, ...] | None = None
    view: str = "active"
    page_token: str = ""
    page_size: int = PAGE_SIZE
    top_level: bool = False

    @classmethod
    def from_query(cls, experiment_ids: list[str], params: QueryParams) -> RunsView:
        """The view of a request's query string (bad sizes fall back to the default)."""
        chosen = list(dict.fromkeys(c for c in params.getlist("columns") if c))[:MAX_COLUMNS]
        view = params.get("view", "active")
        return cls(
            experiment_ids=tuple(dict.fromkeys(experiment_ids)),
            filter=params.get("filter", "").strip(),
            order_by=tuple(o.strip() for o in params.getlist("order_by") if o.strip()),
            columns=tuple(parse_columns(chosen)) if chosen else None,
            view=view if view in ("active", "deleted", "all") else "active",
            page_token=params.get("page_token", ""),
            page_size=_page_size(params.get("page_size")),
            top_level=params.get("nested") == "tree",
        )

    @property
    def view_type(self) -> int:
        return view_type(self.view)

    @property
    def store_order(self) -> list[str]:
        return list(self.order_by or DEFAULT_ORDER)

    @property
    def store_filter(self) -> str | None:
        """The filter the store searches with (top-level runs only, in the tree view)."""
        if not self.top_level:
            return self.filter or None
        return f"({self.filter}) AND {TOP_LEVEL_FILTER}" if self.filter else TOP_LEVEL_FILTER

    @property
    def offset(self) -> int:
        try:
            return decode_page_token(self.page_token)
        except InvalidParameter:
            return 0

    def previous_token(self) -> str | None:
        """The token of the page before this one (``""`` for the first), None on the first."""
        if not self.offset:
            return None
        before = max(0, self.offset - self.page_size)
        return encode_page_token(before) if before else ""

    def query(self, **changes: Any) -> dict[str, Any]:
        """The URL parameters of this view with ``changes`` (the page token dropped unless
        given: any other change starts at the first page)."""
        changed = replace(self, page_token=changes.pop("page_token", ""), **changes)
        return {
            "filter": changed.filter,
            "order_by": list(changed.order_by),
            "columns": None if changed.columns is None else [c.spec for c in changed.columns],
            "view": None if changed.view == "active" else changed.view,
            "nested": "tree" if changed.top_level else None,
            "page_size": None if changed.page_size == PAGE_SIZE else changed.page_size,
            "page_token": changed.page_token,
        }

    def sort_direction(self, order_by: str | None) -> str | None:
        """``ASC``/``DESC`` when the view sorts first by ``order_by`` (an element without
        direction, e.g. a column's), else None."""
        if order_by is None:
            return None
        try:
            first = parse_order_by(self.store_order[:1], "runs")[0]
            wanted = parse_order_by([order_by], "runs")[0]
        except InvalidParameter:
            return None
        if (first.entity, first.key) != (wanted.entity, wanted.key):
            return None
        return "ASC" if first.ascending else "DESC"


def _page_size(value: str | None) -> int:
    try:
        size = int(value or PAGE_SIZE)
    except ValueError:
        return PAGE_SIZE
    return min(max(size, 1), MAX_PAGE_SIZE)
