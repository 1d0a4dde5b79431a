"""The MLflow side of the registered-model transfer tests; run with the MLflow venv's python
and ``MLFLOW_TRACKING_URI`` set to the server.

Usage:
  transfer_models_mlflow.py make NAME EXPERIMENT [--logged-model]
      Register NAME: version 1 from a run's artifacts (``runs:/<run>/model``; Archived,
      description, tags), version 2 from another run (Production, alias ``champion``),
      logged with ``mlflow.sklearn.log_model`` (an MLflow 3 logged model) when
      ``--logged-model`` is given, else from the run's artifacts too; the model has a
      description and a tag. Version 1 predicts ``Y1`` on ``X``, version 2 ``Y2``.
      Prints what ``describe`` prints.
  transfer_models_mlflow.py describe NAME
      The model as the server has it, and each version loaded through ``models:/NAME/<v>``
      with ``mlflow.pyfunc`` and its predictions on ``X``.

Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from typing import Any

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import pandas as pd
from mlflow import MlflowClient
from sklearn.linear_model import LogisticRegression

X = [[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]
Y1 = [0, 0, 0, 1, 1, 1]
Y2 = [1, 1, 1, 0, 0, 0]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(X, columns=["a"])


def _fit(labels: list[int]) -> LogisticRegression:
    return LogisticRegression().fit(_frame(), labels)


def _artifact_version(
    client: MlflowClient, name: str, experiment_id: str, labels: list[int]
) -> str:
    """A run holding the model under ``model/``, registered from ``runs:/<run>/model``."""
    run = client.create_run(experiment_id, run_name="artifacts", tags={"kind": "artifacts"})
    run_id = run.info.run_id
    client.log_param(run_id, "labels", "".join(map(str, labels)))
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model")
        mlflow.sklearn.save_model(_fit(labels), path)
        client.log_artifacts(run_id, path, "model")
    client.set_terminated(run_id)
    version = mlflow.register_model(f"runs:/{run_id}/model", name)
    return str(version.version)


def _logged_model_version(name: str, experiment_id: str, labels: list[int]) -> str:
    """A run logging an MLflow 3 logged model, registered as it is logged."""
    with mlflow.start_run(experiment_id=experiment_id, run_name="logged"):
        mlflow.log_param("labels", "".join(map(str, labels)))
        info = mlflow.sklearn.log_model(_fit(labels), name="model", registered_model_name=name)
    return str(info.registered_model_version)


def make(name: str, experiment: str, logged_model: bool) -> dict[str, Any]:
    """Create the registered model; how ``describe`` sees it."""
    client = MlflowClient()
    experiment_id = client.create_experiment(experiment)
    client.create_registered_model(name, tags={"team": "a"}, description="wine model")
    first = _artifact_version(client, name, experiment_id, Y1)
    if logged_model:
        second = _logged_model_version(name, experiment_id, Y2)
    else:
        second = _artifact_version(client, name, experiment_id, Y2)
    client.update_model_version(name, first, description="first")
    client.set_model_version_tag(name, first, "k", "v")
    client.set_model_version_tag(name, second, "k", "w")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.transition_model_version_stage(name, first, "Archived")
        client.transition_model_version_stage(name, second, "Production")
    client.set_registered_model_alias(name, "champion", second)
    return describe(name)


def describe(name: str) -> dict[str, Any]:
    """The model, its versions (with their runs' params) and their predictions."""
    client = MlflowClient()
    model = client.get_registered_model(name)
    versions = sorted(
        client.search_model_versions(f"name = '{name}'"), key=lambda v: int(v.version)
    )
    described = []
    for version in versions:
        run = client.get_run(version.run_id)
        loaded = mlflow.pyfunc.load_model(f"models:/{name}/{version.version}")
        described.append(
            {
                "version": int(version.version),
                "stage": version.current_stage,
                "description": version.description or "",
                "tags": dict(version.tags),
                "status": version.status,
                "source": version.source,
                "run_id": version.run_id,
                "params": dict(run.data.params),
                "predictions": pd.Series(loaded.predict(_frame())).tolist(),
            }
        )
    return {
        "name": model.name,
        "description": model.description or "",
        "tags": dict(model.tags),
        "aliases": {alias: int(v) for alias, v in model.aliases.items()},
        "versions": described,
    }


def main() -> None:
    """Dispatch the command and print its JSON result."""
    command, name, *rest = sys.argv[1:]
    made = make(name, rest[0], "--logged-model" in rest) if command == "make" else None
    print(json.dumps(made or describe(name)))


if __name__ == "__main__":
    main()
