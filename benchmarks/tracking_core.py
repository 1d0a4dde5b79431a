"""Tracking-core phases, timed through one fluent/client API (``mlflow`` or ``heron``).

Usage: python tracking_core.py MODULE PHASE DIR [--n N]

MODULE is ``mlflow`` or ``heron``: both expose the same API, so the timed code is the same
line for both. The store is ``sqlite:///DIR/MODULE.db``. Populating large stores is not
timed; for MLflow it writes rows straight into MLflow's own schema (its API would take
hours for 10,000 runs), for Heron it goes through Heron's store.
Prints one JSON object: {"phase", "module", "seconds", ...}.

Phases:
  import       seconds to import the module
  log_metric   seconds per log_metric call inside a run (N calls)
  search_runs  median seconds of search_runs with a metric + param filter ordered by a
               metric, over an experiment of 10,000 runs (10 params, 10 metrics each)
  history      median seconds of get_metric_history of one metric with N points
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import sqlite3
import statistics
import sys
import time
import uuid
from typing import Any

RUNS = 10_000


def _setup(module: str, directory: str) -> Any:
    os.chdir(directory)
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    m = importlib.import_module(module)
    m.set_tracking_uri(f"sqlite:///{directory}/{module}.db")
    return m


def phase_import(module: str, directory: str, n: int) -> dict[str, Any]:
    t = time.perf_counter()
    importlib.import_module(module)
    return {"seconds": time.perf_counter() - t}


def phase_log_metric(module: str, directory: str, n: int) -> dict[str, Any]:
    m = _setup(module, directory)
    m.set_experiment("bench-log-metric")
    with m.start_run():
        m.log_metric("warmup", 1.0)
        t = time.perf_counter()
        for i in range(n):
            m.log_metric("loss", 1.0 / (i + 1), step=i)
        elapsed = time.perf_counter() - t
    return {"seconds": elapsed / n, "calls": n}


def _fill_mlflow(db: str, experiment_id: str, artifact_root: str) -> None:
    """Write 10,000 runs straight into MLflow's schema (runs, params, tags, metrics)."""
    con = sqlite3.connect(db)
    now = int(time.time() * 1000)
    rng = random.Random(7)
    runs, params, tags, metrics, latest = [], [], [], [], []
    for i in range(RUNS):
        rid = uuid.uuid4().hex
        runs.append(
            (
                rid,
                f"r{i}",
                "UNKNOWN",
                "",
                "",
                "bench",
                "FINISHED",
                now + i,
                now + i + 1,
                "",
                "active",
                f"{artifact_root}/{rid}/artifacts",
                int(experiment_id),
            )
        )
        params += [(f"p{j}", f"v{rng.randint(0, 9)}", rid) for j in range(10)]
        tags.append(("mlflow.runName", f"r{i}", rid))
        for k in range(10):
            value = rng.random()
            metrics.append((f"m{k}", value, now, rid, 0, 0))
            latest.append((f"m{k}", value, now, 0, 0, rid))
    con.executemany(
        "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id,"
        " status, start_time, end_time, source_version, lifecycle_stage, artifact_uri,"
        " experiment_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        runs,
    )
    con.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?,?,?)", params)
    con.executemany("INSERT INTO tags (key, value, run_uuid) VALUES (?,?,?)", tags)
    con.executemany(
        "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?,?,?,?,?,?)",
        metrics,
    )
    con.executemany(
        "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)"
        " VALUES (?,?,?,?,?,?)",
        latest,
    )
    con.commit()
    con.close()


def _fill_heron(client: Any, experiment_id: str) -> None:
    from heron.entities import Metric, Param

    store = client.store
    now = int(time.time() * 1000)
    rng = random.Random(7)
    for i in range(RUNS):
        run = store.create_run(experiment_id, "bench", now + i, [], f"r{i}")
        rid = run.info.run_id
        store.log_batch(
            rid,
            metrics=[Metric(f"m{k}", rng.random(), now, 0) for k in range(10)],
            params=[Param(f"p{j}", f"v{rng.randint(0, 9)}") for j in range(10)],
        )
        store.update_run_info(rid, "FINISHED", now + i + 1, None)


def _median_time(fn: Any, repeats: int) -> tuple[float, Any]:
    fn()  # warm caches and lazy imports
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def phase_search_runs(module: str, directory: str, n: int) -> dict[str, Any]:
    m = _setup(module, directory)
    client = m.MlflowClient()
    exp = client.create_experiment("bench-search")
    if module == "mlflow":
        _fill_mlflow(f"{directory}/{module}.db", exp, client.get_experiment(exp).artifact_location)
    else:
        _fill_heron(client, exp)

    def search() -> Any:
        return client.search_runs(
            [exp],
            filter_string="metrics.m1 > 0.5 and params.p1 = 'v3'",
            order_by=["metrics.m2 DESC"],
            max_results=1000,
        )

    seconds, runs = _median_time(search, n)
    return {"seconds": seconds, "hits": len(runs), "runs": RUNS}


def phase_history(module: str, directory: str, n: int) -> dict[str, Any]:
    m = _setup(module, directory)
    client = m.MlflowClient()
    exp = client.create_experiment("bench-history")
    run = client.create_run(exp)
    rid = run.info.run_id
    now = int(time.time() * 1000)
    if module == "mlflow":
        con = sqlite3.connect(f"{directory}/{module}.db")
        con.executemany(
            "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)"
            " VALUES (?,?,?,?,?,0)",
            [("loss", 1.0 / (s + 1), now + s, rid, s) for s in range(n)],
        )
        con.execute(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)"
            " VALUES ('loss', ?, ?, ?, 0, ?)",
            (1.0 / n, now + n - 1, n - 1, rid),
        )
        con.commit()
        con.close()
    else:
        from heron.entities import Metric

        for off in range(0, n, 1000):
            client.store.log_batch(
                rid,
                metrics=[
                    Metric("loss", 1.0 / (s + 1), now + s, s)
                    for s in range(off, min(n, off + 1000))
                ],
            )
    seconds, points = _median_time(lambda: client.get_metric_history(rid, "loss"), 3)
    assert len(points) == n, len(points)
    return {"seconds": seconds, "points": n}


PHASES = {
    "import": phase_import,
    "log_metric": phase_log_metric,
    "search_runs": phase_search_runs,
    "history": phase_history,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("module")
    ap.add_argument("phase", choices=sorted(PHASES))
    ap.add_argument("dir")
    ap.add_argument("--n", type=int, default=5)
    a = ap.parse_args()
    out = PHASES[a.phase](a.module, os.path.abspath(a.dir), a.n)
    out.update(phase=a.phase, module=a.module)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
