"""What the auth layer needs of the application it protects (the server's ``HeronApp``),
as a protocol: the auth package sits below the server's and does not import it."""

from __future__ import annotations

from typing import Any, Protocol

from heron.auth.wire import Receive, Scope, Send


class ServedApp(Protocol):
    """The protected application.

    Attributes:
        settings: Its settings (``static_prefix`` is read).
        services: Its stores (``tracking`` is read).
        dispatcher: The API dispatcher (``lookup(path)`` finds protocol routes).
        router: The router of the other routes (``routes`` is read).
    """

    settings: Any
    services: Any
    dispatcher: Any
    router: Any

    def _normalise(self, path: str) -> str | None: ...

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None: ...
