"""The workflow: download -> train -> validate, each step a nested run of this one.

Steps hand data on as ``runs:/`` URIs; a ``path`` parameter given a URI is downloaded before
the step's command starts.
"""

from __future__ import annotations

import argparse

import heron as mlflow

parser = argparse.ArgumentParser()
parser.add_argument("--alpha", type=float, default=0.1)
parser.add_argument("--rows", type=float, default=200)
args = parser.parse_args()


def step(entry_point: str, **parameters: object) -> str:
    """Run one entry point of this project (same environment) and return its run id."""
    submitted = mlflow.projects.run(
        ".", entry_point=entry_point, parameters=parameters, env_manager="local"
    )
    return submitted.run_id


with mlflow.start_run() as active:
    data_run = step("download", rows=args.rows)
    data_uri = f"runs:/{data_run}/data/points.csv"
    train_run = step("train", data_path=data_uri, alpha=args.alpha)
    model_uri = f"runs:/{train_run}/model/model.json"
    step("validate", data_path=data_uri, model_path=model_uri)
    mlflow.set_tag("workflow.steps", "download,train,validate")
    print(f"workflow run {active.info.run_id}: data {data_run}, model {train_run}")
