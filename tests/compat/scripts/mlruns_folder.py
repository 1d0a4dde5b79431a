"""Run by mlflow 3.17.2's python: ``write FOLDER`` logs a known session into an mlruns
folder with MLflow's FileStore; ``read FOLDER`` prints everything MLflow reads there.
The last stdout line is JSON."""

from __future__ import annotations

import json
import os
import sys

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag, ViewType


def write(client: MlflowClient) -> dict[str, object]:
    kept = client.create_experiment("kept", tags={"team": "a b/c"})
    gone = client.create_experiment("gone")
    run = client.create_run(kept, run_name="first", tags={"t": "v"})
    run_id = run.info.run_id
    client.log_batch(
        run_id,
        metrics=[Metric("loss", 1.0 / (s + 1), 1000 + s, s) for s in range(5)]
        + [Metric("nested/acc", 0.5, 2000, 0)],
        params=[Param("lr", "0.1"), Param("path/like", "x y")],
        tags=[RunTag("note", "multi\nline")],
    )
    dataset = Dataset("iris", "abc123", "local", '{"uri": "/d"}', '{"cols": 4}', None)
    client.log_inputs(run_id, [DatasetInput(dataset, [InputTag("mlflow.data.context", "train")])])
    model = client.create_logged_model(kept, name="lm", source_run_id=run_id, params={"k": "1"})
    client.log_metric(run_id, "auc", 0.75, timestamp=3000, step=2, model_id=model.model_id)
    client.finalize_logged_model(model.model_id, "READY")
    client.set_terminated(run_id, end_time=5000)
    deleted = client.create_run(kept, run_name="deleted").info.run_id
    client.delete_run(deleted)
    client.delete_experiment(gone)
    client.create_registered_model("fraud", tags={"team": "a"}, description="d")
    client.create_model_version("fraud", "/models/one", run_id=run_id, tags={"k": "v"})
    client.create_model_version("fraud", "/models/two")
    client.set_registered_model_alias("fraud", "champ", "1")
    client.transition_model_version_stage("fraud", "1", "Staging")
    client.delete_model_version("fraud", "2")
    return {"kept": kept, "gone": gone, "run": run_id, "deleted": deleted, "model": model.model_id}


def read(client: MlflowClient) -> dict[str, object]:
    experiments = {}
    runs = {}
    for e in client.search_experiments(view_type=ViewType.ALL):
        experiments[e.experiment_id] = {
            "name": e.name,
            "stage": e.lifecycle_stage,
            "tags": e.tags,
            "artifact_location": e.artifact_location,
        }
        for r in client.search_runs([e.experiment_id], run_view_type=ViewType.ALL):
            runs[r.info.run_id] = {
                "name": r.info.run_name,
                "status": r.info.status,
                "stage": r.info.lifecycle_stage,
                "start": r.info.start_time,
                "end": r.info.end_time,
                "artifact_uri": r.info.artifact_uri,
                "params": r.data.params,
                "tags": dict(r.data.tags.items()),
                "metrics": r.data.metrics,
                "history": {
                    k: [
                        [m.timestamp, m.value, m.step]
                        for m in client.get_metric_history(r.info.run_id, k)
                    ]
                    for k in r.data.metrics
                },
                "datasets": [
                    [
                        d.dataset.name,
                        d.dataset.digest,
                        d.dataset.source,
                        {t.key: t.value for t in d.tags},
                    ]
                    for d in r.inputs.dataset_inputs
                ],
            }
    models = {}
    for m in client.search_logged_models(list(experiments)):
        models[m.model_id] = {
            "name": m.name,
            "status": str(m.status),
            "params": m.params,
            "metrics": [[x.key, x.value, x.step] for x in m.metrics or []],
        }
    filtered = client.search_runs(list(experiments), "metrics.loss < 0.5 and params.lr = '0.1'")
    return {
        "experiments": experiments,
        "runs": runs,
        "models": models,
        "filtered": [r.info.run_id for r in filtered],
        "registry": registry(client),
    }


def registry(client: MlflowClient) -> dict[str, object]:
    registered = {
        m.name: [m.description, m.tags, {a: str(v) for a, v in m.aliases.items()}]
        for m in client.search_registered_models()
    }
    versions = sorted(
        [v.name, int(v.version), v.current_stage, v.source, v.run_id, v.tags, v.aliases]
        for v in client.search_model_versions()
    )
    return {"models": registered, "versions": versions}


if __name__ == "__main__":
    mode, folder = sys.argv[1], sys.argv[2]
    client = MlflowClient(tracking_uri=f"file://{os.path.abspath(folder)}")
    print(json.dumps(write(client) if mode == "write" else read(client)))
