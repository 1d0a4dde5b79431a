"""An MLflow database opened read-only: SQLite, PostgreSQL or MySQL, through its DBAPI driver.

The importer never writes to the source. It reads with plain SQL on the DBAPI connection
(no ORM: tens of millions of metric rows go through here), and asks which tables and
columns exist rather than trusting the revision alone, since MLflow added columns (and
tables) over its 67 revisions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import pathname2url

from heron.exceptions import InvalidParameter, InvalidState
from heron.store.db.bootstrap import REVISIONS as HERON_REVISIONS
from heron.store.db.mlflow_revisions import MLFLOW_HEAD_REVISION, is_mlflow_revision
from heron.store.db.uris import parse_database_uri

_FETCH_SIZE = 50_000


class SourceDatabase:
    """A read-only connection to an MLflow database.

    Args:
        uri: ``sqlite:///...``, ``postgresql://...`` or ``mysql://...`` (``mysql+pymysql``
            and ``mariadb`` are accepted too).

    Raises:
        InvalidParameter: the URI is malformed, or the SQLite file does not exist.
        InvalidState: the database is not an MLflow database, or of an unknown revision.
    """

    def __init__(self, uri: str):
        self.uri = uri
        self.dialect, self._connection, self.redacted, self.path = _connect(uri)
        self._placeholder = "?" if self.dialect == "sqlite" else "%s"
        self._quote = "`" if self.dialect == "mysql" else '"'
        self.tables = self._table_names()
        self.revision = self._read_revision()
        self._columns: dict[str, frozenset[str]] = {}

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()

    def q(self, name: str) -> str:
        """``name`` quoted as an identifier (``key`` is a reserved word in MySQL)."""
        return f"{self._quote}{name}{self._quote}"

    def has_table(self, table: str) -> bool:
        """Whether the source has ``table``."""
        return table in self.tables

    def columns(self, table: str) -> frozenset[str]:
        """The column names of ``table`` (empty when the table does not exist)."""
        if table not in self._columns:
            names: frozenset[str] = frozenset()
            if self.has_table(table):
                cursor = self._cursor()
                cursor.execute(f"SELECT * FROM {self.q(table)} WHERE 1 = 0")
                names = frozenset(str(column[0]).lower() for column in cursor.description)
                cursor.close()
            self._columns[table] = names
        return self._columns[table]

    def column_or_null(self, table: str, column: str, alias: str = "") -> str:
        """``column`` when ``table`` has it, else ``NULL`` (older MLflow revisions)."""
        prefix = f"{alias}." if alias else ""
        return f"{prefix}{self.q(column)}" if column in self.columns(table) else "NULL"

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Run a query (``?`` placeholders) and stream its rows."""
        cursor = self._cursor()
        try:
            cursor.execute(sql.replace("?", self._placeholder), tuple(parameters))
            while True:
                batch = cursor.fetchmany(_FETCH_SIZE)
                if not batch:
                    return
                yield from (tuple(row) for row in batch)
        finally:
            cursor.close()

    def all(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a query."""
        return list(self.rows(sql, parameters))

    def _cursor(self) -> Any:
        return self._connection.cursor()

    def _table_names(self) -> frozenset[str]:
        if self.dialect == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        elif self.dialect == "postgresql":
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        else:
            sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = database()"
        return frozenset(str(row[0]).lower() for row in self.all(sql))

    def _read_revision(self) -> str:
        if not self.has_table("alembic_version"):
            raise InvalidState(
                f"{self.redacted} is not an MLflow database: it has no alembic_version table"
                + (" (it is empty)" if not self.tables else "")
            )
        found = self.all("SELECT version_num FROM alembic_version")
        revision = str(found[0][0]) if found else ""
        if revision in HERON_REVISIONS:
            raise InvalidState(
                f"{self.redacted} is a Heron database (revision {revision}), not an MLflow "
                f"one: there is nothing to import"
            )
        if not is_mlflow_revision(revision):
            raise InvalidState(
                f"{self.redacted} has schema revision '{revision}', which is not one of "
                f"MLflow's (1.x to 3.17, head {MLFLOW_HEAD_REVISION}). A newer MLflow may "
                f"have written it: run 'mlflow db upgrade' with MLflow 3.17 or downgrade it, "
                f"or export it with MLflow's own tools."
            )
        if not self.has_table("runs") or not self.has_table("experiments"):
            raise InvalidState(f"{self.redacted} has no experiments or runs table")
        return revision


def _connect(uri: str) -> tuple[str, Any, str, str | None]:
    """(dialect, DBAPI connection, redacted URI, SQLite file or None)."""
    scheme = uri.partition("://")[0].split("+", 1)[0].lower()
    if scheme in ("mysql", "mariadb"):
        return "mysql", _connect_mysql(uri), _redact(uri), None
    parsed = parse_database_uri(uri)
    if parsed.dialect == "sqlite":
        if parsed.path is None or not Path(parsed.path).is_file():
            raise InvalidParameter(f"Source database {uri} does not exist (no such file)")
        reader = sqlite3.connect(f"file:{pathname2url(parsed.path)}?mode=ro", uri=True)
        return "sqlite", reader, parsed.redacted, parsed.path
    import psycopg

    assert parsed.conninfo is not None
    try:
        connection: Any = psycopg.connect(parsed.conninfo, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        raise InvalidParameter(f"Cannot connect to {parsed.redacted}: {error}") from error
    connection.read_only = True  # the importer never writes to the source
    return "postgresql", connection, parsed.redacted, None


def _connect_mysql(uri: str) -> Any:
    import pymysql  # type: ignore[import-untyped]

    parts = urlsplit(uri)
    try:
        return pymysql.connect(
            host=parts.hostname or "localhost",
            port=parts.port or 3306,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/") or None,
            charset="utf8mb4",
            connect_timeout=10,
        )
    except pymysql.MySQLError as error:
        raise InvalidParameter(f"Cannot connect to {_redact(uri)}: {error}") from error


def _redact(uri: str) -> str:
    scheme, _, rest = uri.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not at or ":" not in credentials:
        return uri
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{location}"
