"""``heron db import-mlflow``: an MLflow database copied into a Heron database, no server.

Order: experiments (tags, datasets), logged models, runs a chunk per transaction (each
chunk verified on a worker thread once committed, while the next one copies: see
:mod:`heron.migration.checker`), the registry, then the check of the registry and logged
models. While it works the Heron database carries a resume marker (table
``heron_mlflow_import``) naming the source; the marker goes once the verification passes.
Every write skips rows already there, so running the same import again finishes an
interrupted one and changes nothing after a complete one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from heron.exceptions import InvalidState
from heron.migration.artifacts import copy_artifact_tree, run_artifact_dir
from heron.migration.attached import AttachedSqlite
from heron.migration.checker import RunChecker, write_blocks
from heron.migration.experiments import ExperimentMap, copy_experiments
from heron.migration.models import copy_logged_models
from heron.migration.registry import copy_registry
from heron.migration.runs import copy_runs, run_rows
from heron.migration.source import SourceDatabase
from heron.migration.verify import Verification, verify_entities
from heron.store.db import Database, ensure_schema
from heron.store.db.drivers import Cursor

MARKER_TABLE = "heron_mlflow_import"
_POINTS_PER_TRANSACTION = 1_000_000
_MAX_RUNS_PER_TRANSACTION = 500
_RUNS_PER_CHECK = 500


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        source_revision: The MLflow schema revision of the source.
        experiments: Experiments in the source.
        runs: Runs in the source.
        runs_copied: Runs this invocation copied (the others were there already).
        points_copied: Metric points this invocation copied.
        logged_models: Logged models in the source.
        registered_models: Registered models in the source.
        seconds: Wall time of the copy (without the verification).
        verification: The final comparison.
    """

    source_revision: str
    experiments: int = 0
    runs: int = 0
    runs_copied: int = 0
    points_copied: int = 0
    logged_models: int = 0
    registered_models: int = 0
    seconds: float = 0.0
    verification: Verification = field(default_factory=Verification)


def summarize(
    experiments: int,
    runs: int,
    runs_copied: int,
    points: int,
    seconds: float,
    logged_models: int,
    registered_models: int,
) -> str:
    """The line ``heron db import-mlflow`` prints after copying."""
    rate = points / seconds if seconds else 0.0
    return (
        f"Imported {experiments} experiments, {runs} runs ({runs_copied} copied now, "
        f"{points} metric points, {rate:,.0f} points/s), {logged_models} logged models, "
        f"{registered_models} registered models."
    )


class MlflowImport:
    """One import of an MLflow database into a Heron database.

    Args:
        source_uri: The MLflow database (``sqlite:///``, ``postgresql://``, ``mysql://``).
        dest_uri: The Heron database (created when it does not exist).
        copy_artifacts: A directory to copy each run's and logged model's artifacts into
            (their URIs then point there); None leaves artifacts and their URIs as they are.

    Raises:
        InvalidParameter, InvalidState: the source is not a readable MLflow database, the
            destination is not a Heron database, or it holds another source's unfinished
            import.
    """

    def __init__(self, source_uri: str, dest_uri: str, copy_artifacts: str | None = None):
        self.source = SourceDatabase(source_uri)
        try:
            self.db = Database(dest_uri)
            ensure_schema(self.db)
        except BaseException:
            self.source.close()
            raise
        self.copy_artifacts = copy_artifacts
        self.runs = run_rows(self.source)
        self.checker: RunChecker | None = None
        self.report = ImportReport(source_revision=self.source.revision, runs=len(self.runs))
        self.mapping = ExperimentMap()
        self.artifact_uris: dict[str, str] = {}
        self.description = (
            f"MLflow database {self.source.redacted} (schema revision {self.source.revision})"
        )
        self.destination = self.db.uri.redacted

    def summary(self) -> str:
        """One line saying what the copy did."""
        return summarize(
            len(self.mapping.ids), len(self.runs), self.report.runs_copied,
            self.report.points_copied, self.report.seconds, self.report.logged_models,
            self.report.registered_models,
        )  # fmt: skip

    def close(self) -> None:
        """Stop the checks in flight and close both databases."""
        try:
            if self.checker is not None:
                self.checker.close()
        finally:
            self.source.close()
            self.db.close()

    def pending_runs(self) -> list[tuple[Any, ...]]:
        """The source's runs the Heron database does not have yet."""

        def work(cursor: Cursor) -> set[str]:
            cursor.execute("SELECT run_uuid FROM runs")
            return {str(row[0]) for row in cursor.fetchall()}

        present = self.db.read(work)
        return [row for row in self.runs if str(row[0]) not in present]

    def copy(self, on_runs: Callable[[int], None] = lambda count: None) -> ImportReport:
        """Copy everything; ``on_runs(n)`` is called after each chunk of ``n`` runs."""
        started = time.monotonic()
        mark_started(self.db, self.source.redacted)
        self.mapping = copy_experiments(self.source, self.db)
        self.report.experiments = len(self.mapping.ids)
        self.report.logged_models = copy_logged_models(
            self.source, self.db, self.mapping, self.copy_artifacts
        )
        if self.copy_artifacts is not None:
            self.artifact_uris = {
                str(row[0]): run_artifact_dir(
                    self.copy_artifacts, self.mapping.ids[int(row[1])], str(row[0])
                ).as_uri()
                for row in self.runs
            }
        pending = self.pending_runs()
        on_runs(len(self.runs) - len(pending))
        checker = self._checker()
        waiting = {str(row[0]) for row in pending}
        present = [row for row in self.runs if str(row[0]) not in waiting]
        unsummarized = self.db.read(_runs_without_blocks)
        for start in range(0, len(present), _RUNS_PER_CHECK):
            part = present[start : start + _RUNS_PER_CHECK]
            checker.submit(part, [str(r[0]) for r in part if str(r[0]) in unsummarized])
        attached = self._attach()
        try:
            for chunk in self._chunks(pending):
                self._copy_artifacts(chunk)
                self.report.points_copied += copy_runs(
                    self.source, self.db, chunk, self.mapping, self.artifact_uris, attached,
                    checker.ready_blocks(),
                )  # fmt: skip
                checker.submit(chunk, [str(row[0]) for row in chunk])
                self.report.runs_copied += len(chunk)
                on_runs(len(chunk))
        finally:
            if attached is not None:
                attached.close()
        run_ids, blocks = checker.remaining_blocks()
        self.db.write(lambda cursor: write_blocks(cursor, run_ids, blocks))
        self.report.registered_models = copy_registry(self.source, self.db)
        self.report.seconds = time.monotonic() - started
        return self.report

    def verify(self, on_runs: Callable[[int], None] = lambda count: None) -> Verification:
        """Every run's check (most done while copying), then the logged models' and the
        registry's; the resume marker goes when nothing differs."""
        checker = self._checker()
        unchecked = [row for row in self.runs if str(row[0]) not in checker.submitted]
        for start in range(0, len(unchecked), _RUNS_PER_CHECK):
            checker.submit(unchecked[start : start + _RUNS_PER_CHECK])
        result = checker.results(on_runs)
        verify_entities(self.source, self.db, self.mapping, result)
        self.report.verification = result
        if result.ok:
            clear_marker(self.db)
        return result

    def _checker(self) -> RunChecker:
        if self.checker is None:
            self.checker = RunChecker(self.source.uri, self.db, self.mapping, self.artifact_uris)
        return self.checker

    def _attach(self) -> AttachedSqlite | None:
        """SQLite to SQLite, with every column a point needs: the points move in SQL."""
        if (
            self.source.path is None
            or self.db.uri.path is None
            or not {"step", "is_nan"} <= self.source.columns("metrics")
        ):
            return None
        return AttachedSqlite(self.db.uri.path, self.source.path, self.db.busy_timeout)

    def _chunks(self, runs: Sequence[tuple[Any, ...]]) -> list[Sequence[tuple[Any, ...]]]:
        total = self.source.all("SELECT count(*) FROM metrics")[0][0] or 0
        per_run = max(int(total) / max(len(self.runs), 1), 1.0)
        size = int(min(max(_POINTS_PER_TRANSACTION // per_run, 1), _MAX_RUNS_PER_TRANSACTION))
        return [runs[start : start + size] for start in range(0, len(runs), size)]

    def _copy_artifacts(self, chunk: Sequence[tuple[Any, ...]]) -> None:
        if self.copy_artifacts is None:
            return
        for row in chunk:
            run_id = str(row[0])
            target = run_artifact_dir(self.copy_artifacts, self.mapping.ids[int(row[1])], run_id)
            copy_artifact_tree(row[-1], target)


def _runs_without_blocks(cursor: Cursor) -> set[str]:
    """Runs with metric points but no ``metric_blocks`` (an interrupted import's)."""
    cursor.execute(
        "SELECT DISTINCT run_uuid FROM latest_metrics l WHERE NOT EXISTS "
        "(SELECT 1 FROM metric_blocks b WHERE b.run_uuid = l.run_uuid)"
    )
    return {str(row[0]) for row in cursor.fetchall()}


def mark_started(db: Database, source: str) -> None:
    """Create the resume marker naming ``source`` (refusing another source's unfinished
    import)."""

    def work(cursor: Cursor) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (source VARCHAR(2048) NOT NULL, "
            "started BIGINT NOT NULL)"
        )
        cursor.execute(f"SELECT source FROM {MARKER_TABLE}")
        found = [str(row[0]) for row in cursor.fetchall()]
        if any(other != source for other in found):
            raise InvalidState(
                f"{db.uri.redacted} holds an unfinished import of {found[0]}: run "
                f"'heron db import-mlflow {found[0]} {db.uri.redacted}' to finish it first"
            )
        if not found:
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (source, started) VALUES (?, ?)",
                (source, int(time.time() * 1000)),
            )

    db.write(work)


def clear_marker(db: Database) -> None:
    """Drop the resume marker: the import is complete and verified."""
    db.write(lambda cursor: cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}"))
