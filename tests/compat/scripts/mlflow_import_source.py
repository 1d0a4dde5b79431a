"""Make an MLflow database for ``heron db import-mlflow`` to read (run with MLflow's python).

``full DB_PATH``: MLflow 3.17.2 at its head revision, filled through its own client
(experiments, a deleted one, runs, a deleted run, NaN and infinite metrics, a dataset
input, a logged model with params, tags, a metric and an artifact, a run artifact, the
registry with a stage, an alias and tags).

``revision DB_PATH REV``: MLflow's own migrations run up to revision REV only (an old
MLflow's schema), then one experiment and run written with SQL in the columns it has.

Prints one JSON line describing what it made.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from typing import Any


def full(path: str) -> dict[str, Any]:
    import mlflow
    import pandas as pd
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(path if path.startswith("file:") else f"sqlite:///{path}")
    client = MlflowClient()
    mlflow.set_experiment("import-a")
    with mlflow.start_run(run_name="first") as run:
        mlflow.log_params({"alpha": "0.5", "layers": "3"})
        mlflow.set_tag("team", "vision")
        for step in range(30):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metric("nan_metric", float("nan"))
        mlflow.log_metric("inf_metric", float("inf"))
        dataset = mlflow.data.from_pandas(pd.DataFrame({"a": [1, 2]}), name="train")
        mlflow.log_input(dataset, context="training")
        mlflow.log_text("hello", "notes/a.txt")
        model = mlflow.create_external_model(
            name="external", source_run_id=run.info.run_id, params={"p": "1"}, tags={"k": "v"}
        )
        mlflow.log_metric("accuracy", 0.9, model_id=model.model_id)
        with tempfile.TemporaryDirectory() as scratch:
            weights = os.path.join(scratch, "weights.txt")
            with open(weights, "w") as out:
                out.write("w")
            client.log_model_artifact(model.model_id, weights)
    with mlflow.start_run(run_name="removed") as removed:
        mlflow.log_param("x", "1")
    client.delete_run(removed.info.run_id)
    gone = client.create_experiment("import-gone")
    client.delete_experiment(gone)
    client.create_registered_model("import-model", tags={"owner": "me"}, description="desc")
    client.create_model_version(
        "import-model", f"runs:/{run.info.run_id}/model", run_id=run.info.run_id, tags={"t": "1"}
    )
    client.create_model_version("import-model", "s3://bucket/model")
    client.transition_model_version_stage("import-model", "1", "Production")
    client.set_registered_model_alias("import-model", "champion", "2")
    return {
        "run_id": run.info.run_id,
        "removed_run_id": removed.info.run_id,
        "experiment_id": run.info.experiment_id,
        "gone_experiment_id": gone,
        "model_id": model.model_id,
        "artifact_uri": run.info.artifact_uri,
    }


def at_revision(path: str, revision: str) -> dict[str, Any]:
    import sqlalchemy
    from alembic import command
    from mlflow.store.db.base_sql_model import Base  # noqa: F401 (MLflow's own import order)
    from mlflow.store.db.utils import InitialBase, _get_alembic_config

    # What MLflow does on a new database: the initial tables, then its migrations (to REV).
    InitialBase.metadata.create_all(sqlalchemy.create_engine(f"sqlite:///{path}"))
    command.upgrade(_get_alembic_config(f"sqlite:///{path}"), revision)
    connection = sqlite3.connect(path)
    run_id = "0123456789abcdef0123456789abcdef"
    _insert(connection, "experiments", experiment_id=7, name="old", artifact_location="/tmp/old",
            lifecycle_stage="active")  # fmt: skip
    _insert(connection, "runs", run_uuid=run_id, name="old-run", source_type="LOCAL",
            source_name="train.py", entry_point_name="", user_id="u", status="FINISHED",
            start_time=1000, end_time=2000, source_version="", lifecycle_stage="active",
            artifact_uri="/tmp/old/run", experiment_id=7)  # fmt: skip
    _insert(connection, "params", key="lr", value="0.1", run_uuid=run_id)
    _insert(connection, "tags", key="mlflow.runName", value="old-run", run_uuid=run_id)
    for step in range(3):
        _insert(connection, "metrics", key="loss", value=float(step), timestamp=1000 + step,
                run_uuid=run_id, step=step, is_nan=0)  # fmt: skip
    connection.commit()
    return {"run_id": run_id, "experiment_id": "7", "revision": revision}


def _insert(connection: sqlite3.Connection, table: str, **values: Any) -> None:
    columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    present = {key: value for key, value in values.items() if key in columns}
    names = ", ".join(f'"{key}"' for key in present)
    marks = ", ".join("?" * len(present))
    connection.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(present.values()))


if __name__ == "__main__":
    mode, db_path = sys.argv[1], sys.argv[2]
    made = full(db_path) if mode == "full" else at_revision(db_path, sys.argv[3])
    print(json.dumps(made))
