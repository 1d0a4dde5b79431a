"""One database: a connection pool and transactions that retry when they lose a race."""

from __future__ import annotations

import random
import time
from typing import Any, TypeVar

from heron import config
from heron.store.db.dialect import Dialect, dialect_for
from heron.store.db.drivers import Driver, PostgresDriver, SqliteDriver, Work
from heron.store.db.pool import Pool
from heron.store.db.uris import DatabaseUri, parse_database_uri

T = TypeVar("T")

_MAX_CONFLICT_RETRIES = 10


class Database:
    """Transactions on one SQLite file or PostgreSQL database, safe to share across threads.

    Every statement uses ``?`` placeholders. :meth:`write` runs its work in a write
    transaction (SQLite: ``BEGIN IMMEDIATE``, so concurrent writers queue instead of
    failing), commits before returning, and re-runs the whole work function when the
    database reports a lost race (SQLite busy, PostgreSQL serialization failure or
    deadlock). Work functions must therefore have no side effects outside the database.

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
        else:
            assert self.uri.conninfo is not None
            self._driver = PostgresDriver(self.uri.conninfo)
        self._pool: Pool[Any] = Pool(
            self._driver.connect,
            self._driver.close,
            max_idle=int(config.SQLALCHEMYSTORE_POOL_SIZE.get(pool_size) or 1),
            max_open=1 if self.uri.in_memory else None,
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
