"""Durability of the SQLite store under SIGKILL and under many writing processes."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from heron.entities import ViewType
from heron.store.tracking import clear_store_cache, get_tracking_store

pytestmark = pytest.mark.integration

# Logs forever, alternating single metrics and batches; prints each step once it is acked.
KILLED_WRITER = """
import sys
from heron.entities import Metric, Param, RunTag
from heron.store.tracking import get_tracking_store

store = get_tracking_store(sys.argv[1], sys.argv[2])
run_id = sys.argv[3]
step = 0
while True:
    if step % 2:
        store.log_batch(run_id, metrics=[Metric("b", 1.0, step, step)],
                        params=[Param(f"p{step}", "x")], tags=[RunTag(f"t{step}", "y")])
    else:
        store.log_metric(run_id, Metric("m", float(step), step, step))
    print(step, flush=True)
    step += 1
"""

# One of several concurrent writers: creates runs and logs to them, then says "done".
CONCURRENT_WRITER = """
import sys
from heron.entities import Metric, Param, RunTag
from heron.store.tracking import get_tracking_store

store = get_tracking_store(sys.argv[1], sys.argv[2])
worker = sys.argv[3]
for r in range(4):
    tags = [RunTag("worker", worker)]
    run_id = store.create_run("0", worker, 0, tags, f"{worker}-{r}").info.run_id
    for step in range(40):
        store.log_metric(run_id, Metric("m", float(step), step, step))
    for i in range(8):
        store.log_param(run_id, Param(f"p{i}", str(i)))
        store.set_tag(run_id, RunTag(f"t{i}", str(i)))
    store.log_batch(run_id, metrics=[Metric("b", 1.0, s, s) for s in range(20)],
                    params=[Param("batch", "yes")], tags=[RunTag("batched", "yes")])
print("done", flush=True)
"""


def _uri(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'durable.db'}"


def _integrity(tmp_path: Path) -> str:
    with sqlite3.connect(tmp_path / "durable.db") as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    store = get_tracking_store(_uri(tmp_path), str(tmp_path))
    run_id = store.create_run("0", "u", 0, [], None).info.run_id
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, _uri(tmp_path), str(tmp_path), run_id],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    acknowledged = [int(child.stdout.readline()) for _ in range(random.randint(50, 400))]
    child.send_signal(signal.SIGKILL)
    acknowledged += [int(line) for line in child.stdout.read().split()]
    child.wait()
    clear_store_cache()
    _assert_stored(tmp_path, run_id, acknowledged)


def _assert_stored(tmp_path: Path, run_id: str, acknowledged: list[int]) -> None:
    store = get_tracking_store(_uri(tmp_path), str(tmp_path))
    logged_single = {m.step for m in store.get_metric_history(run_id, "m")}
    logged_batch = {m.step for m in store.get_metric_history(run_id, "b")}
    assert {s for s in acknowledged if s % 2 == 0} <= logged_single
    assert {s for s in acknowledged if s % 2} <= logged_batch
    # A batch is all or nothing, acknowledged or not.
    data = store.get_run(run_id).data
    assert {int(k[1:]) for k in data.params} == logged_batch
    assert {int(k[1:]) for k in data.tags if k.startswith("t")} == logged_batch
    assert _integrity(tmp_path) == "ok"


def test_concurrent_processes_lose_nothing(tmp_path: Path) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_WRITER, _uri(tmp_path), str(tmp_path), f"w{i}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    results = [worker.communicate(timeout=600) for worker in workers]
    assert [(w.returncode, out, err) for w, (out, err) in zip(workers, results, strict=True)] == [
        (0, "done\n", "")
    ] * 8
    store = get_tracking_store(_uri(tmp_path), str(tmp_path))
    runs = store.search_runs(["0"], run_view_type=ViewType.ALL, max_results=100)
    assert sorted(r.info.run_name or "" for r in runs) == sorted(
        f"w{i}-{r}" for i in range(8) for r in range(4)
    )
    for run in runs:
        assert len(store.get_metric_history(run.info.run_id, "m")) == 40
        assert len(store.get_metric_history(run.info.run_id, "b")) == 20
        assert (len(run.data.params), len(run.data.tags)) == (9, 11)
    assert _integrity(tmp_path) == "ok"
