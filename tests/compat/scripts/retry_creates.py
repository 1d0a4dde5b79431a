"""Creates through a proxy that loses the first response of each: the client must retry
and end with one object each (run, model version, logged model). Prints the ids as JSON.

Usage: retry_creates.py <client: mlflow|heron> <tracking uri> <experiment name>
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    kind, uri, name = sys.argv[1:4]
    if kind == "heron":
        import heron as mlflow
        from heron.tracking import MlflowClient
    else:
        import mlflow
        from mlflow import MlflowClient
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    experiment_id = client.create_experiment(name)
    run = client.create_run(experiment_id)
    run_id = run.info.run_id
    client.create_registered_model(f"{name}-model")
    version = client.create_model_version(f"{name}-model", f"runs:/{run_id}/model", run_id=run_id)
    logged = client.create_logged_model(experiment_id, name="model", source_run_id=run_id)
    imported = None
    if kind == "heron":  # Heron's bulk route: a whole run in one call
        from heron.store.rpc import RpcClient

        answer = RpcClient(uri).call(
            "ImportRun", experiment_id=experiment_id, run_name="imported", start_time=1
        )
        imported = sorted(answer)
    print(
        json.dumps(
            {
                "experiment_id": experiment_id,
                "run_id": run_id,
                "version": str(version.version),
                "model_id": logged.model_id,
                "imported": imported,
            }
        )
    )


if __name__ == "__main__":
    main()
