"""Databases behind the SQL stores: URIs, connections, schema, and migrations.

``upgrade(uri)`` (used by ``heron db upgrade``) and ``current_revision(uri)`` are the
public entry points; stores open databases with :class:`Database` and
:func:`ensure_schema`.
"""

from __future__ import annotations

from heron.store.db.bootstrap import HEAD_REVISION, REVISIONS, ensure_schema
from heron.store.db.database import Database
from heron.store.db.migrate import current_revision, upgrade
from heron.store.db.uris import DatabaseUri, parse_database_uri

__all__ = [
    "HEAD_REVISION",
    "REVISIONS",
    "Database",
    "DatabaseUri",
    "current_revision",
    "ensure_schema",
    "parse_database_uri",
    "upgrade",
]
