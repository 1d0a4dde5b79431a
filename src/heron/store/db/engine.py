"""SQLAlchemy engines, used by migrations only (the stores use the DBAPI directly)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heron import config
from heron.store.db.uris import DatabaseUri

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def make_engine(uri: DatabaseUri) -> Engine:
    """An engine for ``uri``. SQLite engines run DDL inside real transactions.

    Python's ``sqlite3`` commits before DDL by default, so a failed migration could leave
    half a schema behind; here every transaction starts with an explicit ``BEGIN
    IMMEDIATE`` and DDL is rolled back with everything else.
    """
    from sqlalchemy import create_engine, event

    if uri.dialect == "mysql":
        from heron.store.db.mysql_driver import SQL_MODE

        return create_engine(uri.uri, connect_args={"charset": "utf8mb4", "sql_mode": SQL_MODE})
    if uri.dialect != "sqlite":
        return create_engine(uri.uri)
    timeout = float(config.SQLITE_BUSY_TIMEOUT.get() or 0.0)
    engine = create_engine(uri.uri, connect_args={"timeout": timeout})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        if uri.path is not None:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
