"""SQLite writers queue behind a busy writer and never report "database is locked"."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from heron.entities import Metric
from heron.exceptions import TemporarilyUnavailable
from heron.store.tracking.sql import SqlTrackingStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlTrackingStore]:
    store = SqlTrackingStore(f"sqlite:///{tmp_path / 'busy.db'}", str(tmp_path))
    yield store
    store.close()


def _hold_write_lock(path: Path, release: threading.Event, held: threading.Event) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    held.set()
    release.wait()
    connection.execute("COMMIT")
    connection.close()


def test_writer_waits_for_another_writer(store: SqlTrackingStore, tmp_path: Path) -> None:
    run_id = store.create_run("0", "u", 0, [], None).info.run_id
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(tmp_path / "busy.db", release, held))
    holder.start()
    held.wait()
    threading.Timer(0.3, release.set).start()
    store.log_metric(run_id, Metric("m", 1.0, 0, 0))
    holder.join()
    assert len(store.get_metric_history(run_id, "m")) == 1


def test_writer_gives_up_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERON_SQLITE_BUSY_TIMEOUT", "0.2")
    store = SqlTrackingStore(f"sqlite:///{tmp_path / 'busy.db'}", str(tmp_path))
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(tmp_path / "busy.db", release, held))
    holder.start()
    held.wait()
    try:
        with pytest.raises(TemporarilyUnavailable) as caught:
            store.create_experiment("blocked")
    finally:
        release.set()
        holder.join()
    assert "locked" not in caught.value.message
    assert store.get_experiment_by_name("blocked") is None
