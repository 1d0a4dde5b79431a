"""The per-file writer lock that queues one process's SQLite writers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from heron.entities import Metric
from heron.store.db import database
from heron.store.tracking.sql import SqlTrackingStore


def test_a_child_forked_while_a_writer_holds_the_lock_can_still_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERON_SQLITE_BUSY_TIMEOUT", "2")
    store = SqlTrackingStore(f"sqlite:///{tmp_path}/t.db", str(tmp_path / "artifacts"))
    run = store.create_run(store.create_experiment("e"), "u", 0, [], "r")
    lock = database._sqlite_writer_lock(os.path.realpath(tmp_path / "t.db"))
    with lock:  # another thread of the parent is mid-write at fork time
        pid = os.fork()
        if pid == 0:  # the child: its own writers must not wait on the parent's lock
            try:
                store.log_metric(run.info.run_id, Metric("m", 1.0, 1, 0))
            finally:
                os._exit(0 if store.get_run(run.info.run_id).data.metrics == {"m": 1.0} else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
