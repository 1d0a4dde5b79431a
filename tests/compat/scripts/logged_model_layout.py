"""Where ``sklearn.log_model`` puts a model, and how a client finds it again.

Run by either library (``--client=mlflow|heron``) against a tracking server
(``MLFLOW_TRACKING_URI``). ``log`` logs a LinearRegression named ``model`` in a new run
and prints the run id; ``inspect RUN_ID...`` prints, per run, what the client sees: the
run's artifact listing (root and ``model``), the run's logged models, its outputs and tag
keys, and a prediction through ``runs:/<run_id>/model``.
"""

from __future__ import annotations

import argparse
import importlib
import json
from typing import Any

REQUIREMENTS = ["scikit-learn"]  # given, so neither library spends a minute inferring them


def log(mlflow: Any) -> dict[str, Any]:
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0])  # predicts its input
    mlflow.set_experiment("logged-model-layout")
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", pip_requirements=REQUIREMENTS)
    return {"run_id": run.info.run_id, "model_id": info.model_id, "model_uri": info.model_uri}


def inspect(mlflow: Any, run_id: str) -> dict[str, Any]:
    client = mlflow.MlflowClient()
    run = client.get_run(run_id)
    models = client.search_logged_models(experiment_ids=[run.info.experiment_id])
    loaded = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")
    return {
        "root": sorted(f.path for f in client.list_artifacts(run_id)),
        "model_files": sorted(f.path for f in client.list_artifacts(run_id, "model")),
        "logged_models": sorted(
            [m.name, m.status if isinstance(m.status, str) else m.status.value]
            for m in models
            if m.source_run_id == run_id
        ),
        "outputs": len(run.outputs.model_outputs),
        "tag_keys": sorted(key for key in run.data.tags if key.startswith("mlflow.log")),
        "prediction": [float(value) for value in loaded.predict([[3.0]])],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", choices=["mlflow", "heron"], required=True)
    parser.add_argument("action", choices=["log", "inspect"])
    parser.add_argument("run_ids", nargs="*")
    args = parser.parse_args()
    mlflow = importlib.import_module(args.client)
    importlib.import_module(f"{args.client}.sklearn")
    importlib.import_module(f"{args.client}.pyfunc")
    if args.action == "log":
        print(json.dumps(log(mlflow)))
    else:
        print(json.dumps({run_id: inspect(mlflow, run_id) for run_id in args.run_ids}))


if __name__ == "__main__":
    main()
