"""Read back what a scripted session logged, with a given client, from any tracking URI.

Usage::

    python session_readback.py --client mlflow|heron --tracking-uri URI --summary FILE

FILE is the JSON summary ``mlflow_session.py`` printed. Prints one JSON object with what
the client reads for each of its experiments and runs::

    {"experiments": {id: {"name", "lifecycle_stage", "tags"}},
     "runs": {run_id: {"info": {"run_name", "status", "lifecycle_stage", "artifact_uri",
                                "end_time"},
                       "params": {...}, "tags": {...}, "metrics": {key: [[step, value, ts]]},
                       "inputs": [[name, digest, context]]}}}
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any


def read_experiment(client: Any, experiment_id: str) -> dict[str, Any]:
    """An experiment's name, lifecycle stage and tags."""
    experiment = client.get_experiment(experiment_id)
    return {
        "name": experiment.name,
        "lifecycle_stage": experiment.lifecycle_stage,
        "tags": dict(experiment.tags),
    }


def read_run(client: Any, run_id: str) -> dict[str, Any]:
    """A run's info, params, tags, full metric histories and dataset inputs."""
    run = client.get_run(run_id)
    info = run.info
    histories = {
        key: sorted([m.step, m.value, m.timestamp] for m in client.get_metric_history(run_id, key))
        for key in run.data.metrics
    }
    inputs = [
        [entry.dataset.name, entry.dataset.digest, _context(entry)]
        for entry in run.inputs.dataset_inputs
    ]
    return {
        "info": {
            "run_name": info.run_name,
            "status": info.status,
            "lifecycle_stage": info.lifecycle_stage,
            "artifact_uri": info.artifact_uri,
            "end_time": info.end_time,
        },
        "params": dict(run.data.params),
        "tags": dict(run.data.tags),
        "metrics": histories,
        "inputs": inputs,
    }


def _context(entry: Any) -> str | None:
    return next((t.value for t in entry.tags if t.key == "mlflow.data.context"), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("mlflow", "heron"), required=True)
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--summary", type=Path, required=True)
    args = parser.parse_args()
    summary = json.loads(args.summary.read_text(encoding="utf-8"))
    client = importlib.import_module(args.client).MlflowClient(tracking_uri=args.tracking_uri)
    result = {
        "experiments": {e: read_experiment(client, e) for e in summary["experiments"]},
        "runs": {r: read_run(client, r) for r in summary["logged"]},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
