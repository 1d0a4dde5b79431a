"""Step 3: score the trained model on the data and log the validation error."""

from __future__ import annotations

import argparse
import csv
import json
import math

import heron as mlflow

parser = argparse.ArgumentParser()
parser.add_argument("--data-path", required=True)
parser.add_argument("--model-path", required=True)
args = parser.parse_args()

with open(args.model_path) as handle:
    model = json.load(handle)
with open(args.data_path, newline="") as handle:
    points = [(float(row["x"]), float(row["y"])) for row in csv.DictReader(handle)]
errors = [(y - model["slope"] * x - model["intercept"]) ** 2 for x, y in points]
with mlflow.start_run():
    mlflow.log_metric("val_rmse", math.sqrt(sum(errors) / len(errors)))
    mlflow.set_tag("validated", "true")
