"""The run-by-run verification of an import, on a worker thread while the copy goes on.

Each chunk of runs is checked as soon as its transaction has committed: the worker reads
the source through its own connection and Heron's database through the shared (thread-safe)
:class:`~heron.store.db.Database`, so the aggregate queries of both sides run while the main
thread copies the next chunk (SQLite and the database drivers release the GIL while a query
runs). Nothing already checked changes afterwards: the import only adds rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from heron.migration.experiments import ExperimentMap
from heron.migration.source import SourceDatabase
from heron.migration.verify import Verification, verify_runs
from heron.store.db import Database


class RunChecker:
    """Verifies chunks of runs (rows of ``run_rows``) on one worker thread, in order.

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
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heron-verify")
        self._checks: list[tuple[int, Future[Verification]]] = []
        self.submitted: set[str] = set()

    def submit(self, runs: Sequence[tuple[Any, ...]]) -> None:
        """Check ``runs`` once the worker is free (their rows must be committed)."""
        if runs:
            self.submitted.update(str(row[0]) for row in runs)
            self._checks.append((len(runs), self._executor.submit(self._check, list(runs))))

    def results(self, on_runs: Callable[[int], None] = lambda count: None) -> Verification:
        """Wait for every submitted check; their findings merged, in submission order."""
        merged = Verification()
        for count, check in self._checks:
            part = check.result()
            merged.runs_checked += part.runs_checked
            merged.points_checked += part.points_checked
            merged.differences.extend(part.differences)
            on_runs(count)
        self._checks.clear()
        return merged

    def close(self) -> None:
        """Drop the checks not started, wait for the running one, close the connection
        (on the worker: a SQLite connection belongs to the thread that opened it)."""
        for _, check in self._checks:
            check.cancel()
        self._checks.clear()
        self._executor.submit(self._close_source)
        self._executor.shutdown(wait=True)

    def _check(self, runs: list[tuple[Any, ...]]) -> Verification:
        if self._source is None:
            self._source = SourceDatabase(self._source_uri)
        result = Verification()
        verify_runs(self._source, self._db, runs, self._mapping, self._artifact_uris, result)
        return result

    def _close_source(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None
