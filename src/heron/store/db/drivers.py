"""DBAPI drivers: how to connect, run one transaction, and read a driver's errors.

The SQLite driver uses the standard library's ``sqlite3``; the PostgreSQL driver uses
psycopg 3, imported on first use.
"""

from __future__ import annotations

import abc
import logging
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from heron.exceptions import HeronError, InvalidParameter, TemporarilyUnavailable
from heron.store.db.dialect import qmark_to_pyformat

_log = logging.getLogger(__name__)

T = TypeVar("T")


class Cursor(Protocol):
    """The part of a DBAPI cursor the stores use; statements use ``?`` placeholders."""

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        """Run one statement."""

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Any:
        """Run one statement once per parameter row."""

    def fetchone(self) -> Any:
        """The next row, or None."""

    def fetchall(self) -> list[Any]:
        """Every remaining row."""


Work = Callable[[Cursor], T]


class Driver(abc.ABC):
    """Connects to one database and runs transactions on its connections."""

    @abc.abstractmethod
    def connect(self) -> Any:
        """Open a connection, configured for Heron."""

    @abc.abstractmethod
    def close(self, connection: Any) -> None:
        """Close a connection."""

    @abc.abstractmethod
    def transact(self, connection: Any, work: Work[T], write: bool) -> T:
        """Run ``work`` in one transaction: commit when it returns, roll back if it raises."""

    @abc.abstractmethod
    def retryable(self, error: Exception) -> bool:
        """Whether the transaction failed only because of a concurrent one."""

    @abc.abstractmethod
    def translate(self, error: Exception) -> HeronError | None:
        """The Heron error to raise for a driver error, or None to let it through."""

    def is_broken(self, connection: Any) -> bool:
        """Whether a connection can no longer be used."""
        return False


_BUSY_WORDS = ("locked", "busy")
_PATH = re.compile(r"(?:[A-Za-z]:)?[/\\][^\s'\"]+")


def _without_paths(message: str) -> str:
    """``message`` with filesystem paths replaced (error texts reach clients)."""
    return _PATH.sub("<path>", message)


_UNAVAILABLE_WORDS = (*_BUSY_WORDS, "disk", "unable to open", "readonly", "read-only")


class SqliteDriver(Driver):
    """SQLite in WAL mode: readers never wait, writers queue on ``BEGIN IMMEDIATE``.

    Args:
        path: The database file, or None for an in-memory database.
        busy_timeout: Seconds a writer waits for the write lock before giving up.
    """

    def __init__(self, path: str | None, busy_timeout: float):
        self.path = path
        self.busy_timeout = busy_timeout

    def connect(self) -> sqlite3.Connection:
        """See :meth:`Driver.connect`."""
        connection = sqlite3.connect(
            self.path or ":memory:",
            timeout=self.busy_timeout,
            isolation_level=None,  # Heron issues BEGIN/COMMIT itself
            check_same_thread=False,  # the pool gives a connection to one thread at a time
            cached_statements=512,
        )
        try:
            if self.path is not None:
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            connection.close()
            raise
        return connection

    def close(self, connection: sqlite3.Connection) -> None:
        """See :meth:`Driver.close`."""
        connection.close()

    def transact(self, connection: sqlite3.Connection, work: Work[T], write: bool) -> T:
        """See :meth:`Driver.transact`. Writes take the write lock up front."""
        cursor = connection.cursor()  # one cursor for BEGIN, the work and COMMIT
        cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            result = work(cursor)
            cursor.execute("COMMIT")
        except BaseException:
            connection.rollback()
            raise
        return result

    def retryable(self, error: Exception) -> bool:
        """See :meth:`Driver.retryable`: SQLITE_BUSY and SQLITE_LOCKED."""
        message = str(error).lower()
        return isinstance(error, sqlite3.OperationalError) and any(
            word in message for word in _BUSY_WORDS
        )

    def translate(self, error: Exception) -> HeronError | None:
        """See :meth:`Driver.translate`."""
        if isinstance(error, OverflowError):
            return InvalidParameter(f"Value out of range: {error}")
        if self.retryable(error):
            return TemporarilyUnavailable(  # no path: messages reach clients
                f"The SQLite database stayed busy for more than "
                f"{self.busy_timeout:g} seconds (another process held its write lock). "
                f"Try again later."
            )
        message = str(error).lower()
        if isinstance(error, sqlite3.OperationalError) and any(
            word in message for word in _UNAVAILABLE_WORDS
        ):
            _log.warning("SQLite database %s is unavailable: %s", self.path, error)
            if "full" in message:
                return TemporarilyUnavailable("The database is full: no space left on its disk")
            hint = " (does its directory exist?)" if "unable to open" in message else ""
            return TemporarilyUnavailable(
                f"The SQLite database is unavailable: {_without_paths(str(error))}{hint}"
            )
        return None


class PostgresDriver(Driver):
    """PostgreSQL through psycopg 3, in READ COMMITTED transactions.

    Args:
        conninfo: A libpq connection URI.
    """

    def __init__(self, conninfo: str):
        from heron.extras import import_extra

        import_extra("psycopg", "postgres", "A postgresql:// store")  # fail early, in one line
        self.conninfo = conninfo

    def connect(self) -> Any:
        """See :meth:`Driver.connect`."""
        import psycopg

        options: dict[str, Any] = {}
        if "connect_timeout" not in self.conninfo:
            options["connect_timeout"] = 10
        return psycopg.connect(self.conninfo, autocommit=False, **options)

    def close(self, connection: Any) -> None:
        """See :meth:`Driver.close`."""
        connection.close()

    def transact(self, connection: Any, work: Work[T], write: bool) -> T:
        """See :meth:`Driver.transact`."""
        try:
            result = work(_PostgresCursor(connection.cursor()))
            connection.commit()
        except BaseException:
            if not connection.closed:
                connection.rollback()
            raise
        return result

    def retryable(self, error: Exception) -> bool:
        """See :meth:`Driver.retryable`: serialization failures and deadlocks."""
        from psycopg import errors

        return isinstance(error, errors.SerializationFailure | errors.DeadlockDetected)

    def translate(self, error: Exception) -> HeronError | None:
        """See :meth:`Driver.translate`."""
        import psycopg

        if isinstance(error, psycopg.DataError):
            return InvalidParameter(f"Invalid value: {str(error).strip()}")
        if isinstance(error, psycopg.OperationalError):
            _log.warning("PostgreSQL is unavailable: %s", str(error).strip())
            return TemporarilyUnavailable(
                "PostgreSQL is unavailable (the server's log has the details)"
            )
        return None

    def is_broken(self, connection: Any) -> bool:
        """See :meth:`Driver.is_broken`."""
        return bool(connection.closed or connection.broken)


class _PostgresCursor:
    """A psycopg cursor that accepts ``?`` placeholders."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: Any):
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        return self._cursor.execute(qmark_to_pyformat(sql), parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Any:
        return self._cursor.executemany(qmark_to_pyformat(sql), seq_of_parameters)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())
