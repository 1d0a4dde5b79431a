"""The handler of each RPC, by route name.

A handler takes the parsed request (``{field name: typed value}``, entities built) and the
server's :class:`~heron.server.services.Services`, and returns the response's fields (or
None for an empty response). It never touches HTTP or JSON: the dispatcher does that.

A handler registered as a quick read only reads the tracking store, and usually briefly; when
that store is an embedded database, the dispatcher may run it on the event loop (see
:mod:`heron.server.scheduling`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from heron.server.services import Services

Request = dict[str, Any]
Result = Mapping[str, Any] | None
Handler = Callable[[Request, Services], Result]

HANDLERS: dict[str, Handler] = {}
QUICK_READS: set[str] = set()
"""Routes whose handlers only read the tracking store, usually briefly."""


def handles(name: str, quick_read: bool = False) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of route ``name``.

    Args:
        name: The route.
        quick_read: The handler only reads the tracking store, usually briefly.
    """

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        if quick_read:
            QUICK_READS.add(name)
        return handler

    return register
