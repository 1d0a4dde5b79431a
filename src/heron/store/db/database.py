"""One database: a connection pool and transactions that retry when they lose a race."""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from typing import Any, TypeVar

from heron import config
from heron.store.db.dialect import Dialect, dialect_for
from heron.store.db.drivers import Driver, PostgresDriver, SqliteDriver, Work
from heron.store.db.pool import Pool
from heron.store.db.uris import DatabaseUri, parse_database_uri

T = TypeVar("T")

_MAX_CONFLICT_RETRIES = 10
_SQLITE_WRITER_LOCKS: dict[str, threading.Lock] = {}
_SQLITE_WRITER_LOCKS_GUARD = threading.Lock()


# A child process starts with no writer in flight: locks held by the parent's other
# threads at fork time would otherwise stay held in the child forever.
os.register_at_fork(after_in_child=_SQLITE_WRITER_LOCKS.clear)


def _sqlite_writer_lock(real_path: str) -> threading.Lock:
    """The lock this process's writers to one SQLite file queue on (one per file)."""
    with _SQLITE_WRITER_LOCKS_GUARD:
        return _SQLITE_WRITER_LOCKS.setdefault(real_path, threading.Lock())


class Database:
    """Transactions on one SQLite file or PostgreSQL/MySQL database, safe to share across threads.

    Every statement uses ``?`` placeholders. :meth:`write` runs its work in a write
    transaction (SQLite: ``BEGIN IMMEDIATE``, so concurrent writers queue instead of
    failing; writers of one process queue first on a lock per file, which wakes the next
    one as soon as the lock is free, instead of in SQLite's busy handler, whose sleeps
    grow to tens of milliseconds under contention), commits before returning, and re-runs
    the whole work function when the database reports a lost race (SQLite busy,
    PostgreSQL serialization failure or deadlock, MySQL deadlock). Work functions must
    therefore have no side effects outside the database.

    Args:
        uri: A database URI (``sqlite:///...``, ``postgresql://...``) or a parsed one.
        busy_timeout: Seconds SQLite writers wait for the lock; default from
            ``HERON_SQLITE_BUSY_TIMEOUT``.
        pool_size: Idle connections kept; default from ``HERON_SQLALCHEMYSTORE_POOL_SIZE``.
    """

    def __init__(
        self,
        uri: str | DatabaseUri,
        busy_timeout: float | None = None,
        pool_size: int | None = None,
    ):
        self.uri = parse_database_uri(uri) if isinstance(uri, str) else uri
        self.dialect: Dialect = dialect_for(self.uri.dialect)
        self.busy_timeout = float(config.SQLITE_BUSY_TIMEOUT.get(busy_timeout) or 0.0)
        self._driver: Driver
        if self.uri.dialect == "sqlite":
            self._driver = SqliteDriver(self.uri.path, self.busy_timeout)
        elif self.uri.dialect == "mysql":
            from heron.store.db.mysql_driver import MysqlDriver

            assert self.uri.conninfo is not None
            self._driver = MysqlDriver(self.uri.conninfo)
        else:
            assert self.uri.conninfo is not None
            self._driver = PostgresDriver(self.uri.conninfo)
        self._pool: Pool[Any] = Pool(
            self._driver.connect,
            self._driver.close,
            max_idle=int(config.SQLALCHEMYSTORE_POOL_SIZE.get(pool_size) or 1),
            max_open=1 if self.uri.in_memory else None,
        )
        self._writer_path = (
            os.path.realpath(self.uri.path)
            if self.uri.dialect == "sqlite" and self.uri.path is not None
            else None
        )

    def read(self, work: Work[T]) -> T:
        """Run ``work(cursor)`` in a read transaction (one consistent snapshot)."""
        return self._run(work, write=False)

    def write(self, work: Work[T]) -> T:
        """Run ``work(cursor)`` in a write transaction, committed before this returns."""
        return self._run(work, write=True)

    def close(self) -> None:
        """Close the pooled connections."""
        self._pool.close()

    def _run(self, work: Work[T], write: bool) -> T:
        started = time.monotonic()
        attempt = 0
        while True:
            connection = None
            discard = False
            try:
                connection, reused = self._pool.acquire()
                if write and self._writer_path is not None:
                    return self._locked_write(connection, work, started)
                return self._driver.transact(connection, work, write)
            except Exception as error:
                discard = connection is not None and self._driver.is_broken(connection)
                if self._should_retry(error, attempt, started, discard and reused):
                    attempt += 1
                    continue
                translated = self._driver.translate(error)
                if translated is None:
                    raise
                raise translated from error
            finally:
                if connection is not None:
                    self._pool.release(connection, discard=discard)

    def _locked_write(self, connection: Any, work: Work[T], started: float) -> T:
        """A SQLite write transaction, run once this process's other writers are done."""
        assert self._writer_path is not None
        lock = _SQLITE_WRITER_LOCKS.get(self._writer_path) or _sqlite_writer_lock(self._writer_path)
        remaining = self.busy_timeout - (time.monotonic() - started)
        if not lock.acquire(timeout=max(remaining, 0.0)):
            raise sqlite3.OperationalError("database is locked")
        try:
            return self._driver.transact(connection, work, True)
        finally:
            lock.release()

    def _should_retry(
        self, error: Exception, attempt: int, started: float, stale_connection: bool
    ) -> bool:
        if stale_connection and attempt == 0:
            return True  # a pooled connection the server dropped while it sat idle
        if not self._driver.retryable(error):
            return False
        if self.uri.dialect == "sqlite":
            if time.monotonic() - started >= self.busy_timeout:
                return False
        elif attempt >= _MAX_CONFLICT_RETRIES:
            return False
        time.sleep(min(0.001 * 2**attempt, 0.1) * (0.5 + random.random()))
        return True
