"""The SQL tracking store, split by entity.

``store`` composes ``experiments``, ``runs``, ``writes`` (metric/param/tag hot paths),
``history``, ``inputs``, ``reads`` (bulk-loading runs), ``search`` (filter/order_by to
SQL) and ``queries`` (search_runs, search_experiments).
"""

from __future__ import annotations

from heron.store.tracking.sql.store import SqlTrackingStore

__all__ = ["SqlTrackingStore"]
