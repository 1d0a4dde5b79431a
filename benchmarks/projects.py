"""``heron run`` of a trivial project vs running its command directly vs ``mlflow run``.

Usage: python benchmarks/projects.py [--rounds 7] [--no-mlflow]

A trivial project (``python trivial.py``, which does nothing) is run:

- directly: ``python trivial.py`` in the project folder (the yardstick);
- ``heron run <project> --env-manager local`` on a SQLite store;
- ``heron run <project> --env-manager uv`` after a first run built the cached environment;
- ``mlflow run <project> --env-manager local`` with MLflow 3.17.2
  (``~/.cache/heron-peers/mlflow``) on its own SQLite store.

Each variant runs once to warm up (store created, environment built), then ``--rounds`` times;
the medians of wall time and of CPU time (user + system of the process tree, less sensitive
to a busy machine) are reported, with the overhead over the direct command.

Goals (issue 15): heron local overhead <= 0.5 s and >= 5x less than mlflow run's; the uv run
with a cached environment adds <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MLFLOW_VENV = Path(os.environ.get("HERON_PEERS_DIR", Path.home() / ".cache" / "heron-peers"))
MLPROJECT = """\
name: trivial
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
    command: "python trivial.py {alpha}"
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its .pyc files
    env.update(extra)
    return env


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree) of one run, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _measure(
    name: str, command: list[str], cwd: Path, env: dict[str, str], rounds: int
) -> tuple[str, float, float]:
    _timed(command, cwd, env)  # warm-up: store created, environment built
    samples = [_timed(command, cwd, env) for _ in range(rounds)]
    return (
        name,
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
    )


def main() -> None:
    """Run the comparison and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-mlflow", action="store_true", help="skip mlflow run")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-projects-"))
    try:
        project = work / "trivial"
        project.mkdir()
        (project / "MLproject").write_text(MLPROJECT)
        (project / "python_env.yaml").write_text("build_dependencies: []\ndependencies: []\n")
        (project / "trivial.py").write_text("import sys\n")
        heron = [sys.executable, "-m", "heron", "--tracking-uri", f"sqlite:///{work / 'h.db'}"]
        heron_env = _env(HERON_ENV_ROOT=str(work / "envs"))
        bindir = str(Path(sys.executable).parent)
        direct_env = _env(PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
        rows = [
            _measure("direct", [sys.executable, "trivial.py", "0.5"], project, direct_env,
                     args.rounds),
            _measure("heron run (local)", [*heron, "run", str(project), "--env-manager", "local"],
                     work, heron_env, args.rounds),
            _measure("heron run (uv, cached)", [*heron, "run", str(project), "--env-manager", "uv"],
                     work, heron_env, args.rounds),
        ]  # fmt: skip
        mlflow = MLFLOW_VENV / "mlflow" / "bin" / "mlflow"
        if not args.no_mlflow and mlflow.exists():
            mlflow_env = _env(MLFLOW_TRACKING_URI=f"sqlite:///{work / 'm.db'}")
            command = [str(mlflow), "run", str(project), "--env-manager", "local"]
            rows.append(_measure("mlflow run (local)", command, work, mlflow_env, args.rounds))
        base_wall, base_cpu = rows[0][1], rows[0][2]
        print(f"{'variant':<24}{'wall s':>9}{'overhead s':>12}{'cpu s':>8}{'cpu overhead':>14}")
        for name, wall, cpu in rows:
            print(
                f"{name:<24}{wall:>9.3f}{wall - base_wall:>12.3f}{cpu:>8.3f}{cpu - base_cpu:>14.3f}"
            )
        if len(rows) == 4:
            heron_over = rows[1][1] - base_wall
            mlflow_over = rows[3][1] - base_wall
            print(f"mlflow/heron wall: total {rows[3][1] / rows[1][1]:.1f}x, "
                  f"overhead {mlflow_over / max(heron_over, 1e-3):.1f}x")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
