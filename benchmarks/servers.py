"""Heron's tracking server against MLflow 3.17.2 and FastTrackML 0.6, reported as ratios.

Usage: python benchmarks/servers.py [--starts N] [--repeat R] [--skip-compare]
                                    [compare_servers.py options]

Runs the team's shared ``compare_servers.py`` (the real ``mlflow`` client's workload against
each server, one after the other, on fresh SQLite stores) with this checkout's
``heron server`` and prints its ratio table (peer seconds / Heron seconds: above 1 means
Heron is faster); with ``--repeat R`` it runs it R times, then prints the ratios of each
phase's median seconds and every run's search hits. Then starts the Heron server N more
times and reports the time from launch to the first healthy ``/health``. Options it does
not know (``--runs``, ``--steps``, ``--calls``, ``--skip mlflow,fasttrackml``) go to
``compare_servers.py``.

The shared bench directory is the one holding ``HERON_PEERS_SCRIPT`` (default
``../shared/bench`` beside the checkout); its ``peers.sh`` installs the peers once.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HEALTH_GOAL_S = 1.0  # the goal: server start to a healthy /health


def bench_dir() -> Path:
    """The team's shared bench directory (compare_servers.py, peers.sh)."""
    script = os.environ.get("HERON_PEERS_SCRIPT")
    return Path(script).resolve().parent if script else ROOT.parent / "shared" / "bench"


def heron_command() -> str:
    """compare_servers.py's template for this checkout's server ({dir} and {port} filled in)."""
    beside = Path(sys.executable).parent / "heron"
    executable = str(beside) if beside.exists() else shutil.which("heron") or "heron"
    return (
        f"{executable} server --backend-store-uri sqlite:///{{dir}}/h.db "
        "--default-artifact-root {dir}/art --host 127.0.0.1 --port {port}"
    )


def compare(extra_args: list[str], repeat: int = 1) -> int:
    """Run compare_servers.py with the Heron template ``repeat`` times; its output goes
    straight through, and after several runs the ratios of the median seconds follow."""
    command = [
        sys.executable,
        str(bench_dir() / "compare_servers.py"),
        "--heron",
        heron_command(),
        *extra_args,
    ]
    print("$ " + shlex.join(command), flush=True)
    results: dict[str, list[dict[str, Any]]] = {}
    status = 0
    for _ in range(repeat):
        process = subprocess.run(command, check=False, capture_output=True, text=True)
        print(process.stdout, end="", flush=True)
        print(process.stderr, end="", file=sys.stderr, flush=True)
        status = status or process.returncode
        for line in process.stdout.splitlines():
            if line.startswith("{"):
                result = json.loads(line)
                results.setdefault(result.get("server", "?"), []).append(result)
    if repeat > 1:
        print_medians(results)
    return status


def print_medians(results: dict[str, list[dict[str, Any]]]) -> None:
    """Peer/Heron ratios of each phase's median seconds over the runs, and the search hits
    of each run (the shared workload draws unseeded random data, so hits differ by server
    and run, and the client's work grows with them)."""
    heron = results.get("heron", [])
    peers = [name for name in results if name != "heron"]
    phases = [k for k, v in (heron[0] if heron else {}).items() if k.endswith(_PHASE_ENDINGS)]
    print(f"\nmedians over {len(heron)} runs".ljust(22) + "".join(f"{p:>14}" for p in peers))
    for phase in phases:
        ours = _median(heron, phase)
        cells = [_median(results[peer], phase) for peer in peers]
        print(phase.ljust(21) + "".join(_ratio(cell, ours) for cell in cells))
    for name, runs in results.items():
        print(f"search hits {name}: {[run.get('search_hits') for run in runs]}")


_PHASE_ENDINGS = ("_runs", "_calls", "_x20", "_x50", "_s")


def _median(runs: list[dict[str, Any]], phase: str) -> float | None:
    values = [run[phase] for run in runs if isinstance(run.get(phase), (int, float))]
    return statistics.median(values) if values else None


def _ratio(peer: float | None, heron: float | None) -> str:
    return f"{peer / heron:>13.1f}x" if peer and heron else f"{'-':>14}"


def load_compare_servers() -> ModuleType:
    """The shared script as a module, for its free_port and wait_healthy."""
    sys.path.insert(0, str(bench_dir()))
    import compare_servers

    return compare_servers


def time_starts(count: int) -> list[float]:
    """Seconds from launching ``heron server`` to its first 200 on /health, ``count`` times."""
    shared = load_compare_servers()
    seconds = []
    for _ in range(count):
        with tempfile.TemporaryDirectory(prefix="bench-start-") as directory:
            argv = shlex.split(heron_command().format(dir=directory, port=shared.free_port()))
            process = subprocess.Popen(
                argv,
                cwd=directory,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                seconds.append(shared.wait_healthy(f"http://{_address(argv)}", process))
            finally:
                os.killpg(process.pid, 15)
                process.wait(30)
    return seconds


def _address(argv: list[str]) -> str:
    return f"{argv[argv.index('--host') + 1]}:{argv[argv.index('--port') + 1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--starts", type=int, default=5, help="timed server starts")
    parser.add_argument("--skip-compare", action="store_true", help="only time the starts")
    parser.add_argument(
        "--repeat", type=int, default=1, help="comparison runs (then ratios of the medians)"
    )
    args, extra = parser.parse_known_args()
    status = 0 if args.skip_compare else compare(extra, args.repeat)
    if args.starts:
        seconds = time_starts(args.starts)
        best, median = min(seconds), statistics.median(seconds)
        mark = "ok" if median <= HEALTH_GOAL_S else "MISS"
        print(
            f"\nheron server start to healthy /health over {len(seconds)} starts: "
            f"min {best:.3f} s, median {median:.3f} s, max {max(seconds):.3f} s "
            f"(goal <= {HEALTH_GOAL_S:.0f} s: {mark})"
        )
    sys.exit(status)


if __name__ == "__main__":
    main()
