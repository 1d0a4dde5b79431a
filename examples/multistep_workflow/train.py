"""Step 2: fit y = a*x + b with L2 penalty ``alpha`` (closed form) and log the model."""

from __future__ import annotations

import argparse
import csv
import json
import math
import tempfile
from pathlib import Path

import heron as mlflow

parser = argparse.ArgumentParser()
parser.add_argument("--data-path", required=True)
parser.add_argument("--alpha", type=float, default=0.1)
args = parser.parse_args()

with open(args.data_path, newline="") as handle:
    points = [(float(row["x"]), float(row["y"])) for row in csv.DictReader(handle)]
n = len(points)
mean_x = sum(x for x, _ in points) / n
mean_y = sum(y for _, y in points) / n
sxx = sum((x - mean_x) ** 2 for x, _ in points)
sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
slope = sxy / (sxx + args.alpha * n)
intercept = mean_y - slope * mean_x
rmse = math.sqrt(sum((y - slope * x - intercept) ** 2 for x, y in points) / n)

with mlflow.start_run(), tempfile.TemporaryDirectory() as scratch:
    model = Path(scratch) / "model.json"
    model.write_text(json.dumps({"slope": slope, "intercept": intercept}))
    mlflow.log_artifact(str(model), artifact_path="model")
    mlflow.log_metric("train_rmse", rmse)
    print(f"slope={slope:.3f} intercept={intercept:.3f} rmse={rmse:.3f}")
