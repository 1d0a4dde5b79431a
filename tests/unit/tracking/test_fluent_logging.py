"""Fluent logging: params, metrics, tags, inputs and artifacts round trip through the store."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from heron.entities import Dataset
from heron.exceptions import InvalidParameter, NotFound


def _local(uri: str) -> Path:
    """The local path of a ``file:`` URI (or plain path)."""
    return Path(url2pathname(urlparse(uri).path)) if uri.startswith("file:") else Path(uri)


def _dataset(name: str = "wine", digest: str = "abc123") -> Dataset:
    return Dataset(name=name, digest=digest, source_type="local", source='{"uri": "/data"}')


def test_params_metrics_tags_round_trip(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        assert fluent.log_param("alpha", 0.5) == 0.5
        fluent.log_params({"l1_ratio": 0.1, "solver": "cd"})
        fluent.log_metric("rmse", 0.9)
        fluent.log_metrics({"mae": 0.4, "r2": 0.7})
        fluent.set_tag("team", "wine")
        fluent.set_tags({"stage": "dev", "version": 3})
    data = fluent.get_run(run.info.run_id).data
    assert data.params == {"alpha": "0.5", "l1_ratio": "0.1", "solver": "cd"}
    assert data.metrics == {"rmse": 0.9, "mae": 0.4, "r2": 0.7}
    assert {k: data.tags[k] for k in ("team", "stage", "version")} == {
        "team": "wine",
        "stage": "dev",
        "version": "3",
    }


def test_metric_steps_and_timestamps(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        for step in range(3):
            fluent.log_metric("loss", 1.0 / (step + 1), step=step, timestamp=1000 + step)
        fluent.log_metrics({"acc": 0.5}, step=7, timestamp=5)
    client = fluent.MlflowClient()
    history = client.get_metric_history(run.info.run_id, "loss")
    assert [(m.step, m.timestamp, m.value) for m in history] == [
        (0, 1000, 1.0),
        (1, 1001, 0.5),
        (2, 1002, 1.0 / 3),
    ]
    [acc] = client.get_metric_history(run.info.run_id, "acc")
    assert (acc.step, acc.timestamp) == (7, 5)


def test_changing_a_param_is_refused(fluent: ModuleType) -> None:
    with fluent.start_run():
        fluent.log_param("alpha", 1)
        with pytest.raises(InvalidParameter, match="Changing param values is not allowed"):
            fluent.log_param("alpha", 2)


def test_logging_to_another_run(fluent: ModuleType) -> None:
    with fluent.start_run() as other:
        pass
    with fluent.start_run():
        fluent.log_metric("m", 2.0, run_id=other.info.run_id)
        fluent.log_params({"p": "x"}, run_id=other.info.run_id)
    data = fluent.get_run(other.info.run_id).data
    assert (data.metrics, data.params) == ({"m": 2.0}, {"p": "x"})


def test_delete_tag(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        fluent.set_tag("temp", "1")
        fluent.delete_tag("temp")
        with pytest.raises(NotFound):
            fluent.delete_tag("temp")
    assert "temp" not in fluent.get_run(run.info.run_id).data.tags


def test_asynchronous_logging_lands_by_end_run(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        operations = fluent.log_metrics({"a": 1.0}, synchronous=False)
        fluent.log_param("p", "v", synchronous=False)
    operations.wait()
    data = fluent.get_run(run.info.run_id).data
    assert (data.metrics, data.params) == ({"a": 1.0}, {"p": "v"})


def test_log_input_with_context(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        fluent.log_input(_dataset(), context="training", tags={"split": "train"})
    [entry] = fluent.get_run(run.info.run_id).inputs.dataset_inputs
    assert entry.dataset == _dataset()
    assert entry.context == "training"
    assert {t.key: t.value for t in entry.tags}["split"] == "train"


def test_log_input_accepts_mlflow_style_datasets(fluent: ModuleType) -> None:
    class PandasDataset:
        def _to_mlflow_entity(self) -> Dataset:
            return _dataset("frame", "d1")

    with fluent.start_run() as run:
        fluent.log_input(PandasDataset())
        with pytest.raises(InvalidParameter, match=r"Expected a heron\.entities\.Dataset"):
            fluent.log_input({"name": "not a dataset"})
    [entry] = fluent.get_run(run.info.run_id).inputs.dataset_inputs
    assert entry.dataset.name == "frame"


def test_metric_with_dataset_records_the_input_once(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        fluent.log_metric("rmse", 0.5, dataset=_dataset())
        fluent.log_metrics({"rmse": 0.4}, step=1, dataset=_dataset())
    [entry] = fluent.get_run(run.info.run_id).inputs.dataset_inputs
    assert (entry.dataset.name, entry.dataset.digest) == ("wine", "abc123")
    assert len(fluent.MlflowClient().get_metric_history(run.info.run_id, "rmse")) == 2


def test_artifacts_and_artifact_uri(fluent: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "model.txt"
    source.write_text("weights")
    with fluent.start_run() as run:
        fluent.log_artifact(source, artifact_path="model")
        fluent.log_text("hello", "notes/hello.txt")
        fluent.log_dict({"a": 1}, "config.json")
        root = fluent.get_artifact_uri()
        model_uri = fluent.get_artifact_uri("model/model.txt")
    assert root == run.info.artifact_uri
    assert model_uri == f"{root}/model/model.txt"
    assert _local(model_uri).read_text() == "weights"
    assert (_local(root) / "notes" / "hello.txt").read_text() == "hello"
    assert json.loads((_local(root) / "config.json").read_text()) == {"a": 1}


def test_log_artifacts_of_a_directory(fluent: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "out" / "sub").mkdir(parents=True)
    (tmp_path / "out" / "a.txt").write_text("a")
    (tmp_path / "out" / "sub" / "b.txt").write_text("b")
    with fluent.start_run() as run:
        fluent.log_artifacts(tmp_path / "out", artifact_path="results")
    listing = fluent.MlflowClient().list_artifacts(run.info.run_id, "results")
    assert [(f.path, f.is_dir) for f in listing] == [
        ("results/a.txt", False),
        ("results/sub", True),
    ]


def test_figure_image_and_table(fluent: ModuleType) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    figure, _ = plt.subplots()
    with fluent.start_run() as run:
        fluent.log_figure(figure, "plots/fig.png")
        fluent.log_image(np.zeros((4, 4, 3), dtype=np.uint8), "images/black.png")
        fluent.log_table({"a": [1, 2], "b": ["x", "y"]}, "table.json")
    plt.close(figure)
    root = _local(str(run.info.artifact_uri))
    assert (root / "plots" / "fig.png").read_bytes().startswith(b"\x89PNG")
    assert (root / "images" / "black.png").read_bytes().startswith(b"\x89PNG")
    assert json.loads((root / "table.json").read_text())["columns"] == ["a", "b"]
    assert "table.json" in fluent.get_run(run.info.run_id).data.tags["mlflow.loggedArtifacts"]
