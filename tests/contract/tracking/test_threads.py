"""One store shared by several threads (async logging, a server) loses nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from heron.entities import Metric, Param, RunTag
from heron.store.tracking.base import TrackingStore


def test_threads_share_a_store(store: TrackingStore, experiment_id: str, run_id: str) -> None:
    def work(worker: int) -> None:
        for step in range(30):
            store.log_metric(run_id, Metric(f"w{worker}", float(step), step, step))
        store.log_param(run_id, Param(f"p{worker}", "x"))
        store.set_tag(run_id, RunTag("last", str(worker)))
        store.create_run(experiment_id, "u", 0, [], f"extra-{worker}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(4)))
    assert len(store.get_run(run_id).data.params) == 4
    assert [len(store.get_metric_history(run_id, f"w{w}")) for w in range(4)] == [30] * 4
    assert len(store.search_runs([experiment_id])) == 5
