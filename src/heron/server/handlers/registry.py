"""The handler of each RPC, by route name.

A handler takes the parsed request (``{field name: typed value}``, entities built) and the
server's :class:`~heron.server.services.Services`, and returns the response's fields (or
None for an empty response). It never touches HTTP or JSON: the dispatcher does that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from heron.server.services import Services

Request = dict[str, Any]
Result = Mapping[str, Any] | None
Handler = Callable[[Request, Services], Result]

HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of route ``name``."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register
