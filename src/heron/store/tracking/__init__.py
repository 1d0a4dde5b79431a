"""Tracking stores: the contract and its implementations, chosen by tracking URI.

``get_tracking_store(uri)`` returns one store per (database, artifact root) and process,
since opening a database is expensive; ``sqlite:`` and ``postgresql:`` URIs are built in,
other schemes (``http(s)``) are added with :func:`register_tracking_store`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from heron import config
from heron.exceptions import InvalidParameter

if TYPE_CHECKING:
    from heron.store.tracking.base import TrackingStore

StoreFactory = Callable[[str, str], "TrackingStore"]
"""Builds a store from a tracking URI and an absolute default artifact root."""

_FACTORIES: dict[str, StoreFactory] = {}
_STORES: dict[tuple[str, str], TrackingStore] = {}
_LOCK = threading.Lock()
SQL_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mariadb", "mssql")
"""URI schemes (before any ``+driver``) that name a SQL database."""


def register_tracking_store(scheme: str, factory: StoreFactory) -> None:
    """Make ``factory(uri, default_artifact_root)`` build the stores of ``scheme`` URIs."""
    _FACTORIES[scheme.lower()] = factory


def get_tracking_store(uri: str, default_artifact_root: str | None = None) -> TrackingStore:
    """The tracking store for ``uri``, created on first use and then reused.

    Args:
        uri: ``sqlite:///relative.db``, ``sqlite:////absolute.db``,
            ``postgresql[+driver]://user:password@host:port/database``, a folder in
            MLflow's ``mlruns`` layout (``./mlruns``, ``file:///abs/mlruns``), or a scheme
            added with :func:`register_tracking_store`.
        default_artifact_root: Where new experiments keep artifacts; default
            ``HERON_DEFAULT_ARTIFACT_ROOT`` (``./heron-artifacts``), made absolute.

    Raises:
        InvalidParameter: for an unsupported scheme.
    """
    scheme = urlsplit(uri).scheme.lower()
    base = scheme.split("+", 1)[0]
    if _is_folder(uri):  # an mlruns folder: artifacts default to the folder, as in MLflow
        return _folder_store(uri, default_artifact_root)
    root = resolve_artifact_root(default_artifact_root)
    if base in SQL_SCHEMES:
        from heron.store.db.uris import parse_database_uri

        key_uri = parse_database_uri(uri).uri
        factory: StoreFactory = _sql_store
    elif base in _FACTORIES:
        key_uri, factory = uri, _FACTORIES[base]
    else:
        supported = sorted({"sqlite", "postgresql", "mysql", *_FACTORIES})
        raise InvalidParameter(
            f"Unsupported tracking URI '{uri}'. Supported schemes: "
            f"{', '.join(s + '://' for s in supported)}, file: (or a folder path)"
        )
    with _LOCK:
        store = _STORES.get((key_uri, root))
        if store is None:
            store = _STORES[(key_uri, root)] = factory(uri, root)
    return store


def _is_folder(uri: str) -> bool:
    from heron.store.tracking.file.uris import is_folder_uri

    return is_folder_uri(uri)


def _folder_store(uri: str, default_artifact_root: str | None) -> TrackingStore:
    from heron.store.tracking.file.store import FileTrackingStore
    from heron.store.tracking.file.uris import mlruns_path

    folder = mlruns_path(uri)
    explicit = default_artifact_root or config.DEFAULT_ARTIFACT_ROOT_SETTING.raw()
    root = resolve_artifact_root(explicit) if explicit else Path(folder).as_uri()
    with _LOCK:
        store = _STORES.get((folder, root))
        if store is None:
            store = _STORES[(folder, root)] = FileTrackingStore(folder, root)
    return store


def clear_store_cache() -> None:
    """Forget (and close) every cached store; for tests and long-lived servers."""
    with _LOCK:
        stores = list(_STORES.values())
        _STORES.clear()
    for store in stores:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def resolve_artifact_root(root: str | None = None) -> str:
    """An artifact root as stored: local paths become absolute ``file://`` URIs.

    ``None`` means ``HERON_DEFAULT_ARTIFACT_ROOT``. URIs with a scheme (``s3://``,
    ``file:///...``, ``mlflow-artifacts:``) are kept as given.
    """
    value = config.DEFAULT_ARTIFACT_ROOT_SETTING.get(root) or config.DEFAULT_ARTIFACT_ROOT
    if len(urlsplit(value).scheme) > 1:  # one letter is a Windows drive, not a scheme
        return value
    return Path(value).expanduser().resolve().as_uri()


def experiment_location(artifact_location: str) -> str:
    """An experiment's explicit artifact location as stored, as MLflow stores it.

    A local path (relative or absolute) becomes a plain absolute path, relative ones against
    the current directory; URIs (``file:``, ``s3://``...) are kept as given.
    """
    if len(urlsplit(artifact_location).scheme) > 1:
        return artifact_location
    return os.path.abspath(artifact_location)


def append_to_uri(base: str, name: str) -> str:
    """``base`` followed by one more path segment: ``s3://b/x`` + ``1`` is ``s3://b/x/1``."""
    return f"{base}{name}" if base.endswith("/") else f"{base}/{name}"


def _sql_store(uri: str, root: str) -> TrackingStore:
    from heron.store.tracking.sql import SqlTrackingStore

    return SqlTrackingStore(uri, root)


def _rest_store(uri: str, root: str) -> TrackingStore:
    from heron.store.tracking.rest import RestStore

    return RestStore(uri)


register_tracking_store("http", _rest_store)
register_tracking_store("https", _rest_store)
