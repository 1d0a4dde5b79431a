"""SQLite into SQLite: MLflow's file attached to a connection on Heron's, so metric points
go from one to the other in one ``INSERT ... SELECT``, never through Python objects.

The points are read in Heron's key order (run, key, step) when MLflow's database has its
``(run_uuid, key, step)`` index (MLflow 2.x on), so Heron's primary key grows at its end
instead of being split all over; the writer gets a large page cache for the copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar
from urllib.request import pathname2url

from heron.store.db.drivers import Cursor, Work

T = TypeVar("T")
_CACHE_KIB = 256 * 1024  # the writer's page cache during the copy

# Each run's metric keys by one primary-key seek per key (a loose index scan), not by
# reading every point again; ``{runs}`` is a VALUES list of the chunk's run ids.
_SERIES = (
    "WITH RECURSIVE chunk(run_uuid) AS (VALUES {runs}), series(run_uuid, key) AS ("
    "SELECT run_uuid, (SELECT min(key) FROM metrics m WHERE m.run_uuid = chunk.run_uuid) "
    "FROM chunk UNION ALL SELECT run_uuid, (SELECT min(key) FROM metrics m "
    "WHERE m.run_uuid = series.run_uuid AND m.key > series.key) FROM series "
    "WHERE key IS NOT NULL) SELECT run_uuid, key FROM series WHERE key IS NOT NULL"
)


class AttachedSqlite:
    """A write connection to Heron's SQLite file with MLflow's attached read-only as ``mlflow``.

    Args:
        dest_path: Heron's database file.
        source_path: MLflow's database file.
        busy_timeout: Seconds to wait for the write lock (other writers of Heron's file).
    """

    def __init__(self, dest_path: str, source_path: str, busy_timeout: float):
        self.connection = sqlite3.connect(
            dest_path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            source = f"file:{pathname2url(str(Path(source_path).resolve()))}?mode=ro"
            self.connection.execute("ATTACH DATABASE ? AS mlflow", (source,))
            self.ordered = self._has_run_key_step_index()
        except BaseException:
            self.connection.close()
            raise

    def copy_points(self, cursor: Cursor, run_ids: Sequence[str]) -> int:
        """Copy the metric points of ``run_ids`` (those Heron has are skipped); returns how
        many were copied."""
        order = " ORDER BY run_uuid, key, step" if self.ordered else ""
        cursor.execute(
            "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) SELECT "
            "run_uuid, key, step, timestamp, value, is_nan FROM mlflow.metrics WHERE run_uuid "
            f"IN ({', '.join('?' * len(run_ids))}){order} ON CONFLICT DO NOTHING",
            tuple(run_ids),
        )
        return int(cursor.rowcount)

    def _has_run_key_step_index(self) -> bool:
        for row in self.connection.execute("PRAGMA mlflow.index_list('metrics')"):
            columns = [
                str(column[2])
                for column in self.connection.execute(f"PRAGMA mlflow.index_info('{row[1]}')")
            ]
            if columns[:3] == ["run_uuid", "key", "step"]:
                return True
        return False

    def write(self, work: Work[T]) -> T:
        """Run ``work(cursor)`` in one write transaction."""
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            result = work(cursor)
            cursor.execute("COMMIT")
        except BaseException:
            self.connection.rollback()
            raise
        return result

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def metric_series(cursor: Cursor, run_ids: Sequence[str]) -> list[tuple[str, str]]:
    """Every ``(run_uuid, key)`` of ``run_ids`` in Heron's SQLite ``metrics``."""
    if not run_ids:
        return []
    cursor.execute(_SERIES.format(runs=", ".join(["(?)"] * len(run_ids))), tuple(run_ids))
    return [(str(run), str(key)) for run, key in cursor.fetchall()]
