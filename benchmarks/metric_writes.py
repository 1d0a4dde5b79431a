"""Metric write benchmark: what the SQL store's metric write paths cost (SQLite).

Usage: python benchmarks/metric_writes.py [--repeat 5] [--json PATH]

Figures (medians over ``--repeat`` rounds, each on a fresh run):

- ``log_metric_us``: microseconds per ``log_metric`` call (1,000 calls, one key, steps 0..999);
- ``log_batch_steps_ms``: one ``log_batch`` of 1,000 points of one key (steps 0..999);
- ``log_batch_keys_ms``: one ``log_batch`` of 1,000 points at one step (1,000 keys);
- ``import_run_s``: ``import_run`` of one run holding a 1,000,000-point series.

These are the paths that also maintain the metric block summaries the chart reads use.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from heron.entities import Metric, MetricSeries, RunContent
from heron.store.tracking import clear_store_cache, get_tracking_store
from heron.store.tracking.base import TrackingStore

T0 = 1_750_000_000_000


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _round(store: TrackingStore) -> dict[str, float]:
    run_id = store.create_run("0", "bench", T0, [], "writes").info.run_id

    def log_metrics() -> None:
        for step in range(1000):
            store.log_metric(run_id, Metric("one", 1.0 / (step + 1), T0 + step, step))

    steps = [Metric("batch", 1.0 / (s + 1), T0 + s, s) for s in range(1000)]
    keys = [Metric(f"k{k}", float(k), T0, 0) for k in range(1000)]
    values = [1.0 / (1 + i / 1000) for i in range(1_000_000)]
    indexes = list(range(len(values)))
    series = MetricSeries("big", values, [T0 + i for i in indexes], indexes)
    return {
        "log_metric_us": _timed(log_metrics) * 1000,
        "log_batch_steps_ms": _timed(lambda: store.log_batch(run_id, steps, [], [])) * 1000,
        "log_batch_keys_ms": _timed(lambda: store.log_batch(run_id, keys, [], [])) * 1000,
        "import_run_s": _timed(
            lambda: store.import_run("0", RunContent(user_id="bench", series=[series]))
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the figures there too")
    args = parser.parse_args()
    rounds = []
    with tempfile.TemporaryDirectory() as directory:
        store = get_tracking_store(f"sqlite:///{directory}/store.db", f"{directory}/artifacts")
        for _ in range(args.repeat):
            rounds.append(_round(store))
        clear_store_cache()
    result = {name: round(statistics.median(r[name] for r in rounds), 2) for name in rounds[0]}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
