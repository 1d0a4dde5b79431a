"""The multi-step example (download -> train -> validate) run end to end with ``heron run``."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_store import Store

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "multistep_workflow"


def test_multistep_workflow_logs_three_nested_steps(store: Store) -> None:
    done = store.heron("run", str(EXAMPLE), "-P", "alpha=0.5", "-P", "rows=120",
                       "--env-manager", "uv", "--experiment-name", "workflow")  # fmt: skip
    assert done.returncode == 0, done.stderr
    runs = {r.data.tags["mlflow.project.entryPoint"]: r for r in store.runs()}
    assert set(runs) == {"main", "download", "train", "validate"}
    main = runs.pop("main")
    assert main.data.tags["mlflow.project.env"] == "uv"
    assert main.data.tags["workflow.steps"] == "download,train,validate"
    assert main.data.params == {"alpha": "0.5", "rows": "120"}
    for step in runs.values():
        assert step.data.tags["mlflow.parentRunId"] == main.info.run_id
        assert step.info.experiment_id == main.info.experiment_id
        assert step.info.status == "FINISHED"
    assert runs["download"].data.metrics["rows"] == 120
    data_uri = f"runs:/{runs['download'].info.run_id}/data/points.csv"
    assert runs["train"].data.params == {"alpha": "0.5", "data_path": data_uri}
    assert runs["train"].data.metrics["train_rmse"] < 2
    assert runs["validate"].data.metrics["val_rmse"] == pytest.approx(
        runs["train"].data.metrics["train_rmse"]
    )
    assert runs["validate"].data.tags["validated"] == "true"
