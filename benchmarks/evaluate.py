"""``evaluate()`` on a 100k-row regression set: Heron vs MLflow 3.17.2, same metrics.

Usage: python benchmarks/evaluate.py [--rows 100000] [--rounds 3]

For Heron (this checkout's interpreter) and MLflow (``~/.cache/heron-peers/mlflow``) alike, a
fresh process builds the same data (8 normal features, seed 0), fits a LinearRegression,
logs it as a model (SQLite store in a temp dir), warms up with one evaluate() on 100 rows,
then times ``evaluate(model_uri, df, targets="target", model_type="regressor")`` on all
rows ``--rounds`` times (median). The metrics of both must agree (1e-9 relative).

Goal (issue 16): Heron >= 3x faster than MLflow.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

MLFLOW_PYTHON = Path.home() / ".cache/heron-peers/mlflow/bin/python"
GOAL = 3.0

WORKER = r"""
import json, logging, statistics, sys, time, warnings
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
import numpy as np, pandas as pd
import {library} as mlflow
import {library}.sklearn
from sklearn.linear_model import LinearRegression

mlflow.set_tracking_uri("sqlite:///" + sys.argv[1] + "/bench.db")
rows, rounds = int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(rows, 8)), columns=[f"f{{i}}" for i in range(8)])
df = X.assign(target=X.sum(axis=1) + rng.normal(size=rows))
model = LinearRegression().fit(X, df["target"])
with mlflow.start_run():
    info = {library}.sklearn.log_model(model, name="model")
config = {{"log_model_explainability": False}}  # SHAP (when installed) is sampling, not speed
mlflow.evaluate(info.model_uri, df.head(100), targets="target", model_type="regressor",
                evaluator_config=config)
times = []
for _ in range(rounds):
    start = time.perf_counter()
    with mlflow.start_run():
        result = mlflow.evaluate(info.model_uri, df, targets="target", model_type="regressor",
                                 evaluator_config=config)
    times.append(time.perf_counter() - start)
metrics = {{k: float(v) for k, v in result.metrics.items()}}
print(json.dumps({{"seconds": statistics.median(times), "metrics": metrics}}))
"""


def measure(python: str, library: str, rows: int, rounds: int) -> dict[str, object]:
    """One fresh process: median evaluate() seconds and the metrics."""
    with tempfile.TemporaryDirectory() as directory:
        out = subprocess.run(
            [python, "-c", WORKER.format(library=library), directory, str(rows), str(rounds)],
            check=True,
            capture_output=True,
            text=True,
            cwd=directory,
        )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Run both, print seconds, the speed-up and whether the metrics agree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    heron = measure(sys.executable, "heron", args.rows, args.rounds)
    mlflow = measure(str(MLFLOW_PYTHON), "mlflow", args.rows, args.rounds)
    ours, theirs = heron["metrics"], mlflow["metrics"]
    assert isinstance(ours, dict)
    assert isinstance(theirs, dict)
    same = set(ours) == set(theirs) and all(
        math.isclose(ours[k], theirs[k], rel_tol=1e-9, abs_tol=1e-12) for k in theirs
    )
    for label, result in (("heron", heron), ("mlflow", mlflow)):
        print(f"{label:7s} evaluate() on {args.rows} rows: {float(str(result['seconds'])):.3f} s")
    speedup = float(str(mlflow["seconds"])) / float(str(heron["seconds"]))
    verdict = "meets" if speedup >= GOAL else "misses"
    print(f"speed-up {speedup:.1f}x ({verdict} the >= {GOAL:.0f}x goal); metrics equal: {same}")


if __name__ == "__main__":
    main()
