"""search_runs over an ``mlruns`` folder: MLflow 3.17.2's FileStore vs Heron's file store.

Usage:
  python benchmarks/file_store.py [--runs N] [--repeats N] [--rounds N]
      write a folder of ``--runs`` runs (10 params, 10 metrics of 20 steps, 5 tags each)
      in one experiment, then time the same searches with each store, each in a fresh
      process over the same folder; print median milliseconds and ratios (MLflow / Heron).
      The tools take turns for ``--rounds`` rounds; each search's best round counts.
  python benchmarks/file_store.py TOOL DIR EXPERIMENT_ID [--repeats N]
      one tool (``mlflow`` or ``heron``) in this process (one JSON line)

The folder is written by Heron's file store (the layout is MLflow's, byte for byte: the
compat tests check that MLflow reads it). Each search runs once to warm the page cache,
then ``--repeats`` times; the median counts.

Goal (issue 18): the filtered search >= 3x faster than MLflow's FileStore. The MLflow
virtualenv is ``$HERON_PEERS_DIR/mlflow`` (default ``~/.cache/heron-peers/mlflow``).
Quote ratios, not absolute times: shared machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEARCHES = {
    "filter metric and param": "metrics.m0 > 0.5 and params.p1 = 'v3'",
    "filter tag LIKE": "tags.t2 LIKE 'group-1%'",
    "no filter": "",
}


def write_folder(folder: Path, runs: int) -> str:
    """A folder with ``runs`` runs in one experiment; returns the experiment id."""
    from heron.entities import Metric, Param, RunTag
    from heron.store.tracking.file.store import FileTrackingStore

    store = FileTrackingStore(str(folder))
    experiment_id = store.create_experiment("bench")
    for i in range(runs):
        run_id = store.create_run(experiment_id, "bench", 1000 + i, [], f"run-{i}").info.run_id
        metrics = [
            Metric(f"m{k}", ((i * 7 + k * 13 + s) % 100) / 100, 1000 + s, s)
            for k in range(10)
            for s in range(20)
        ]
        params = [Param(f"p{k}", f"v{(i + k) % 10}") for k in range(10)]
        tags = [RunTag(f"t{k}", f"group-{(i + k) % 20}") for k in range(5)]
        store.log_batch(run_id, metrics, params, tags)
        store.update_run_info(run_id, "FINISHED", 2000 + i, None)
    return experiment_id


def time_searches(tool: str, folder: str, experiment_id: str, repeats: int) -> dict[str, Any]:
    """Median milliseconds of each search with one tool's store."""
    if tool == "mlflow":
        os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
        from mlflow.entities import ViewType
        from mlflow.store.tracking.file_store import FileStore

        store: Any = FileStore(folder)

        def search(filter_string: str) -> int:
            runs = store.search_runs([experiment_id], filter_string, ViewType.ACTIVE_ONLY, 1000)
            return len(runs)
    else:
        from heron.store.tracking.file.store import FileTrackingStore

        heron_store = FileTrackingStore(folder)

        def search(filter_string: str) -> int:
            return len(heron_store.search_runs([experiment_id], filter_string or None))

    result: dict[str, Any] = {"tool": tool, "ms": {}, "found": {}}
    for label, filter_string in SEARCHES.items():
        result["found"][label] = search(filter_string)  # warm-up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            search(filter_string)
            times.append((time.perf_counter() - start) * 1000)
        result["ms"][label] = statistics.median(times)
    return result


def _peer_python() -> str:
    peers = Path(os.environ.get("HERON_PEERS_DIR") or Path.home() / ".cache" / "heron-peers")
    return str(peers / "mlflow" / "bin" / "python")


def _run_tool(tool: str, folder: str, experiment_id: str, repeats: int) -> dict[str, Any]:
    python = _peer_python() if tool == "mlflow" else sys.executable
    command = [python, __file__, tool, folder, experiment_id, "--repeats", str(repeats)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    parsed: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return parsed


def main() -> None:
    """Parse the command line and run the benchmark (or one tool's part)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tool", nargs="?")
    parser.add_argument("folder", nargs="?")
    parser.add_argument("experiment_id", nargs="?")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.tool:
        print(json.dumps(time_searches(args.tool, args.folder, args.experiment_id, args.repeats)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "mlruns"
        started = time.perf_counter()
        experiment_id = write_folder(folder, args.runs)
        print(f"wrote {args.runs} runs in {time.perf_counter() - started:.1f} s")
        best: dict[str, dict[str, float]] = {"mlflow": {}, "heron": {}}
        for _ in range(args.rounds):
            for tool in ("mlflow", "heron"):
                result = _run_tool(tool, str(folder), experiment_id, args.repeats)
                for label, ms in result["ms"].items():
                    best[tool][label] = min(ms, best[tool].get(label, float("inf")))
                if tool == "heron":
                    found = result["found"]
        print(f"{'search':<28}{'mlflow ms':>12}{'heron ms':>12}{'ratio':>8}  found")
        for label in SEARCHES:
            mlflow_ms, heron_ms = best["mlflow"][label], best["heron"][label]
            print(
                f"{label:<28}{mlflow_ms:>12.1f}{heron_ms:>12.1f}"
                f"{mlflow_ms / heron_ms:>7.1f}x  {found[label]}"
            )


if __name__ == "__main__":
    main()
