"""heron.evaluate: metrics, artifacts, custom metrics, static predictions, errors, validation."""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk
from sklearn.datasets import load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression

import heron.sklearn
from heron.evaluation import (
    MetricThreshold,
    MetricValue,
    ModelValidationFailedException,
    make_metric,
)
from heron.exceptions import InvalidParameter


@pytest.fixture(scope="module")
def regression_frame() -> pd.DataFrame:
    """A small regression problem with a ``target`` column."""
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    return x.assign(target=x.sum(axis=1) + rng.normal(size=200))


@pytest.fixture(scope="module")
def iris() -> tuple[pd.DataFrame, pd.Series]:
    """Iris features and labels."""
    return load_iris(return_X_y=True, as_frame=True)  # type: ignore[no-any-return]


def test_regressor_from_model_uri(fluent: ModuleType, regression_frame: pd.DataFrame) -> None:
    x = regression_frame.drop(columns="target")
    model = LinearRegression().fit(x, regression_frame["target"])
    with fluent.start_run():
        info = heron.sklearn.log_model(model, name="model")
    result = fluent.evaluate(
        info.model_uri, regression_frame, targets="target", model_type="regressor"
    )
    y, predicted = regression_frame["target"], model.predict(x)
    assert result.metrics["mean_squared_error"] == pytest.approx(
        sk.mean_squared_error(y, predicted), rel=1e-12
    )
    assert result.metrics["score"] == pytest.approx(model.score(x, y))
    assert result.metrics["example_count"] == 200
    run = fluent.get_run(result.run_id)
    assert run.data.metrics["r2_score"] == pytest.approx(result.metrics["r2_score"])
    assert (
        run.inputs.dataset_inputs[0].dataset.digest
        == heron.data.from_pandas(regression_frame).digest
    )


def test_multiclass_classifier_artifacts_and_tables(
    fluent: ModuleType, iris: tuple[pd.DataFrame, pd.Series]
) -> None:
    x, y = iris
    model = LogisticRegression(max_iter=500).fit(x, y)
    with fluent.start_run():
        info = heron.sklearn.log_model(model, name="model")
    result = fluent.evaluate(
        info.model_uri, x.assign(label=y), targets="label", model_type="classifier"
    )
    assert result.metrics["roc_auc"] == pytest.approx(
        sk.roc_auc_score(y, model.predict_proba(x), average="weighted", multi_class="ovr")
    )
    assert {"confusion_matrix", "roc_curve_plot", "per_class_metrics"} <= set(result.artifacts)
    assert list(result.tables["per_class_metrics"]["positive_class"]) == [0, 1, 2]
    assert result.artifacts["confusion_matrix"].content.size[0] > 100
    names = {f.path for f in fluent.MlflowClient().list_artifacts(result.run_id)}
    assert "confusion_matrix.png" in names


def test_binary_static_predictions_and_custom_parts(fluent: ModuleType) -> None:
    frame = pd.DataFrame({"label": [0, 1, 1, 0, 1, 0], "pred": [0, 1, 0, 0, 1, 1]})

    def double_accuracy(predictions: pd.Series, targets: pd.Series, metrics: Any) -> float:
        return 2 * metrics["accuracy_score"].aggregate_results["accuracy_score"]

    def spread(predictions: pd.Series) -> MetricValue:
        return MetricValue(aggregate_results={"max": float(predictions.max())})

    def table(eval_df: pd.DataFrame, builtin: dict[str, float], directory: str) -> dict[str, Any]:
        path = os.path.join(directory, "note.txt")
        with open(path, "w") as out:
            out.write("hello")
        return {"frame": eval_df.head(2), "note": path, "summary": {"n": len(eval_df)}}

    with fluent.start_run():
        result = fluent.evaluate(
            data=frame,
            predictions="pred",
            targets="label",
            model_type="classifier",
            extra_metrics=[
                make_metric(eval_fn=double_accuracy, greater_is_better=True),
                make_metric(eval_fn=spread, greater_is_better=True),
            ],
            custom_artifacts=[table],
            evaluator_config={"metric_prefix": "val_"},
        )
    assert result.metrics["val_true_positives"] == 2
    assert result.metrics["val_double_accuracy"] == pytest.approx(2 * 4 / 6)
    assert result.metrics["val_spread/max"] == 1.0
    assert result.artifacts["summary"].content == {"n": 6}
    assert result.tables["frame"].shape == (2, 2)
    (dataset_input,) = fluent.get_run(result.run_id).inputs.dataset_inputs
    assert dataset_input.context == "val_"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"targets": "nope", "model_type": "regressor"}, "targets column 'nope'"),
        ({"model_type": "regressor"}, "targets argument is required"),
        ({"targets": "target", "model_type": "ranker"}, "Unsupported model_type"),
        ({"targets": "target", "model_type": "classifier"}, "continuous"),
    ],
)
def test_bad_input_is_refused(
    fluent: ModuleType, regression_frame: pd.DataFrame, kwargs: dict[str, Any], message: str
) -> None:
    model = LinearRegression().fit(regression_frame[["a", "b", "c"]], regression_frame["target"])
    with pytest.raises(InvalidParameter, match=message):
        fluent.evaluate(model.predict, regression_frame, **kwargs)


def test_model_that_cannot_predict(fluent: ModuleType, regression_frame: pd.DataFrame) -> None:
    model = LinearRegression().fit(np.ones((3, 7)), [1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameter, match="failed to predict"):
        fluent.evaluate(model.predict, regression_frame, targets="target", model_type="regressor")


def test_numpy_data_with_feature_names(fluent: ModuleType) -> None:
    x = np.arange(20.0).reshape(10, 2)
    y = x[:, 0] * 2
    result = fluent.evaluate(
        lambda frame: frame["left"] * 2,
        x,
        targets=y,
        feature_names=["left", "right"],
        model_type="regressor",
    )
    assert result.metrics["mean_absolute_error"] == 0.0


def test_validate_evaluation_results(fluent: ModuleType) -> None:
    frame = pd.DataFrame({"y": [0.0, 1.0, 2.0, 3.0], "good": [0.0, 1.0, 2.0, 3.5], "bad": 0.0})
    candidate = fluent.evaluate(data=frame, predictions="bad", targets="y", model_type="regressor")
    baseline = fluent.evaluate(data=frame, predictions="good", targets="y", model_type="regressor")
    thresholds = {
        "mean_absolute_error": MetricThreshold(
            threshold=0.5, min_absolute_change=0.01, greater_is_better=False
        ),
        "r2_score": MetricThreshold(min_relative_change=0.1, greater_is_better=True),
    }
    with pytest.raises(ModelValidationFailedException) as failure:
        fluent.validate_evaluation_results(thresholds, candidate, baseline)
    text = str(failure.value)
    assert "mean_absolute_error value threshold check failed" in text
    assert "r2_score minimum relative change check failed" in text
    fluent.validate_evaluation_results(thresholds, baseline, candidate)
    with pytest.raises(InvalidParameter, match="greater_is_better"):
        MetricThreshold(threshold=1.0)


def test_shap_explanations_when_installed(
    fluent: ModuleType, regression_frame: pd.DataFrame
) -> None:
    pytest.importorskip("shap", reason="shap is not installed (pip install heron[shap])")
    x = regression_frame.drop(columns="target")
    model = LinearRegression().fit(x, regression_frame["target"])
    with fluent.start_run():
        info = heron.sklearn.log_model(model, name="model")
    result = fluent.evaluate(
        info.model_uri,
        regression_frame,
        targets="target",
        model_type="regressor",
        evaluator_config={"explainability_nsamples": 40},
    )
    assert {"shap_beeswarm_plot", "shap_feature_importance_plot"} <= set(result.artifacts)
    with pytest.raises(InvalidParameter, match="unsupported"):
        fluent.evaluate(
            info.model_uri,
            regression_frame,
            targets="target",
            model_type="regressor",
            evaluator_config={"explainability_algorithm": "magic"},
        )
    quiet = fluent.evaluate(
        info.model_uri,
        regression_frame,
        targets="target",
        model_type="regressor",
        evaluator_config={"log_model_explainability": False},
    )
    assert not any(name.startswith("shap_") for name in quiet.artifacts)


def test_dataset_names_its_targets_and_predictions(fluent: ModuleType) -> None:
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0], "p": [1.0, 2.5, 2.0]})
    dataset = heron.data.from_pandas(frame, targets="y", predictions="p", name="static")
    result = fluent.evaluate(data=dataset, model_type="regressor")
    assert result.metrics["mean_absolute_error"] == pytest.approx(0.5)
    (dataset_input,) = fluent.get_run(result.run_id).inputs.dataset_inputs
    assert dataset_input.dataset.name == "static"
