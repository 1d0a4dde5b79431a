"""log_model on a SQLite store: MLflow 3.x's layout (files only under the LoggedModel, the run
linked as its source and output); loading by URI."""

from __future__ import annotations

import os
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
    assert info.name == "my_model"
    assert info.model_id is not None
    assert info.model_id.startswith("m-")
    assert info.model_uuid == info.model_id
    assert "python_function" in info.flavors

    client = MlflowClient()
    logged = client.get_logged_model(info.model_id)
    assert info.artifact_path == logged.artifact_location  # as MLflow 3.x's ModelInfo
    assert logged.status is LoggedModelStatus.READY
    assert logged.source_run_id == run_id
    assert logged.name == "my_model"
    # One copy: the run's own artifacts hold nothing; a run path listing shows the model's.
    assert client.list_artifacts(run_id) == []
    assert "my_model/MLmodel" in [f.path for f in client.list_artifacts(run_id, "my_model")]
    finished = client.get_run(run_id)
    assert [o.model_id for o in finished.outputs.model_outputs] == [info.model_id]
    assert "mlflow.log-model.history" not in finished.data.tags  # MLflow 3.x writes none

    data = pd.DataFrame({"x": [1, 2]})
    for uri in (info.model_uri, f"runs:/{run_id}/my_model"):
        assert heron.pyfunc.load_model(uri).predict(data)["x"].tolist() == [2, 3]


def test_run_path_of_a_logged_model_lists_and_downloads_its_files(
    fluent: ModuleType, tmp_path: Path
) -> None:
    with fluent.start_run() as run:
        info = heron.pyfunc.log_model(name="only_logged", python_model=Plus1())
    client = MlflowClient()
    run_id = run.info.run_id
    repo_root = client.get_run(run_id).info.artifact_uri
    assert repo_root is not None
    assert not os.path.exists(os.path.join(repo_root.removeprefix("file://"), "only_logged"))
    model = heron.pyfunc.load_model(f"runs:/{run_id}/only_logged")
    assert model.metadata.model_id == info.model_id
    local = client.download_artifacts(run_id, "only_logged/MLmodel", str(tmp_path))
    assert local == str(tmp_path / "only_logged" / "MLmodel")
    assert yaml.safe_load(Path(local).read_text())["model_id"] == info.model_id
    whole = download_artifacts(run_id=run_id, artifact_path="only_logged")
    assert "MLmodel" in os.listdir(whole)
    with pytest.raises(NotFound):
        client.download_artifacts(run_id, "other_model/MLmodel")


def test_log_model_without_a_run_starts_none_and_keeps_artifact_path(
    fluent: ModuleType,
) -> None:
    with pytest.warns(FutureWarning, match="artifact_path"):
        info = heron.pyfunc.log_model(artifact_path="legacy", python_model=Plus1())
    assert fluent.active_run() is None  # MLflow 3.x: a model needs no run
    assert info.run_id is None
    assert info.name == "legacy"
    assert info.model_id is not None
    logged = MlflowClient().get_logged_model(info.model_id)
    assert logged.source_run_id is None
    assert logged.name == "legacy"
    assert heron.pyfunc.load_model(info.model_uri).predict(pd.DataFrame({"x": [1]}))["x"][0] == 2
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


def test_log_model_links_the_runs_params_and_metrics_at_its_step(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        fluent.log_params({"alpha": "0.5"})
        fluent.log_metric("rmse", 0.5, step=1)
        fluent.log_metric("rmse", 0.25, step=3)
        info = heron.pyfunc.log_model(
            name="m",
            python_model=Plus1(),
            params={"lr": 0.1},
            tags={"team": "ml"},
            step=3,
            registered_model_name="plus1",
        )
    client = MlflowClient()
    assert info.model_id is not None
    logged = client.get_logged_model(info.model_id)
    assert logged.params == {"alpha": "0.5", "lr": "0.1"}  # the run's params join its own
    assert logged.tags["team"] == "ml"
    assert logged.tags["mlflow.user"]  # the default context tags, as MLflow sets them
    assert [(m.key, m.value, m.step) for m in logged.metrics] == [("rmse", 0.25, 3)]
    history = client.get_metric_history(run.info.run_id, "rmse")
    assert [(m.value, m.step) for m in history] == [(0.5, 1), (0.25, 3)]  # not duplicated
    [output] = client.get_run(run.info.run_id).outputs.model_outputs
    assert (output.model_id, output.step) == (info.model_id, 3)
    assert client.get_model_version("plus1", "1").tags == {"team": "ml"}


def test_log_model_into_an_existing_external_model(fluent: ModuleType) -> None:
    external = fluent.create_external_model(name="agent")
    assert external.tags["mlflow.model.isExternal"] == "true"
    info = heron.pyfunc.log_model(name="agent", python_model=Plus1(), model_id=external.model_id)
    assert info.model_id == external.model_id
    logged = MlflowClient().get_logged_model(external.model_id)
    assert logged.status is LoggedModelStatus.READY
    assert "mlflow.model.isExternal" not in logged.tags  # it has files now
    model = heron.pyfunc.load_model(f"models:/{external.model_id}")
    assert model.predict(pd.DataFrame({"x": [1]}))["x"][0] == 2


def test_artifact_path_deprecation_names_the_callers_line(fluent: ModuleType) -> None:
    """The FutureWarning points at the user's ``log_model`` call, not Heron's plumbing."""
    with fluent.start_run(), pytest.warns(FutureWarning, match="artifact_path") as caught:
        heron.pyfunc.log_model(artifact_path="legacy", python_model=Plus1())
    assert [w.filename for w in caught] == [__file__]


def double(model_input: pd.DataFrame) -> pd.DataFrame:
    return model_input * 2


def test_a_function_is_a_python_model(fluent: ModuleType) -> None:
    """``python_model=fn`` (MLflow 2.x+): the function gets the input, returns predictions."""
    with fluent.start_run():
        info = heron.pyfunc.log_model(name="fn", python_model=double)
    model = heron.pyfunc.load_model(info.model_uri)
    assert model.predict(pd.DataFrame({"x": [1, 2]}))["x"].tolist() == [2, 4]


@pytest.mark.parametrize(
    ("python_model", "message"),
    [
        (lambda a, b: a, "it must accept exactly one argument. Found 2 arguments"),
        (3, "must be a PythonModel instance, callable object, or path to a script"),
    ],
)
def test_what_is_not_a_python_model_is_refused(
    tmp_path: Path, python_model: Any, message: str
) -> None:
    with pytest.raises(InvalidParameter, match=message):
        heron.pyfunc.save_model(tmp_path / "m", python_model=python_model)
    assert not (tmp_path / "m").exists()


def test_signature_is_inferred_from_the_input_example(tmp_path: Path) -> None:
    heron.pyfunc.save_model(
        tmp_path / "m", python_model=Plus1(), input_example=pd.DataFrame({"x": [1.0]})
    )
    signature = heron.pyfunc.load_model(tmp_path / "m").metadata.signature  # a Path, as MLflow
    assert signature.inputs.to_dict() == [{"type": "double", "name": "x", "required": True}]
    assert signature.outputs.to_dict() == [{"type": "double", "name": "x", "required": True}]
