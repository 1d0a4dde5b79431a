"""Autologging overhead: fitting 100 small scikit-learn models with and without autolog.

Usage: python benchmarks/autolog.py [--models 100] [--rounds 3]

For Heron (this checkout's interpreter) and MLflow 3.17.2 (``~/.cache/heron-peers/mlflow``)
alike, a fresh process fits the same 100 small models (a mix of regressors and classifiers
on scikit-learn's diabetes and iris data) once without autologging and once after
``autolog()`` (SQLite tracking store in a temp directory, models logged, classifier plots
drawn); the overhead is the difference, per model. Workers use one BLAS thread. Each
library runs ``--rounds`` times and the medians are reported.

Goal (issue 16): Heron's overhead <= 1/3 of MLflow's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MLFLOW_PYTHON = Path.home() / ".cache/heron-peers/mlflow/bin/python"
GOAL = 1 / 3

WORKER = r"""
import json, sys, time, warnings, logging
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
import {library} as mlflow
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

mlflow.set_tracking_uri("sqlite:///" + sys.argv[1] + "/bench.db")
mlflow.set_experiment("autolog-bench")
n = int(sys.argv[2])
Xr, yr = load_diabetes(return_X_y=True, as_frame=True)
Xc, yc = load_iris(return_X_y=True)
makers = [
    (LinearRegression, Xr, yr), (Ridge, Xr, yr), (DecisionTreeRegressor, Xr, yr),
    (lambda: LogisticRegression(max_iter=300), Xc, yc), (DecisionTreeClassifier, Xc, yc),
]

def fit_all():
    start = time.perf_counter()
    for i in range(n):
        make, X, y = makers[i % len(makers)]
        make().fit(X, y)
    return time.perf_counter() - start

fit_all()  # warm caches and imports
plain = fit_all()
mlflow.autolog()
make, X, y = makers[0]
make().fit(X, y)  # first autologged fit pays one-time imports, as in a user's script
logged = fit_all()
print(json.dumps({{"plain": plain, "logged": logged}}))
"""


def measure(python: str, library: str, models: int) -> dict[str, float]:
    """One fresh process: seconds to fit ``models`` models without and with autolog."""
    # One BLAS thread: on a busy machine threaded BLAS makes tiny fits 10x slower and noisy.
    threads = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    env = {**os.environ, **dict.fromkeys(threads, "1")}
    with tempfile.TemporaryDirectory() as directory:
        out = subprocess.run(
            [python, "-c", WORKER.format(library=library), directory, str(models)],
            check=True,
            capture_output=True,
            text=True,
            cwd=directory,
            env=env,
        )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Run both libraries and print per-model overheads and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    overheads: dict[str, float] = {}
    for label, python, library in (
        ("heron", sys.executable, "heron"),
        ("mlflow", str(MLFLOW_PYTHON), "mlflow"),
    ):
        rounds = [measure(python, library, args.models) for _ in range(args.rounds)]
        plain = statistics.median(r["plain"] for r in rounds)
        logged = statistics.median(r["logged"] for r in rounds)
        overheads[label] = (logged - plain) / args.models
        print(
            f"{label:7s} fit {plain / args.models * 1000:8.1f} ms/model   "
            f"with autolog {logged / args.models * 1000:8.1f} ms/model   "
            f"overhead {overheads[label] * 1000:8.1f} ms/model"
        )
    ratio = overheads["heron"] / overheads["mlflow"]
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"heron overhead / mlflow overhead = {ratio:.3f} ({verdict} the <= {GOAL:.3f} goal)")


if __name__ == "__main__":
    main()
