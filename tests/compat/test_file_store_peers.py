"""The ``mlruns`` folder both ways: Heron reads what mlflow 3.17.2's FileStore wrote, and
mlflow reads what Heron's file store wrote; each side's view of the folder must be equal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from processes import run_script

from heron.entities import (
    Dataset,
    DatasetInput,
    InputTag,
    LoggedModelParameter,
    Metric,
    Param,
    RunTag,
    ViewType,
)
from heron.entities.registry import ModelVersionTag, RegisteredModelTag
from heron.entities.run_data import ExperimentTag
from heron.store.registry import clear_registry_store_cache, get_registry_store
from heron.store.registry.base import RegistryStore
from heron.store.tracking import clear_store_cache, get_tracking_store
from heron.store.tracking.base import TrackingStore

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]


def heron_write(store: TrackingStore) -> dict[str, str]:
    kept = store.create_experiment("kept", tags=[ExperimentTag("team", "a b/c")])
    gone = store.create_experiment("gone")
    run_id = store.create_run(kept, "someone", 1000, [RunTag("t", "v")], "first").info.run_id
    store.log_batch(
        run_id,
        metrics=[Metric("loss", 1.0 / (s + 1), 1000 + s, s) for s in range(5)]
        + [Metric("nested/acc", 0.5, 2000, 0)],
        params=[Param("lr", "0.1"), Param("path/like", "x y")],
        tags=[RunTag("note", "multi\nline")],
    )
    dataset = Dataset("iris", "abc123", "local", '{"uri": "/d"}', '{"cols": 4}', None)
    store.log_inputs(run_id, [DatasetInput(dataset, (InputTag("mlflow.data.context", "train"),))])
    model = store.create_logged_model(
        kept, name="lm", source_run_id=run_id, params=[LoggedModelParameter("k", "1")]
    )
    store.log_metric(run_id, Metric("auc", 0.75, 3000, 2, model_id=model.model_id))
    store.finalize_logged_model(model.model_id, "READY")
    store.update_run_info(run_id, "FINISHED", 5000, None)
    deleted = store.create_run(kept, "someone", 1000, [], "deleted").info.run_id
    store.delete_run(deleted)
    store.delete_experiment(gone)
    registry = get_registry_store(store.root)  # type: ignore[attr-defined]
    registry.create_registered_model("fraud", [RegisteredModelTag("team", "a")], "d")
    registry.create_model_version("fraud", "/models/one", run_id, [ModelVersionTag("k", "v")])
    registry.create_model_version("fraud", "/models/two")
    registry.set_registered_model_alias("fraud", "champ", "1")
    registry.transition_model_version_stage("fraud", "1", "Staging")
    registry.delete_model_version("fraud", "2")
    return {"kept": kept, "gone": gone, "run": run_id, "deleted": deleted}


def heron_read(store: TrackingStore) -> dict[str, Any]:
    """What :func:`read` of the mlflow script prints, as Heron reads the folder."""
    experiments, runs = {}, {}
    for e in store.search_experiments(ViewType.ALL):
        experiments[e.experiment_id] = {
            "name": e.name,
            "stage": e.lifecycle_stage,
            "tags": dict(e.tags),
            "artifact_location": e.artifact_location,
        }
        for r in store.search_runs([e.experiment_id], run_view_type=ViewType.ALL):
            runs[r.info.run_id] = {
                "name": r.info.run_name,
                "status": r.info.status,
                "stage": r.info.lifecycle_stage,
                "start": r.info.start_time,
                "end": r.info.end_time,
                "artifact_uri": r.info.artifact_uri,
                "params": r.data.params,
                "tags": r.data.tags,
                "metrics": r.data.metrics,
                "history": {
                    k: [
                        [m.timestamp, m.value, m.step]
                        for m in store.get_metric_history(r.info.run_id, k)
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
    models = {
        m.model_id: {
            "name": m.name,
            "status": str(m.status),
            "params": m.params,
            "metrics": [[x.key, x.value, x.step] for x in m.metrics],
        }
        for m in store.search_logged_models(list(experiments))
    }
    filtered = store.search_runs(list(experiments), "metrics.loss < 0.5 and params.lr = '0.1'")
    return {
        "experiments": experiments,
        "runs": runs,
        "models": models,
        "filtered": [r.info.run_id for r in filtered],
        "registry": heron_registry(get_registry_store(store.root)),  # type: ignore[attr-defined]
    }


def heron_registry(registry: RegistryStore) -> dict[str, Any]:
    registered = {
        m.name: [m.description, m.tags, {a: str(v) for a, v in m.aliases.items()}]
        for m in registry.search_registered_models()
    }
    versions = sorted(
        [v.name, v.version, v.current_stage, v.source, v.run_id, v.tags, v.aliases]
        for v in registry.search_model_versions()
    )
    return {"models": registered, "versions": versions}


def test_heron_reads_what_mlflow_wrote(mlflow_venv: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mlruns"
    ids = run_script(mlflow_venv, "mlruns_folder.py", "write", str(folder))
    seen_by_mlflow = run_script(mlflow_venv, "mlruns_folder.py", "read", str(folder))
    seen_by_heron = heron_read(get_tracking_store(str(folder)))
    clear_store_cache()
    clear_registry_store_cache()

    assert seen_by_heron == seen_by_mlflow
    assert seen_by_heron["experiments"][ids["gone"]]["stage"] == "deleted"
    assert seen_by_heron["runs"][ids["deleted"]]["stage"] == "deleted"
    assert seen_by_heron["filtered"] == [ids["run"]]
    assert len(seen_by_heron["runs"][ids["run"]]["history"]["loss"]) == 5
    assert seen_by_heron["registry"]["versions"][0][:3] == ["fraud", 1, "Staging"]


def test_mlflow_reads_what_heron_wrote(mlflow_venv: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mlruns"
    ids = heron_write(get_tracking_store(f"file:{folder}"))
    seen_by_heron = heron_read(get_tracking_store(f"file:{folder}"))
    clear_store_cache()
    clear_registry_store_cache()

    seen_by_mlflow = run_script(mlflow_venv, "mlruns_folder.py", "read", str(folder))

    assert seen_by_mlflow == seen_by_heron
    run = seen_by_mlflow["runs"][ids["run"]]
    assert run["params"] == {"lr": "0.1", "path/like": "x y"}
    assert run["tags"]["note"] == "multi\nline"
    assert seen_by_mlflow["experiments"][ids["gone"]]["stage"] == "deleted"
    assert next(iter(seen_by_mlflow["models"].values()))["status"] == "READY"
    assert seen_by_mlflow["registry"]["models"]["fraud"] == ["d", {"team": "a"}, {"champ": "1"}]
    assert len(seen_by_mlflow["registry"]["versions"]) == 1
