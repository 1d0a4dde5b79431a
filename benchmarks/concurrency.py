"""Concurrent clients logging metric batches to ``heron server`` on SQLite: throughput and latency.

Usage: python benchmarks/concurrency.py [--clients 1,4,16] [--workers 1,2] [--duration 5]

For each worker count, starts a real ``heron server --workers W`` on a fresh SQLite store;
for each client count N, N client processes (multiprocessing, each with its own keep-alive
httpx client) send raw REST ``POST /api/2.0/mlflow/runs/log-batch`` requests of 10 metrics
(what the mlflow client sends) to their own run, as fast as they can for ``--duration``
seconds, all starting together. Reports batches/s, metrics/s, p50/p95/p99 latency, errors,
and checks that no metric row was lost (rows counted straight in the SQLite file).

Goal (issue 3): p99 <= 50 ms with 16 clients on SQLite. Clients and server share the
machine's cores, so client-side CPU is part of every figure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from artifacts_proxy import heron_executable, running_server

METRICS_PER_BATCH = 10
P99_GOAL_MS = 50.0
API = "/api/2.0/mlflow"


def _client(url: str, run_id: str, start_at: float, duration: float, out: Any) -> None:
    """One client process: log batches until the deadline; send back latencies and errors."""
    import httpx

    latencies: list[float] = []
    errors = 0
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/health")  # open the keep-alive connection before the clock starts
        time.sleep(max(0.0, start_at - time.time()))
        deadline = time.perf_counter() + duration
        step = 0
        while time.perf_counter() < deadline:
            now_ms = int(time.time() * 1000)
            metrics = [
                {"key": f"m{i}", "value": step * 0.5 + i, "timestamp": now_ms, "step": step}
                for i in range(METRICS_PER_BATCH)
            ]
            body = {"run_id": run_id, "metrics": metrics, "params": [], "tags": []}
            started = time.perf_counter()
            try:
                response = client.post(f"{API}/runs/log-batch", json=body)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
                step += 1
            else:
                errors += 1
    out.put((run_id, latencies, errors))


def _create_runs(url: str, count: int, name: str) -> list[str]:
    import httpx

    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.post(f"{API}/experiments/create", json={"name": name})
        response.raise_for_status()
        experiment_id = response.json()["experiment_id"]
        run_ids = []
        for _ in range(count):
            response = client.post(
                f"{API}/runs/create",
                json={"experiment_id": experiment_id, "start_time": int(time.time() * 1000)},
            )
            response.raise_for_status()
            run_ids.append(response.json()["run"]["info"]["run_id"])
    return run_ids


def _metric_rows(database: str, run_ids: list[str]) -> int:
    marks = ",".join("?" * len(run_ids))
    with sqlite3.connect(database) as connection:
        query = f"SELECT COUNT(*) FROM metrics WHERE run_uuid IN ({marks})"
        return int(connection.execute(query, run_ids).fetchone()[0])


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run_clients(url: str, database: str, clients: int, duration: float) -> dict[str, Any]:
    """Run ``clients`` processes for ``duration`` seconds; their combined figures."""
    run_ids = _create_runs(url, clients, f"bench-{clients}-{time.time_ns()}")
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    start_at = time.time() + 1.0 + 0.05 * clients
    processes = [
        context.Process(target=_client, args=(url, run_id, start_at, duration, out))
        for run_id in run_ids
    ]
    for process in processes:
        process.start()
    reports = [out.get(timeout=duration + 120) for _ in processes]
    for process in processes:
        process.join()
    latencies = sorted(value for _, values, _ in reports for value in values)
    batches = len(latencies)
    rows = _metric_rows(database, run_ids)
    return {
        "clients": clients,
        "batches_s": batches / duration,
        "metrics_s": batches * METRICS_PER_BATCH / duration,
        "p50": _percentile(latencies, 0.50) * 1000,
        "p95": _percentile(latencies, 0.95) * 1000,
        "p99": _percentile(latencies, 0.99) * 1000,
        "max": latencies[-1] * 1000,
        "errors": sum(errors for _, _, errors in reports),
        "lost": batches * METRICS_PER_BATCH - rows,
    }


HEADER = (
    f"{'workers':>7} {'clients':>7} {'batches/s':>9} {'metrics/s':>9} {'p50 ms':>7} "
    f"{'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'errors':>6} {'lost':>5}"
)


def _row(workers: int, figures: dict[str, Any]) -> str:
    return (
        f"{workers:>7} {figures['clients']:>7} {figures['batches_s']:>9.0f} "
        f"{figures['metrics_s']:>9.0f} {figures['p50']:>7.1f} {figures['p95']:>7.1f} "
        f"{figures['p99']:>7.1f} {figures['max']:>7.1f} {figures['errors']:>6} "
        f"{figures['lost']:>5}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,16", help="client counts (default 1,4,16)")
    parser.add_argument("--workers", default="1,2", help="server worker counts (default 1,2)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    args = parser.parse_args()
    client_counts = [int(part) for part in args.clients.split(",")]
    print(HEADER, flush=True)
    misses = []
    for workers in (int(part) for part in args.workers.split(",")):
        directory = tempfile.mkdtemp(prefix="bench-concurrency-")
        database = os.path.join(directory, "h.db")
        argv = [
            heron_executable(), "server", "--backend-store-uri", f"sqlite:///{database}",
            "--artifacts-destination", os.path.join(directory, "dest"),
            "--workers", str(workers), "--port", "{port}",
        ]  # fmt: skip
        try:
            with running_server(argv, directory) as (url, _):
                for clients in client_counts:
                    figures = run_clients(url, database, clients, args.duration)
                    print(_row(workers, figures), flush=True)
                    if clients >= 16 and figures["p99"] > P99_GOAL_MS:
                        misses.append(f"workers={workers} clients={clients}")
                    if figures["lost"] or figures["errors"]:
                        misses.append(f"workers={workers} clients={clients}: errors or lost rows")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    verdict = "ok" if not misses else "MISS (" + "; ".join(misses) + ")"
    print(f"goal (p99 <= {P99_GOAL_MS:.0f} ms at 16 clients, no errors, no lost rows): {verdict}")


if __name__ == "__main__":
    main()
