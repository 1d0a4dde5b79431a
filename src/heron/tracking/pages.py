"""Reading every page of a paged search."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from heron.entities import PagedList

T = TypeVar("T")


def read_pages(
    fetch: Callable[[int, str | None], PagedList[T]], per_page: int, max_results: int | None
) -> list[T]:
    """Follow page tokens until ``max_results`` items (all of them for None) are read.

    Args:
        fetch: Reads one page: ``fetch(how_many, page_token)``.
        per_page: The largest page to ask for.
        max_results: How many items to return at most; None for all.
    """
    items: list[T] = []
    token: str | None = None
    while max_results is None or len(items) < max_results:
        wanted = per_page if max_results is None else min(per_page, max_results - len(items))
        page = fetch(wanted, token)
        items.extend(page)
        token = page.token
        if not token:
            break
    return items
