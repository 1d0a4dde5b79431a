"""List pages filtered to what the signed-in user may read (when the auth app is on).

The auth gate puts a check in the request's scope (:data:`READABLE`): ``check(resource,
id)`` with ``resource`` ``"experiment"`` or ``"registered_model"``. A page filtered by it is
refilled from the store's next pages until it is full or the store has no more (reading at
most :data:`~heron.auth.refill.MAX_FOLLOW_UPS` further pages), and its page token continues
after the last item read, as the REST searches do. Compare pages refuse
(403) experiments, or runs of experiments, the user may not read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from starlette.requests import Request

from heron.auth.refill import MAX_FOLLOW_UPS
from heron.entities.paging import PagedList
from heron.exceptions import PermissionDenied

READABLE = "heron.auth.readable"
"""Scope key of the auth gate's readability check (absent: everyone reads everything)."""

T = TypeVar("T")


def check_experiments(request: Request, experiment_ids: Iterable[str]) -> None:
    """Refuse a page showing experiments the user may not read (compare pages).

    Raises:
        PermissionDenied: one of them is not readable (403).
    """
    check: Callable[[str, str], bool] | None = request.scope.get(READABLE)
    if check is not None and not all(check("experiment", str(i)) for i in experiment_ids):
        raise PermissionDenied("Permission denied")


def readable_page(
    request: Request,
    resource: str,
    search: Callable[[int, str | None], PagedList[T]],
    key: Callable[[T], str],
    size: int,
    token: str | None,
) -> PagedList[T]:
    """One page of ``search`` holding only what the user may read.

    Args:
        request: The page's request (its scope may hold the check).
        resource: ``"experiment"`` or ``"registered_model"``.
        search: Asks the store for ``(max_results, page_token)``.
        key: The id of an item, as grants name it.
        size: The page size.
        token: Where the page starts.
    """
    check: Callable[[str, str], bool] | None = request.scope.get(READABLE)
    page = search(size, token)
    if check is None:
        return page
    items = [item for item in page if check(resource, key(item))]
    token = page.token
    follow_ups = 0
    while token and len(items) < size and follow_ups < MAX_FOLLOW_UPS:  # bounded work
        follow_ups += 1
        more = search(size - len(items), token)
        if not more:
            token = None
            break
        items += [item for item in more if check(resource, key(item))]
        token = more.token
    return PagedList(items, token)
