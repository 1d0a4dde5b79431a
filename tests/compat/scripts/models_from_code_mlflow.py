"""Run by MLflow's python: models from code on a tracking server.

Usage:
  models_from_code_mlflow.py log <tracking URI> <code file> <model_config JSON>
      logs ``python_model=<code file>``; prints {"model_uri", "model_id"}
  models_from_code_mlflow.py load <tracking URI> <model URI> <model_config JSON or "">
      loads the model; prints {"predictions", "model_config", "loader_module"} for x = 1, 2
"""

from __future__ import annotations

import json
import sys

import mlflow
import pandas as pd


def main() -> None:
    action, tracking_uri, target, config = sys.argv[1:5]
    mlflow.set_tracking_uri(tracking_uri)
    if action == "log":
        with mlflow.start_run():
            info = mlflow.pyfunc.log_model(
                name="code_model", python_model=target, model_config=json.loads(config)
            )
        print(json.dumps({"model_uri": info.model_uri, "model_id": info.model_id}))
        return
    model = mlflow.pyfunc.load_model(target, model_config=json.loads(config) if config else None)
    predictions = model.predict(pd.DataFrame({"x": [1.0, 2.0]}))
    conf = model.metadata.flavors["python_function"]
    print(
        json.dumps(
            {
                "predictions": list(predictions),
                "model_config": model.model_config,
                "loader_module": conf["loader_module"],
            }
        )
    )


if __name__ == "__main__":
    main()
