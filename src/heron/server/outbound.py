"""The server's own outbound calls to remote artifact locations: bounded, short, anonymous.

When a handler lists or reads the artifacts of a run whose location is a remote
``http(s)``/``mlflow-artifacts://host`` URI, the server connects out. Those calls:

- never carry the server's own tracking credentials (the location came from a request);
- time out quickly (:data:`CONNECT_TIMEOUT_S`, :data:`READ_TIMEOUT_S`), so a host that
  accepts and never answers holds a worker thread for seconds, not minutes;
- share one pool of at most :data:`MAX_CONNECTIONS` connections: when it is full, a call
  waits at most :data:`POOL_TIMEOUT_S` and then fails, so slow hosts can never take every
  request thread;
- fail as 400 INVALID_PARAMETER_VALUE when a location a client chose cannot be reached, and
  as 503 TEMPORARILY_UNAVAILABLE when the server's own artifact storage cannot.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from heron.exceptions import HeronError, InvalidParameter, TemporarilyUnavailable
from heron.store.artifacts.base import ArtifactReader
from heron.store.artifacts.http import HttpArtifactRepository
from heron.store.http import USER_AGENT, tls_verify

if TYPE_CHECKING:
    import httpx

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 15.0
POOL_TIMEOUT_S = 2.0
MAX_CONNECTIONS = 8
"""Outbound connections open at once, over all remote locations."""

_client: httpx.Client | None = None
_lock = threading.Lock()


def outbound_client() -> httpx.Client:
    """The server's one bounded HTTP client for remote artifact locations."""
    global _client
    with _lock:
        if _client is None:
            import httpx

            _client = httpx.Client(
                timeout=httpx.Timeout(
                    READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S, pool=POOL_TIMEOUT_S
                ),
                limits=httpx.Limits(
                    max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS
                ),
                verify=tls_verify(),
                headers={"User-Agent": USER_AGENT},
                follow_redirects=False,
            )
        return _client


class OutboundArtifactRepository(HttpArtifactRepository):
    """A remote artifact proxy location as the server reaches it (see the module doc).

    Args:
        artifact_uri: The location (already allowed by the host policy).
        own_storage: Whether it is on the server's own configured artifact storage.
    """

    def __init__(self, artifact_uri: str, own_storage: bool = False):
        super().__init__(artifact_uri)
        self.own_storage = own_storage

    def _client(self) -> httpx.Client:
        return outbound_client()

    def _auth(self) -> dict[str, str]:
        return {}

    def _unreachable(self, error: Exception) -> HeronError:
        kind = type(error).__name__
        if self.own_storage:
            return TemporarilyUnavailable(
                f"The server's artifact storage could not be reached ({kind})"
            )
        return InvalidParameter(f"The artifact location could not be reached ({kind})")

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        import httpx

        try:
            return super()._request(method, url, **kwargs)
        except httpx.TransportError as error:
            raise self._unreachable(error) from None

    def open_read(self, artifact_path: str) -> ArtifactReader:
        import httpx

        try:
            return super().open_read(artifact_path)
        except httpx.TransportError as error:
            raise self._unreachable(error) from None

    def _archive_request(
        self, method: str, artifact_path: str | None, body: bytes | None = None
    ) -> httpx.Response | None:
        import httpx

        try:
            return super()._archive_request(method, artifact_path, body)
        except httpx.TransportError as error:
            raise self._unreachable(error) from None
