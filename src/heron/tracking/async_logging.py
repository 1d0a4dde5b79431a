"""Asynchronous logging: queued writes, applied by one background thread per process.

``log_metric(..., synchronous=False)`` and friends queue their write and return a
:class:`RunOperations` at once. A single daemon thread takes everything queued so far, groups
it per run into as few ``log_batch`` calls as MLflow's limits allow, and resolves each write
when its batch is committed. The queue is flushed at interpreter exit and by
:func:`flush_async_logging`.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from heron.entities import Metric, Param, RunTag
from heron.store.batching import fits_in_batch
from heron.store.tracking.base import TrackingStore

_log = logging.getLogger(__name__)

MAX_WRITES_PER_ROUND = 10000
"""At most this many queued writes are grouped into batches in one go."""


class RunOperations:
    """Queued writes to wait for.

    Args:
        operation_futures: One future per queued write; it holds None or the write's error.
    """

    def __init__(self, operation_futures: Iterable[Future[None]] | None = None):
        self._operation_futures = list(operation_futures or ())

    def wait(self) -> None:
        """Block until every write is committed; re-raise the first error, if any."""
        errors = [error for f in self._operation_futures if (error := f.exception()) is not None]
        if errors:
            raise errors[0]

    @staticmethod
    def merge(operations: Iterable[RunOperations]) -> RunOperations:
        """One handle on the writes of several handles."""
        return RunOperations(f for op in operations for f in op._operation_futures)


@dataclass(eq=False)
class _Write:
    """One queued ``log_batch`` call, within the batch limits."""

    store: TrackingStore
    run_id: str
    metrics: Sequence[Metric]
    params: Sequence[Param]
    tags: Sequence[RunTag]
    future: Future[None] = field(default_factory=Future)


def _pack(writes: list[_Write]) -> list[list[_Write]]:
    """Group one run's writes, in order, into batches within limits.

    A write whose param or tag key is already in the current batch starts a new one, so a
    re-logged param is not a duplicate key and the later of two tag values still wins.
    """
    batches: list[list[_Write]] = []
    current: list[_Write] = []
    counts = [0, 0, 0]
    keys: set[tuple[str, str]] = set()
    for write in writes:
        sizes = (len(write.metrics), len(write.params), len(write.tags))
        new_keys = {("p", p.key) for p in write.params} | {("t", t.key) for t in write.tags}
        total = [have + add for have, add in zip(counts, sizes, strict=True)]
        if current and (not fits_in_batch(*total) or keys & new_keys):
            batches.append(current)
            current, total, keys = [], list(sizes), set()
        current.append(write)
        counts = total
        keys |= new_keys
    if current:
        batches.append(current)
    return batches


def _commit(batch: list[_Write]) -> None:
    """Apply a batch in one ``log_batch`` call and resolve its writes.

    ``log_batch`` is all-or-nothing, so when a batch of several writes fails, each write is
    retried alone: its own error lands on its own future and the others still get stored.
    """
    first = batch[0]
    try:
        first.store.log_batch(
            first.run_id,
            metrics=[m for w in batch for m in w.metrics],
            params=[p for w in batch for p in w.params],
            tags=[t for w in batch for t in w.tags],
        )
    except Exception as error:
        if len(batch) > 1:
            for write in batch:
                _commit([write])
            return
        _log.warning("Asynchronous logging to run %s failed: %s", first.run_id, error)
        first.future.set_exception(error)
        return
    for write in batch:
        write.future.set_result(None)


def _apply(writes: list[_Write]) -> None:
    """Commit queued writes, grouped per (store, run) in the order they were queued."""
    groups: dict[tuple[int, str], list[_Write]] = {}
    for write in writes:
        groups.setdefault((id(write.store), write.run_id), []).append(write)
    for group in groups.values():
        for batch in _pack(group):
            _commit(batch)


class AsyncLogger:
    """The queue and its worker thread, started on first use."""

    def __init__(self) -> None:
        self._queue: queue.Queue[_Write] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(
        self,
        store: TrackingStore,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> RunOperations:
        """Queue one ``log_batch`` call (already within limits) and return its handle."""
        write = _Write(store, run_id, list(metrics), list(params), list(tags))
        self._start()
        self._queue.put(write)
        return RunOperations([write.future])

    def flush(self) -> None:
        """Block until every write queued so far has been committed or has failed."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.join()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="heron-async-logging", daemon=True
                )
                self._thread.start()

    def _take(self) -> list[_Write]:
        writes = [self._queue.get()]
        while len(writes) < MAX_WRITES_PER_ROUND:
            try:
                writes.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return writes

    def _work(self) -> None:
        while True:
            writes = self._take()
            try:
                _apply(writes)
            except BaseException as error:  # a bug here must not leave callers waiting forever
                _log.exception("Asynchronous logging failed")
                for write in writes:
                    if not write.future.done():
                        write.future.set_exception(error)
            finally:
                for _ in writes:
                    self._queue.task_done()


_logger = AsyncLogger()


def async_logger() -> AsyncLogger:
    """This process's asynchronous logger."""
    return _logger


def flush_async_logging() -> None:
    """Block until every write queued for asynchronous logging has been applied."""
    _logger.flush()


def _after_fork_in_child() -> None:
    # The parent's worker thread does not exist in a forked child: start afresh there.
    global _logger
    _logger = AsyncLogger()


atexit.register(flush_async_logging)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
