"""Run by the real mlflow: evaluate the cases a Heron test wrote, digest its data, autolog.

Usage: python mlflow_evaluation.py <workdir>

``<workdir>/cases.json`` lists ``{"name", "csv", "model", "targets", "model_type"}``; each
model directory was saved by Heron. Prints one JSON line: ``{"evaluate": {name: metrics},
"artifacts": {name: [artifact names]}, "datasets_tags": {name: mlflow.datasets tag},
"digests": {name: digest}, "numpy_digest": ..., "autolog": {metric: value}}``.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import mlflow  # noqa: E402
import pandas as pd  # noqa: E402


def main() -> None:
    workdir = Path(sys.argv[1])
    mlflow.set_tracking_uri(f"sqlite:///{workdir}/mlflow.db")
    cases = json.loads((workdir / "cases.json").read_text())
    evaluated, digests, artifacts, tags = {}, {}, {}, {}
    for case in cases:
        frame = pd.read_csv(case["csv"])
        digests[case["name"]] = mlflow.data.from_pandas(frame).digest
        with mlflow.start_run() as run:
            result = mlflow.evaluate(
                case["model"], frame, targets=case["targets"], model_type=case["model_type"]
            )
        evaluated[case["name"]] = {k: float(v) for k, v in result.metrics.items()}
        artifacts[case["name"]] = sorted(result.artifacts)
        tags[case["name"]] = mlflow.get_run(run.info.run_id).data.tags.get("mlflow.datasets")
    frame = pd.read_csv(cases[0]["csv"])
    features = frame.drop(columns=[cases[0]["targets"]]).to_numpy()
    numpy_digest = mlflow.data.from_numpy(features, targets=frame[cases[0]["targets"]].to_numpy())
    from sklearn.linear_model import LogisticRegression

    classes = pd.read_csv(cases[-1]["csv"])
    mlflow.sklearn.autolog(log_models=False)
    LogisticRegression(max_iter=500).fit(classes.drop(columns=["label"]), classes["label"])
    run = mlflow.get_run(mlflow.last_active_run().info.run_id)
    print(
        json.dumps(
            {
                "evaluate": evaluated,
                "artifacts": artifacts,
                "datasets_tags": tags,
                "digests": digests,
                "numpy_digest": numpy_digest.digest,
                "autolog": run.data.metrics,
                "autolog_digest": run.inputs.dataset_inputs[0].dataset.digest,
            }
        )
    )


if __name__ == "__main__":
    main()
