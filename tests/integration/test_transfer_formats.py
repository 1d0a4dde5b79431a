"""Bundles in older layouts import: the user guide's ``manifest.json`` layout and 1.2.0's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixtures.transfer_data import artifact_text, sqlite_client
from heron import transfer
from heron.tracking.client import MlflowClient

pytestmark = pytest.mark.integration

OLD_RUN = "6ccadf17812d43929b093d75cca1c33f"
OLD_CHILD = "7ddbe0f17812d43929b093d75cca1c44"


def _write(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2))


def old_layout(root: Path) -> Path:
    """An export-experiment-list output in the user guide's layout (no envelope,
    ``manifest.json`` files, metrics as last values, metadata tags)."""
    _write(
        root / "manifest.json",
        {
            "info": {
                "mlflow_version": "1.11.0",
                "mlflow_tracking_uri": "http://localhost:5000",
                "export_time": "2020-09-10 20:23:45",
            },
            "experiments": [{"id": "1", "name": "sklearn"}],
        },
    )
    _write(
        root / "1" / "manifest.json",
        {
            "experiment": {
                "experiment_id": "1",
                "name": "sklearn",
                "lifecycle_stage": "active",
                "artifact_location": "/opt/mlflow/server/mlruns/1",
            },
            "export_info": {
                "export_time": "2022-01-14 03:26:42",
                "num_total_runs": 2,
                "num_ok_runs": 2,
                "ok_runs": [OLD_RUN, OLD_CHILD],
                "num_failed_runs": 0,
                "failed_runs": [],
            },
        },
    )
    for run_id, parent in ((OLD_RUN, None), (OLD_CHILD, OLD_RUN)):
        tags = {
            "mlflow.runName": f"train-{run_id[:4]}",
            "mlflow.source.type": "LOCAL",
            "mlflow_export_import.metadata.run_id": run_id,
            "run_origin": "train.sh",
        }
        if parent:
            tags["mlflow.parentRunId"] = parent
        _write(
            root / "1" / run_id / "run.json",
            {
                "info": {
                    "run_uuid": run_id,
                    "run_id": run_id,
                    "experiment_id": "1",
                    "user_id": "andre",
                    "status": "FINISHED",
                    "start_time": 1632774882618,
                    "end_time": 1632774885705,
                    "lifecycle_stage": "active",
                    "artifact_uri": f"/opt/mlflow/server/mlruns/1/{run_id}/artifacts",
                },
                "params": {"max_depth": "4", "max_leaf_nodes": "32"},
                "metrics": {"rmse": 0.7367947360663162, "r2": 0.28100217442439346},
                "tags": tags,
            },
        )
        model = root / "1" / run_id / "artifacts" / "sklearn-model"
        model.mkdir(parents=True)
        (model / "MLmodel").write_text(f"run_id: {run_id}\nflavors: {{}}\n")
        (root / "1" / run_id / "artifacts" / "plot.png").write_bytes(b"\x89PNG fake")
    return root


@pytest.fixture
def destination(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MlflowClient:
    return sqlite_client(monkeypatch, tmp_path / "destination")


def test_the_user_guides_layout_imports(destination: MlflowClient, tmp_path: Path) -> None:
    bundle = old_layout(tmp_path / "out")
    summary = transfer.import_experiments(
        str(bundle),
        "imported_",
        client=destination,
        use_src_user_id=True,
        import_metadata_tags=True,
        verify=True,
    )
    assert (summary.experiments, summary.runs_ok) == (1, 2)
    run = destination.get_run(summary.id_map[OLD_RUN])
    assert (run.info.run_name, run.info.user_id) == (f"train-{OLD_RUN[:4]}", "andre")
    assert (run.info.start_time, run.info.end_time) == (1632774882618, 1632774885705)
    assert run.data.metrics == {"rmse": 0.7367947360663162, "r2": 0.28100217442439346}
    assert run.data.params == {"max_depth": "4", "max_leaf_nodes": "32"}
    assert run.data.tags["mlflow_export_import.metadata.run_id"] == OLD_RUN
    (point,) = destination.get_metric_history(run.info.run_id, "rmse")
    assert (point.timestamp, point.step) == (1632774885705, 0)
    mlmodel = artifact_text(destination, run.info.run_id, "sklearn-model/MLmodel", tmp_path)
    assert f"run_id: {run.info.run_id}" in mlmodel
    child = destination.get_run(summary.id_map[OLD_CHILD])
    assert child.data.tags["mlflow.parentRunId"] == run.info.run_id


def test_metadata_tags_are_dropped_unless_asked_for(
    destination: MlflowClient, tmp_path: Path
) -> None:
    bundle = old_layout(tmp_path / "out")
    summary = transfer.import_experiment(str(bundle / "1"), "plain", client=destination)
    tags = destination.get_run(summary.id_map[OLD_RUN]).data.tags
    assert not any(key.startswith("mlflow_export_import.") for key in tags)
    assert tags["run_origin"] == "train.sh"


def test_a_1_2_0_bundle_imports(destination: MlflowClient, tmp_path: Path) -> None:
    """The enveloped format of mlflow-export-import 1.2.0, runs in the experiment dir."""
    root = tmp_path / "exp"
    system = {
        "package_version": "1.2.0",
        "script": "export_experiment.py",
        "mlflow_tracking_uri": "http://127.0.0.1:5020",
        "export_time": 1684688346,
    }
    _write(
        root / "experiment.json",
        {
            "system": system,
            "info": {
                "num_total_runs": 1,
                "num_ok_runs": 1,
                "num_failed_runs": 0,
                "failed_runs": [],
            },
            "mlflow": {
                "experiment": {
                    "experiment_id": "1",
                    "name": "sklearn_wine",
                    "tags": {"version_mlflow": "2.3.2"},
                },
                "runs": [OLD_RUN],
            },
        },
    )
    _write(
        root / OLD_RUN / "run.json",
        {
            "system": system,
            "mlflow": {
                "info": {
                    "run_id": OLD_RUN,
                    "experiment_id": "1",
                    "user_id": "andre",
                    "status": "KILLED",
                    "start_time": 1684623849419,
                    "end_time": 1684623853222,
                    "lifecycle_stage": "active",
                    "run_name": "wine-run",
                },
                "params": {"max_depth": "4"},
                "metrics": {
                    "rmse": [
                        {"value": 0.9, "timestamp": 1684623849570, "step": 0},
                        {"value": 0.7, "timestamp": 1684623849580, "step": 1},
                    ]
                },
                "tags": {"mlflow.runName": "wine-run", "mlflow.user": "andre"},
            },
        },
    )
    summary = transfer.import_experiment(
        str(root), "wine", client=destination, import_metadata_tags=True, verify=True
    )
    run = destination.get_run(summary.id_map[OLD_RUN])
    assert (run.info.run_name, run.info.status) == ("wine-run", "KILLED")
    history = destination.get_metric_history(run.info.run_id, "rmse")
    assert [(p.step, p.value) for p in history] == [(0, 0.9), (1, 0.7)]
    tags = run.data.tags
    assert tags["mlflow_export_import.metadata.tracking_uri"] == "http://127.0.0.1:5020"
    assert tags["mlflow_export_import.metadata.experiment_name"] == "sklearn_wine"
    experiment = destination.get_experiment_by_name("wine")
    assert experiment is not None
    assert experiment.tags == {"version_mlflow": "2.3.2"}
