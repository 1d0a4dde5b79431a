"""The registry of an ``mlruns`` folder: its ``models/`` tree, as MLflow 3.17.2 writes it."""

from __future__ import annotations

from heron.store.registry.file.folder import RegistryFolder
from heron.store.registry.file.store import FileRegistryStore

__all__ = ["FileRegistryStore", "RegistryFolder"]
