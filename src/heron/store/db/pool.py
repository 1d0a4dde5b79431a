"""A small connection pool shared by the SQLite and PostgreSQL drivers."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

C = TypeVar("C")


class Pool(Generic[C]):
    """Hands out DBAPI connections, one thread at a time each, and keeps idle ones.

    Args:
        connect: Opens a new connection.
        close: Closes a connection.
        max_idle: How many idle connections to keep; extra ones are closed on release.
        max_open: At most this many connections at once (callers wait); None for no limit.
            An in-memory SQLite database uses 1, since each connection would be its own
            database.

    A pool used in a child process after ``fork`` forgets the parent's connections
    (SQLite forbids using them across ``fork``) and opens its own.
    """

    def __init__(
        self,
        connect: Callable[[], C],
        close: Callable[[C], None],
        max_idle: int,
        max_open: int | None = None,
    ):
        self._connect = connect
        self._close = close
        self._max_idle = max(max_idle, 1)
        self._max_open = max_open
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._idle: list[C] = []
        self._closed = False
        self._slots = threading.Semaphore(self._max_open) if self._max_open else None

    def acquire(self) -> tuple[C, bool]:
        """A connection for the calling thread, and whether it was used before."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._reset()
        slots = self._slots
        if slots is not None:
            slots.acquire()
        try:
            with self._lock:
                if self._idle:
                    return self._idle.pop(), True
            return self._connect(), False
        except BaseException:
            if slots is not None:
                slots.release()
            raise

    def release(self, connection: C, discard: bool = False) -> None:
        """Give a connection back; ``discard`` closes it (e.g. when it is broken)."""
        with self._lock:
            ours = self._pid == os.getpid()
            keep = ours and not discard and not self._closed
            keep = keep and len(self._idle) < self._max_idle
            if keep:
                self._idle.append(connection)
        if not keep and ours:
            self._close(connection)
        if ours and self._slots is not None:
            self._slots.release()

    def close(self) -> None:
        """Close every idle connection; connections in use are closed when released."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._closed = self._pid == os.getpid()
        if self._closed:
            for connection in idle:
                self._close(connection)
