"""SQLite into SQLite: MLflow's file attached to a connection on Heron's, so metric points
go from one to the other in one ``INSERT ... SELECT``, never through Python objects."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TypeVar
from urllib.request import pathname2url

from heron.store.db.drivers import Work

T = TypeVar("T")


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
            source = f"file:{pathname2url(str(Path(source_path).resolve()))}?mode=ro"
            self.connection.execute("ATTACH DATABASE ? AS mlflow", (source,))
        except BaseException:
            self.connection.close()
            raise

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
