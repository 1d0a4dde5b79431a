"""The SQL registry store, split by concern.

``store`` composes ``models`` (registered models and their tags), ``versions`` (model
versions, stages, version tags), ``aliases``, ``reads`` (key lookups and bulk loading of
whole entities) and ``search`` (the two searches, compiled by the tracking store's filter
compiler).
"""

from __future__ import annotations

from heron.store.registry.sql.store import SqlRegistryStore

__all__ = ["SqlRegistryStore"]
