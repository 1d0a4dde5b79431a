"""Export and import of one experiment between Heron servers: Heron vs mlflow-export-import.

Usage: python benchmarks/transfer.py [--runs 500] [--workers 8] [--server-workers 1]
                                     [--skip-peer] [--dir DIR]

Starts two ``heron server`` processes (SQLite, proxied artifacts), fills the source with an
experiment of ``--runs`` runs (10 params, 10 metrics x 100 steps, two small artifacts
each), then times, on the same two servers:

- Heron: ``heron.transfer.export_experiment`` into a bundle, then ``import_experiment``
  into the destination (``--workers`` runs at a time);
- mlflow-export-import 1.2.0 (``~/.cache/heron-peers/exim``; its ``export-experiment`` and
  ``import-experiment`` console scripts, whose output is discarded).

Prints runs per second for each step and Heron's speed-up (goal: >= 10x, issue 6).
``make bench`` runs the servers with ``--server-workers 2`` (one per core of the 2-core
machine it was tuned on, as a team server runs; MLflow's own default is 4): with one
worker process the destination server, not the tools, bounds Heron's import. The
peer keeps only part of what Heron keeps (no run times, status or datasets): the figures
compare the same workload, not the same result.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from artifacts_proxy import heron_executable, running_server

GOAL = 10.0
EXIM_BIN = Path(os.environ.get("HERON_PEERS_DIR", Path.home() / ".cache/heron-peers")) / "exim/bin"
EXPERIMENT = "bench-transfer"


def fill(url: str, runs: int, directory: Path) -> None:
    """The source experiment: ``runs`` runs of params, metric histories and two files."""
    from heron.entities import Metric, Param
    from heron.tracking.client import MlflowClient

    client = MlflowClient(tracking_uri=url)
    experiment = client.create_experiment(EXPERIMENT)
    (directory / "files").mkdir()
    (directory / "files" / "config.json").write_text('{"alpha": 0.5}\n')
    (directory / "files" / "report.txt").write_text("accuracy 0.93\n" * 50)
    now = int(time.time() * 1000)

    def one(index: int) -> None:
        run_id = client.create_run(experiment, start_time=now + index).info.run_id
        metrics = [
            Metric(f"m{key}", step * 0.01 + key, now + step, step)
            for key in range(10)
            for step in range(100)
        ]
        params = [Param(f"p{key}", str(index * key)) for key in range(10)]
        client.log_batch(run_id, metrics=metrics, params=params, synchronous=True)
        client.log_artifacts(run_id, str(directory / "files"))
        client.set_terminated(run_id, end_time=now + 1000 + index)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(runs)))


def timed(label: str, work: object) -> float:
    """Seconds ``work()`` takes, printed."""
    started = time.perf_counter()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds


def heron_side(source: str, destination: str, out: Path, workers: int) -> tuple[float, float]:
    """Seconds of Heron's export, then import."""
    from heron import transfer
    from heron.tracking.client import MlflowClient

    export = timed(
        "heron export",
        lambda: transfer.export_experiment(
            EXPERIMENT, str(out), client=MlflowClient(tracking_uri=source), workers=workers
        ),
    )
    target = MlflowClient(tracking_uri=destination)
    load = timed(
        "heron import",
        lambda: transfer.import_experiment(
            str(out), "heron-imported", client=target, workers=workers
        ),
    )
    return export, load


def _peer(tool: str, uri: str, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    env["MLFLOW_TRACKING_URI"] = uri
    subprocess.run(
        [str(EXIM_BIN / tool), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def peer_side(source: str, destination: str, out: Path) -> tuple[float, float]:
    """Seconds of mlflow-export-import's export, then import."""
    export = timed(
        "peer export",
        lambda: _peer(
            "export-experiment", source, "--experiment", EXPERIMENT, "--output-dir", str(out)
        ),
    )
    load = timed(
        "peer import",
        lambda: _peer(
            "import-experiment",
            destination,
            "--experiment-name",
            "peer-imported",
            "--input-dir",
            str(out),
        ),
    )
    return export, load


def server_argv(directory: Path, workers: int = 1) -> list[str]:
    """A ``heron server`` over SQLite in ``directory``, with proxied artifacts."""
    directory.mkdir()
    return [
        heron_executable(),
        "server",
        "--backend-store-uri",
        f"sqlite:///{directory / 'heron.db'}",
        "--artifacts-destination",
        str(directory / "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        str(workers),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument(
        "--server-workers",
        type=int,
        default=1,
        help="Worker processes of each server (both tools use the same servers).",
    )
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--dir", default=None, help="Work directory (default: a temp dir).")
    args = parser.parse_args()
    root = Path(args.dir or tempfile.mkdtemp(prefix="heron-bench-transfer-"))
    with (
        running_server(server_argv(root / "source", args.server_workers), str(root)) as (
            source,
            _,
        ),
        running_server(server_argv(root / "destination", args.server_workers), str(root)) as (
            destination,
            _,
        ),
    ):
        print(f"Filling {args.runs} runs ...", flush=True)
        fill(source, args.runs, root)
        heron = heron_side(source, destination, root / "heron-bundle", args.workers)
        peer = None if args.skip_peer else peer_side(source, destination, root / "peer-bundle")
    print(f"\n{args.runs} runs (10 params, 10 metrics x 100 steps, 2 files each), runs/s:")
    print(f"{'step':<8}{'heron':>10}{'peer':>10}{'speed-up':>10}")
    for index, step in enumerate(("export", "import")):
        ours = args.runs / heron[index]
        theirs = args.runs / peer[index] if peer else None
        ratio = f"{ours / theirs:.1f}x" if theirs else "-"
        print(f"{step:<8}{ours:>10.1f}{theirs or 0:>10.1f}{ratio:>10}")
    if peer:
        total = (peer[0] + peer[1]) / (heron[0] + heron[1])
        verdict = "meets" if total >= GOAL else "misses"
        print(f"overall {total:.1f}x ({verdict} the >= {GOAL:.0f}x goal)")


if __name__ == "__main__":
    main()
