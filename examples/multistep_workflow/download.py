"""Step 1: "download" a data set (made up here, so the example runs offline) as an artifact."""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
from pathlib import Path

import heron as mlflow

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=float, default=200)
parser.add_argument("--seed", type=float, default=7)
args = parser.parse_args()

generator = random.Random(int(args.seed))
with mlflow.start_run(), tempfile.TemporaryDirectory() as scratch:
    path = Path(scratch) / "points.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x", "y"])
        for _ in range(int(args.rows)):
            x = generator.uniform(-5, 5)
            writer.writerow([f"{x:.6f}", f"{3.0 * x + 2.0 + generator.gauss(0, 0.5):.6f}"])
    mlflow.log_artifact(str(path), artifact_path="data")
    mlflow.log_metric("rows", int(args.rows))
    print(f"downloaded {int(args.rows)} rows")
