"""log_model on a SQLite store: run artifacts, LoggedModel, history tag; loading by URI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
import yaml

import heron.pyfunc
from heron.artifacts import download_artifacts
from heron.entities import LoggedModelStatus
from heron.exceptions import InvalidParameter, NotFound
from heron.pyfunc import PythonModel
from heron.tracking import MlflowClient


class Plus1(PythonModel):
    """Adds one."""

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input + 1


def test_log_model_and_load_by_runs_and_models_uris(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        info = heron.pyfunc.log_model(name="my_model", python_model=Plus1())
    run_id = run.info.run_id
    assert info.run_id == run_id
    assert info.model_uri == f"models:/{info.model_id}"  # MLflow 3.x
    assert info.artifact_path == "my_model"
    assert info.model_id is not None
    assert info.model_id.startswith("m-")
    assert info.model_uuid == info.model_id
    assert "python_function" in info.flavors

    client = MlflowClient()
    assert [f.path for f in client.list_artifacts(run_id, "my_model") if f.path.endswith("MLmodel")]
    logged = client.get_logged_model(info.model_id)
    assert logged.status is LoggedModelStatus.READY
    assert logged.source_run_id == run_id
    assert logged.name == "my_model"
    finished = client.get_run(run_id)
    assert [o.model_id for o in finished.outputs.model_outputs] == [info.model_id]
    history = json.loads(finished.data.tags["mlflow.log-model.history"])
    assert history[0]["artifact_path"] == "my_model"
    assert history[0]["flavors"]["python_function"]["loader_module"] == "mlflow.pyfunc.model"

    data = pd.DataFrame({"x": [1, 2]})
    for uri in (info.model_uri, f"models:/{info.model_id}"):
        assert heron.pyfunc.load_model(uri).predict(data)["x"].tolist() == [2, 3]


def test_runs_uri_falls_back_to_the_logged_model(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        info = heron.pyfunc.log_model(name="only_logged", python_model=Plus1())
    client = MlflowClient()
    # a model logged by MLflow 3.x exists only as a LoggedModel: remove the run copy
    repo_root = client.get_run(run.info.run_id).info.artifact_uri
    assert repo_root is not None
    shutil.rmtree(os.path.join(repo_root.removeprefix("file://"), "only_logged"))
    model = heron.pyfunc.load_model(f"runs:/{run.info.run_id}/only_logged")
    assert model.metadata.model_id == info.model_id


def test_log_model_starts_a_run_and_keeps_artifact_path(fluent: ModuleType) -> None:
    with pytest.warns(FutureWarning, match="artifact_path"):
        info = heron.pyfunc.log_model(artifact_path="legacy", python_model=Plus1())
    assert fluent.active_run() is not None
    assert info.artifact_path == "legacy"
    with pytest.raises(InvalidParameter, match="Only one of"):
        heron.pyfunc.log_model(artifact_path="a", name="b", python_model=Plus1())


def test_download_artifacts_semantics(fluent: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello")
    with fluent.start_run() as run:
        fluent.log_artifact(str(source), "docs")
        info = heron.pyfunc.log_model(name="m", python_model=Plus1())
    run_id = run.info.run_id
    dst = tmp_path / "dst"
    dst.mkdir()
    local = download_artifacts(run_id=run_id, artifact_path="docs/notes.txt", dst_path=str(dst))
    assert Path(local).read_text() == "hello"
    assert local.startswith(str(dst))
    by_uri = download_artifacts(f"runs:/{run_id}/docs/notes.txt")
    assert Path(by_uri).read_text() == "hello"
    model_dir = download_artifacts(f"models:/{info.model_id}", dst_path=str(dst))
    assert yaml.safe_load(Path(model_dir, "MLmodel").read_text())["model_id"] == info.model_id
    with pytest.raises(InvalidParameter, match="must not be specified"):
        download_artifacts("runs:/x/y", run_id=run_id)
    with pytest.raises(InvalidParameter, match="One of"):
        download_artifacts()
    with pytest.raises(InvalidParameter, match="does not exist"):
        download_artifacts(run_id=run_id, dst_path=str(tmp_path / "nope"))
    with pytest.raises(NotFound, match=r"\(name=registered, version=1\) not found"):
        download_artifacts("models:/registered/1")
