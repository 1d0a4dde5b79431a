"""Side-by-side benchmarks: Heron against MLflow 3.17.2, reported as ratios.

Usage: python benchmarks/run.py [--only PHASE,...] [--quick]

Each phase runs in a fresh process per tool and a fresh temporary directory, first MLflow
then Heron, on the same machine state. A ratio above 1 means Heron is faster
(peer seconds / Heron seconds). Quote ratios, not absolute seconds: shared machines are noisy.

The peers (MLflow in its own virtualenv) are installed once by the team's ``peers.sh``
(``HERON_PEERS_SCRIPT``, default ``../shared/bench/peers.sh`` beside the checkout).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_SCRIPT = Path(os.environ.get("HERON_PEERS_SCRIPT", ROOT.parent / "shared/bench/peers.sh"))

# phase -> (MLflow's N, Heron's N, goal ratio from the issue)
PHASES: dict[str, tuple[int, int, float]] = {
    "import": (1, 1, 1.0),
    "log_metric": (300, 5000, 100.0),
    "search_runs": (5, 5, 10.0),
    "history": (100_000, 100_000, 10.0),
}


def peers_dir() -> Path:
    """Install (once) and locate the peers' virtualenvs."""
    out = subprocess.run(["bash", str(PEERS_SCRIPT)], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip().splitlines()[-1])


def run_phase(python: str, module: str, phase: str, n: int) -> dict[str, object]:
    """Run one phase in a fresh process and directory; best of three for import."""
    tries = 3 if phase == "import" else 1
    results = []
    for _ in range(tries):
        with tempfile.TemporaryDirectory(prefix=f"bench-{module}-") as d:
            out = subprocess.run(
                [python, str(HERE / "tracking_core.py"), module, phase, d, "--n", str(n)],
                capture_output=True,
                text=True,
                timeout=1800,
                cwd=d,
                check=False,
            )
        if out.returncode != 0:
            raise RuntimeError(f"{module} {phase} failed:\n{out.stderr[-3000:]}")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return min(results, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]


def embedded_workload(python: str, module: str) -> dict[str, float]:
    """The team's peer-neutral embedded workload (shared bench), for one module."""
    script = PEERS_SCRIPT.parent / "embedded_workload.py"
    with tempfile.TemporaryDirectory(prefix=f"embedded-{module}-") as d:
        out = subprocess.run(
            [python, str(script), module, f"sqlite:///{d}/{module}.db", "--calls", "300"],
            capture_output=True,
            text=True,
            timeout=1800,
            cwd=d,
            check=False,
            env=dict(os.environ, MLFLOW_ALLOW_FILE_STORE="true"),
        )
    if out.returncode != 0:
        raise RuntimeError(f"embedded workload {module} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma list of phases")
    ap.add_argument("--skip-embedded", action="store_true")
    args = ap.parse_args()
    mlflow_python = str(peers_dir() / "mlflow/bin/python")
    heron_python = sys.executable
    wanted = [p for p in PHASES if not args.only or p in args.only.split(",")]
    print(f"{'phase':<14}{'mlflow s':>12}{'heron s':>12}{'ratio':>9}{'goal':>8}")
    for phase in wanted:
        n_peer, n_heron, goal = PHASES[phase]
        peer = run_phase(mlflow_python, "mlflow", phase, n_peer)
        ours = run_phase(heron_python, "heron", phase, n_heron)
        ratio = float(peer["seconds"]) / float(ours["seconds"])  # type: ignore[arg-type]
        mark = "ok" if ratio >= goal else "MISS"
        print(
            f"{phase:<14}{peer['seconds']:>12.5f}{ours['seconds']:>12.5f}{ratio:>8.1f}x"
            f"{goal:>7.0f}x {mark}",
            flush=True,
        )
    if not args.skip_embedded and PEERS_SCRIPT.exists():
        peer_e = embedded_workload(mlflow_python, "mlflow")
        ours_e = embedded_workload(heron_python, "heron")
        print("\nshared embedded_workload.py (peer s / heron s):")
        for key, value in ours_e.items():
            if key != "hits" and value:
                print(f"  {key:<18}{peer_e[key] / value:>8.1f}x")
        print(f"  hits: mlflow {peer_e.get('hits')}, heron {ours_e.get('hits')}")


if __name__ == "__main__":
    main()
