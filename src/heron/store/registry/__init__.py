"""Registry stores: the contract and its implementations, chosen by registry URI.

The registry lives next to tracking: a ``sqlite:``/``postgresql:`` registry URI is the same
database as the tracking store (its tables are in the same schema), ``http(s):`` a tracking
server's registry endpoints. ``get_registry_store(uri)`` returns one store per URI and
process.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from heron.exceptions import InvalidParameter
from heron.store.tracking import SQL_SCHEMES

if TYPE_CHECKING:
    from heron.store.registry.base import RegistryStore

_STORES: dict[str, RegistryStore] = {}
# The same stores by (URI as given, working directory): a client asks once per call, and
# resolving a SQLite path (realpath) costs more than a small search.
_SEEN: dict[tuple[str, str], RegistryStore] = {}
_LOCK = threading.Lock()


def get_registry_store(uri: str) -> RegistryStore:
    """The registry store for ``uri``, created on first use and then reused.

    Raises:
        InvalidParameter: for an unsupported scheme.
    """
    seen = (uri, _working_directory())  # a relative SQLite path resolves against it
    store = _SEEN.get(seen)
    if store is not None:
        return store
    base = urlsplit(uri).scheme.lower().split("+", 1)[0]
    from heron.store.tracking.file.uris import is_folder_uri, mlruns_path

    if is_folder_uri(uri):  # an mlruns folder: its models/ tree
        key, base = mlruns_path(uri), "file"
    elif base in SQL_SCHEMES:
        from heron.store.db.uris import parse_database_uri

        key = parse_database_uri(uri).uri
    elif base in ("http", "https"):
        key = uri.rstrip("/")
    else:
        raise InvalidParameter(
            f"Unsupported registry URI '{uri}'. Supported schemes: "
            "sqlite://, postgresql://, mysql://, http://, https://, file: (or a folder path)"
        )
    with _LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = _open(base, uri, key)
        _SEEN[seen] = store
    return store


def _working_directory() -> str:
    try:
        return os.getcwd()
    except OSError:  # removed: only absolute paths and URLs resolve (and are remembered)
        return ""


def _open(base: str, uri: str, key_or_uri: str) -> RegistryStore:
    if base == "file":
        from heron.store.registry.file import FileRegistryStore

        return FileRegistryStore(key_or_uri)
    if base in ("http", "https"):
        from heron.store.registry.rest import RestRegistryStore

        return RestRegistryStore(uri)
    from heron.store.registry.sql import SqlRegistryStore

    return SqlRegistryStore(uri)


def clear_registry_store_cache() -> None:
    """Forget (and close) every cached registry store; for tests."""
    with _LOCK:
        stores = list(_STORES.values())
        _STORES.clear()
        _SEEN.clear()
    for store in stores:
        close = getattr(store, "close", None)
        if close is not None:
            close()
