"""MySQL and MariaDB through PyMySQL (imported on first use).

Connections run in READ COMMITTED transactions with ``ANSI_QUOTES`` and
``PIPES_AS_CONCAT`` (so Heron's statements keep their standard quoting and ``||``), in
utf8mb4, and report matched rather than changed rows for ``UPDATE`` (as SQLite and
PostgreSQL do). Statements are rewritten by :mod:`heron.store.db.mysql_statements`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from heron.exceptions import HeronError, InvalidParameter, InvalidState, TemporarilyUnavailable
from heron.store.db.drivers import Driver, T, Work
from heron.store.db.mysql_statements import MysqlStatement, to_mysql

_log = logging.getLogger(__name__)

SQL_MODE = (
    "STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
    "NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO,ANSI_QUOTES,PIPES_AS_CONCAT"
)
REQUIRED_CHARSET = "utf8mb4"
_RETRYABLE_CODES = frozenset({1205, 1213})  # lock wait timeout, deadlock
_UNAVAILABLE_CODES = frozenset({1040, 1053, 2002, 2003, 2006, 2013, 2055})
_FOUND_ROWS = 2  # CLIENT_FOUND_ROWS: UPDATE counts matched rows, not changed ones


def connect_arguments(conninfo: str) -> dict[str, Any]:
    """PyMySQL's ``connect`` arguments for a ``mysql://user:password@host:port/db?...`` URI.

    Raises:
        InvalidParameter: the URI names no database.
    """
    parts = urlsplit(conninfo)
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise InvalidParameter(
            f"MySQL URI '{redact(conninfo)}' names no database: use "
            f"mysql://user:password@host:port/database"
        )
    arguments: dict[str, Any] = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 3306,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": database,
        "connect_timeout": 10,
    }
    for name, value in parse_qsl(parts.query):
        if name in ("unix_socket", "connect_timeout", "read_timeout", "write_timeout"):
            arguments[name] = value if name == "unix_socket" else int(value)
    return arguments


def redact(conninfo: str) -> str:
    """``conninfo`` with its password replaced by ``***``."""
    scheme, _, rest = conninfo.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not at or ":" not in credentials:
        return conninfo
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{location}"


class MysqlDriver(Driver):
    """MySQL/MariaDB through PyMySQL; the database must use the utf8mb4 character set.

    Args:
        conninfo: A ``mysql://`` URI naming a database.
    """

    def __init__(self, conninfo: str):
        from heron.extras import import_extra

        import_extra("pymysql", "mysql", "A mysql:// store", package="PyMySQL")
        self.conninfo = conninfo
        self._arguments = connect_arguments(conninfo)
        self._charset_checked = False
        self._charset_lock = threading.Lock()

    def connect(self) -> Any:
        """See :meth:`Driver.connect`."""
        import pymysql  # type: ignore[import-untyped]

        connection = pymysql.connect(
            **self._arguments,
            charset=REQUIRED_CHARSET,
            autocommit=False,
            client_flag=_FOUND_ROWS,
            sql_mode=SQL_MODE,
            init_command="SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
        )
        try:
            if not self._charset_checked:
                self._check_charset(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _check_charset(self, connection: Any) -> None:
        """Refuse a database whose character set is not utf8mb4 (MySQL's ``utf8`` stores
        at most 3 bytes per character, latin1 fewer characters still)."""
        with self._charset_lock:
            with connection.cursor() as cursor:
                cursor.execute("SELECT @@character_set_database, @@collation_database")
                charset, collation = cursor.fetchone()
            connection.rollback()
            if charset != REQUIRED_CHARSET:
                database = self._arguments["database"]
                raise InvalidState(
                    f"The MySQL database '{database}' uses the character set {charset} "
                    f"(collation {collation}); Heron requires utf8mb4. Create the database "
                    f"with 'CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE "
                    f"utf8mb4_bin' or convert it with 'ALTER DATABASE {database} CHARACTER "
                    f"SET utf8mb4 COLLATE utf8mb4_bin'."
                )
            self._charset_checked = True

    def close(self, connection: Any) -> None:
        """See :meth:`Driver.close`."""
        with contextlib.suppress(Exception):  # already closed by the server
            connection.close()

    def transact(self, connection: Any, work: Work[T], write: bool) -> T:
        """See :meth:`Driver.transact`."""
        try:
            result = work(MysqlCursor(connection.cursor()))
            connection.commit()
        except BaseException:
            if connection.open:
                with contextlib.suppress(Exception):  # broken: the server rolls back
                    connection.rollback()
            raise
        return result

    def retryable(self, error: Exception) -> bool:
        """See :meth:`Driver.retryable`: deadlocks and lock wait timeouts."""
        import pymysql

        return isinstance(error, pymysql.err.OperationalError) and _code(error) in (
            _RETRYABLE_CODES
        )

    def translate(self, error: Exception) -> HeronError | None:
        """See :meth:`Driver.translate`."""
        import pymysql

        if isinstance(error, pymysql.err.DataError):
            return InvalidParameter(f"Invalid value: {_message(error)}")
        if isinstance(error, pymysql.err.OperationalError) and (
            _code(error) in _UNAVAILABLE_CODES or _code(error) in _RETRYABLE_CODES
        ):
            _log.warning("MySQL is unavailable: %s", _message(error))
            return TemporarilyUnavailable(
                "MySQL is unavailable or busy (the server's log has the details)"
            )
        return None

    def is_broken(self, connection: Any) -> bool:
        """See :meth:`Driver.is_broken`."""
        return not connection.open


def _code(error: Exception) -> int:
    return int(error.args[0]) if error.args and isinstance(error.args[0], int) else 0


def _message(error: Exception) -> str:
    return str(error.args[1] if len(error.args) > 1 else error).strip()


def is_duplicate_key(error: Exception) -> bool:
    """Whether ``error`` is PyMySQL's duplicate-key error (1062)."""
    import sys

    pymysql = sys.modules.get("pymysql")
    return (
        pymysql is not None
        and isinstance(error, pymysql.err.IntegrityError)
        and _code(error) == 1062
    )


class MysqlCursor:
    """A PyMySQL cursor that runs Heron's statements (see :func:`to_mysql`)."""

    __slots__ = ("_cursor", "_rows")

    def __init__(self, cursor: Any):
        self._cursor = cursor
        self._rows: list[Any] | None = None

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        statement = to_mysql(sql)
        self._rows = None
        values = tuple(parameters)
        if statement.returning == "select_first":
            where = values[len(values) - statement.where_parameters :]
            self._cursor.execute(statement.select, where)
            rows = list(self._cursor.fetchall())
            self._cursor.execute(statement.sql, values)
            self._rows = rows
        else:
            self._cursor.execute(statement.sql, values)
            if statement.returning == "insert_id":
                self._rows = [(self._cursor.lastrowid,)] if self._cursor.rowcount == 1 else []
        return self

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Any:
        statement: MysqlStatement = to_mysql(sql)
        if statement.returning:
            raise ValueError("executemany cannot return rows")
        self._rows = None
        return self._cursor.executemany(statement.sql, [tuple(row) for row in seq_of_parameters])

    def fetchone(self) -> Any:
        if self._rows is not None:
            return self._rows.pop(0) if self._rows else None
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        if self._rows is not None:
            rows, self._rows = self._rows, []
            return rows
        return list(self._cursor.fetchall())
