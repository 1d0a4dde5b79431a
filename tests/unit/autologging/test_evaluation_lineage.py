"""heron.evaluate: lift and calibration curves, and the ``mlflow.datasets`` lineage tag with
MLflow's evaluation-dataset hash (expected hashes printed by MLflow 3.17.2)."""

from __future__ import annotations

import json
import logging
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

import heron.sklearn
from heron.evaluation.dataset_tag import evaluation_hash, numpy_feature_names
from heron.exceptions import InvalidParameter


def _mixed_frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": np.arange(rows) * 1.5,
            "b": [f"s{i}" for i in range(rows)],
            "c": [[i, i] for i in range(rows)],
            "y": np.arange(rows) % 2,
        }
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [(12, "8cef32e62a96bac58893c467000f2550"), (4, "9a18db2c371f5b8c6bd85d3f446ced2c")],
)
def test_evaluation_hash_of_frames_equals_mlflow(rows: int, expected: str) -> None:
    frame = _mixed_frame(rows)  # 12 rows: first and last 5 hashed; 4 rows: all of them
    assert evaluation_hash(frame.drop(columns="y"), frame["y"].to_numpy(), None, "abc") == expected


def test_evaluation_hash_of_arrays_equals_mlflow() -> None:
    array = np.arange(36.0).reshape(12, 3)
    names = numpy_feature_names(3)
    assert evaluation_hash(array, np.arange(12) % 3, None, names) == (
        "b142ee18101b21ecafd5c85d75ccc1f6"
    )
    wide = np.arange(44.0).reshape(4, 11)
    assert numpy_feature_names(11)[:2] == ["feature_01", "feature_02"]
    assert evaluation_hash(wide, np.arange(4), None, numpy_feature_names(11)) == (
        "29dac04de2c3d3f6bdbbfdcd18179681"
    )


@pytest.fixture(scope="module")
def binary() -> pd.DataFrame:
    x, y = load_iris(return_X_y=True, as_frame=True)
    return x.assign(label=(y == 2).astype(int))


def test_binary_classifier_curves_and_datasets_tag(
    fluent: ModuleType, binary: pd.DataFrame
) -> None:
    model = LogisticRegression(max_iter=300).fit(binary.drop(columns="label"), binary["label"])
    with fluent.start_run() as run:
        info = heron.sklearn.log_model(model, name="model")
        for _ in range(2):  # the same dataset and model are listed once
            result = fluent.evaluate(
                info.model_uri,
                binary,
                targets="label",
                model_type="classifier",
                dataset_path="s3://bucket/iris.csv",
            )
    assert {
        "roc_curve_plot",
        "precision_recall_curve_plot",
        "lift_curve_plot",
        "calibration_curve_plot",
        "confusion_matrix",
    } <= set(result.artifacts)
    assert result.artifacts["lift_curve_plot"].content.size[0] > 100
    names = {f.path for f in fluent.MlflowClient().list_artifacts(run.info.run_id)}
    assert {"lift_curve_plot.png", "calibration_curve_plot.png"} <= names
    features = binary.drop(columns="label")
    expected_hash = evaluation_hash(
        features, binary["label"].to_numpy(), None, list(features.columns)
    )
    tag = json.loads(fluent.get_run(run.info.run_id).data.tags["mlflow.datasets"])
    uuid = heron.pyfunc.load_model(info.model_uri).metadata.model_uuid
    assert tag == [
        {"name": "dataset", "hash": expected_hash, "path": "s3://bucket/iris.csv", "model": uuid}
    ]


def test_multiclass_calibration_and_bad_calibration_options(
    fluent: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    x, y = load_iris(return_X_y=True, as_frame=True)
    model = LogisticRegression(max_iter=300).fit(x, y)
    result = fluent.evaluate(
        model.predict, x.assign(label=y), targets="label", model_type="classifier"
    )
    assert "calibration_curve_plot" not in result.artifacts  # a callable gives no probabilities
    with fluent.start_run():
        info = heron.sklearn.log_model(model, name="model")
    result = fluent.evaluate(
        info.model_uri,
        x.assign(label=y),
        targets="label",
        model_type="classifier",
        evaluator_config={"calibration_n_bins": 5, "calibration_classifier_name": "LR"},
    )
    assert "calibration_curve_plot" in result.artifacts
    assert "lift_curve_plot" not in result.artifacts  # binary problems only, as in MLflow
    with caplog.at_level(logging.WARNING, logger="heron.evaluation"):
        result = fluent.evaluate(
            info.model_uri,
            x.assign(label=y),
            targets="label",
            model_type="classifier",
            evaluator_config={"calibration_n_bins": "five"},
        )
    assert "calibration_curve_plot" not in result.artifacts
    assert "confusion_matrix" in result.artifacts
    assert "calibration_n_bins should be of type int" in caplog.text


def test_no_datasets_tag_without_an_mlflow_model(fluent: ModuleType) -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 6.0]})
    result = fluent.evaluate(
        lambda f: f["a"] * 2, frame, targets="y", model_type="regressor", dataset_path="/d.csv"
    )
    assert "mlflow.datasets" not in fluent.get_run(result.run_id).data.tags
    with pytest.raises(InvalidParameter, match="double quote"):
        fluent.evaluate(
            lambda f: f["a"], frame, targets="y", model_type="regressor", dataset_path='a"b'
        )


def test_the_run_links_the_evaluated_model(fluent: ModuleType, binary: pd.DataFrame) -> None:
    model = LogisticRegression(max_iter=300).fit(binary.drop(columns="label"), binary["label"])
    with fluent.start_run():
        info = heron.sklearn.log_model(model, name="model")
    with pytest.raises(InvalidParameter, match="contradicts"):
        fluent.evaluate(
            info.model_uri, binary, targets="label", model_type="classifier", model_id="m-other"
        )
    result = fluent.evaluate(info.model_uri, binary, targets="label", model_type="classifier")
    inputs = fluent.get_run(result.run_id).inputs
    assert [m.model_id for m in inputs.model_inputs] == [info.model_id]
