"""What handlers work with: the tracking and registry stores (one each per worker process)
and artifact roots.

``mlflow-artifacts:`` URIs name places under the server's artifacts destination; the server
resolves them there itself (never through the client-side proxy repository, which would
call the server back).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from heron.server.settings import ServerSettings

if TYPE_CHECKING:
    from heron.store.artifacts.base import ArtifactRepository
    from heron.store.registry.base import RegistryStore
    from heron.store.tracking.base import TrackingStore

PROXY_SCHEME = "mlflow-artifacts"
_PROXIED_SCHEMES = frozenset({"http", "https"})
_log = logging.getLogger(__name__)


class Services:
    """The stores behind one server process, created on first use and then reused.

    Args:
        settings: The server's settings.
    """

    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self._tracking: TrackingStore | None = None
        self._registry: RegistryStore | None = None
        self._lock = threading.Lock()
        self.startup_error: Exception | None = None

    def warm_up(self, on_failure: Callable[[Exception], None] | None = None) -> None:
        """Open the stores in a background thread, so the server listens meanwhile
        (requests arriving early wait for it). A failure is logged, kept in
        :attr:`startup_error` and passed to ``on_failure``."""

        def work() -> None:
            try:
                _ = self.tracking
            except Exception as error:
                _log.error("Could not open the backend store: %s", error)
                self.startup_error = error
                if on_failure is not None:
                    on_failure(error)

        threading.Thread(target=work, name="heron-store-warm-up", daemon=True).start()

    @property
    def tracking(self) -> TrackingStore:
        """The tracking store of ``--backend-store-uri``."""
        store = self._tracking
        if store is None:
            with self._lock:
                if self._tracking is None:
                    from heron.store.tracking import get_tracking_store

                    self._tracking = get_tracking_store(
                        self.settings.backend_store_uri, self.settings.artifact_root
                    )
                store = self._tracking
        return store

    @property
    def quick_reads(self) -> bool:
        """Whether quick reads of the tracking store may run on the event loop: the store
        is open (opening it may wait) and its reads are local."""
        store = self._tracking
        return store is not None and store.local_reads

    @property
    def registry(self) -> RegistryStore:
        """The registry store of ``--registry-store-uri`` (by default the backend store's
        database, where the registry's tables sit next to tracking's)."""
        store = self._registry
        if store is None:
            with self._lock:
                if self._registry is None:
                    from heron.store.registry import get_registry_store

                    uri = self.settings.registry_store_uri or self.settings.backend_store_uri
                    self._registry = get_registry_store(uri)
                store = self._registry
        return store

    def artifact_repository(self, artifact_uri: str) -> ArtifactRepository:
        """The repository rooted at ``artifact_uri``, as the server reaches it.

        ``mlflow-artifacts:/<path>`` (with or without a host: the server never connects
        to one) is ``<path>`` under the artifacts destination;
        ``<path>`` must stay inside it. A location naming a host must pass the host policy
        (:mod:`heron.store.artifacts.host_policy`), and is reached without the server's
        credentials, with short timeouts, over a bounded pool
        (:mod:`heron.server.outbound`).

        Raises:
            InvalidParameter: The location names a host the server must not connect to.
        """
        from heron.store.artifacts import get_artifact_repository

        parts = urlsplit(artifact_uri)
        if parts.scheme.lower() != PROXY_SCHEME:
            return self._remote_repository(artifact_uri)
        from heron.store.artifacts.paths import safe_relative_path
        from heron.store.tracking import append_to_uri

        relative = safe_relative_path(parts.path.lstrip("/"))
        destination = self.settings.artifacts_destination
        root = append_to_uri(destination, relative) if relative else destination
        return get_artifact_repository(root)

    def _remote_repository(self, artifact_uri: str) -> ArtifactRepository:
        """The repository of a location that is not under the artifacts destination."""
        from heron.server.locations import server_roots
        from heron.store.artifacts import get_artifact_repository
        from heron.store.artifacts.host_policy import check_uri_host, is_trusted, uri_targets

        roots = server_roots(self.settings)
        check_uri_host(artifact_uri, roots)
        scheme = urlsplit(artifact_uri).scheme.lower()
        if uri_targets(artifact_uri) is not None and scheme in _PROXIED_SCHEMES:
            from heron.server.outbound import OutboundArtifactRepository

            return OutboundArtifactRepository(artifact_uri, is_trusted(artifact_uri, roots))
        return get_artifact_repository(artifact_uri)
