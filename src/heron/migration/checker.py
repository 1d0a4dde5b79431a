"""Work on committed chunks of an import, on a worker thread while the copy goes on.

Each chunk of runs is handed over as soon as its transaction has committed. One worker
verifies it (the aggregate queries of :mod:`heron.migration.verify`, on its own source
connection and Heron's thread-safe :class:`~heron.store.db.Database`), another summarises
its series into ``metric_blocks`` rows by the store's rule
(:func:`heron.store.tracking.sql.blocks.series_blocks`); the main thread writes those rows in
its next transaction (:meth:`RunChecker.ready_blocks`), or at the end. SQLite and the
database drivers release the GIL while a query runs, so the copy, the checks (both mostly
in SQL) and the summaries (in Python) share the cores. A run
whose blocks were lost to an interruption has points but no blocks, and the next import
summarises it again. Nothing already checked changes afterwards: the import only adds rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from heron.migration.experiments import ExperimentMap
from heron.migration.source import SourceDatabase
from heron.migration.verify import Verification, verify_runs
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.blocks import run_series, series_blocks

_INSERT_BLOCK = (
    "INSERT INTO metric_blocks (run_uuid, key, block_shift, block_index, points, "
    "first_point, last_point, low_point, high_point) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

BlockRows = list[tuple[Any, ...]]
"""``metric_blocks`` rows, in the table's column order."""


@dataclass
class _Chunk:
    runs: int
    check: Future[Verification]
    summary: Future[tuple[list[str], BlockRows]]
    blocks_taken: bool = False


class RunChecker:
    """Verifies and summarises chunks of runs (rows of ``run_rows``) on two worker threads.

    Args:
        source_uri: The MLflow database (the worker opens its own connection).
        db: The Heron database.
        mapping: Where each MLflow experiment went.
        artifact_uris: New artifact URIs by run id (``--copy-artifacts``).
    """

    def __init__(
        self,
        source_uri: str,
        db: Database,
        mapping: ExperimentMap,
        artifact_uris: dict[str, str],
    ):
        self._source_uri = source_uri
        self._db = db
        self._mapping = mapping
        self._artifact_uris = artifact_uris
        self._source: SourceDatabase | None = None
        self._verifier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heron-verify")
        self._summarizer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heron-blocks")
        self._chunks: list[_Chunk] = []
        self.submitted: set[str] = set()

    def submit(self, runs: Sequence[tuple[Any, ...]], summarize: Collection[str] = ()) -> None:
        """Check ``runs`` (and summarise the series of the run ids in ``summarize``) once
        the worker is free; their rows must be committed."""
        if runs:
            self.submitted.update(str(row[0]) for row in runs)
            check = self._verifier.submit(self._check, list(runs))
            summary = self._summarizer.submit(self._summarize, [str(r) for r in summarize])
            self._chunks.append(_Chunk(len(runs), check, summary))

    def ready_blocks(self) -> tuple[list[str], BlockRows]:
        """The run ids and block rows of the chunks done so far and not taken yet."""
        return self._take(wait=False)

    def remaining_blocks(self) -> tuple[list[str], BlockRows]:
        """Wait for every chunk; the run ids and block rows not taken yet."""
        return self._take(wait=True)

    def results(self, on_runs: Callable[[int], None] = lambda count: None) -> Verification:
        """Wait for every submitted check; their findings merged, in submission order."""
        merged = Verification()
        for chunk in self._chunks:
            part = chunk.check.result()
            merged.runs_checked += part.runs_checked
            merged.points_checked += part.points_checked
            merged.differences.extend(part.differences)
            on_runs(chunk.runs)
        self._chunks.clear()
        return merged

    def close(self) -> None:
        """Drop the work not started, wait for the running ones, close the connection
        (on the worker: a SQLite connection belongs to the thread that opened it)."""
        for chunk in self._chunks:
            chunk.check.cancel()
            chunk.summary.cancel()
        self._chunks.clear()
        self._verifier.submit(self._close_source)
        self._verifier.shutdown(wait=True)
        self._summarizer.shutdown(wait=True)

    def _take(self, wait: bool) -> tuple[list[str], BlockRows]:
        run_ids: list[str] = []
        rows: BlockRows = []
        for chunk in self._chunks:
            if chunk.blocks_taken or not (wait or chunk.summary.done()):
                continue
            summarized, blocks = chunk.summary.result()
            run_ids.extend(summarized)
            rows.extend(blocks)
            chunk.blocks_taken = True
        return run_ids, rows

    def _check(self, runs: list[tuple[Any, ...]]) -> Verification:
        if self._source is None:
            self._source = SourceDatabase(self._source_uri)
        result = Verification()
        verify_runs(self._source, self._db, runs, self._mapping, self._artifact_uris, result)
        return result

    def _summarize(self, run_ids: list[str]) -> tuple[list[str], BlockRows]:
        blocks = self._db.read(lambda cursor: _summaries(cursor, run_ids)) if run_ids else []
        return run_ids, blocks

    def _close_source(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None


def _summaries(cursor: Cursor, run_ids: Sequence[str]) -> BlockRows:
    return series_blocks(cursor, run_series(cursor, run_ids))


def write_blocks(cursor: Cursor, run_ids: Sequence[str], rows: BlockRows) -> None:
    """Replace the ``metric_blocks`` of ``run_ids`` by ``rows`` (in the caller's
    transaction)."""
    if run_ids:
        cursor.executemany("DELETE FROM metric_blocks WHERE run_uuid = ?", [(r,) for r in run_ids])
        cursor.executemany(_INSERT_BLOCK, rows)
