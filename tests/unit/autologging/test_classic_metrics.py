"""``heron.metrics``: MLflow's classic metric builders, used with ``evaluate(extra_metrics=)``."""

from __future__ import annotations

from types import ModuleType

import pandas as pd
import pytest
from sklearn import metrics as sk

import heron.metrics


def test_regression_metrics_match_scikit_learn(fluent: ModuleType) -> None:
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "p": [1.5, 2.0, 2.0, 5.0]})
    builders = [heron.metrics.mae, heron.metrics.mse, heron.metrics.rmse, heron.metrics.r2_score]
    builders += [heron.metrics.max_error, heron.metrics.mape]
    with fluent.start_run():
        result = fluent.evaluate(
            data=frame, predictions="p", targets="y", extra_metrics=[b() for b in builders]
        )
    y, p = frame["y"], frame["p"]
    assert result.metrics["mean_absolute_error"] == pytest.approx(sk.mean_absolute_error(y, p))
    assert result.metrics["mean_squared_error"] == pytest.approx(sk.mean_squared_error(y, p))
    assert result.metrics["root_mean_squared_error"] == pytest.approx(
        sk.mean_squared_error(y, p) ** 0.5
    )
    assert result.metrics["r2_score"] == pytest.approx(sk.r2_score(y, p))
    assert result.metrics["max_error"] == pytest.approx(1.0)
    assert result.metrics["mean_absolute_percentage_error"] == pytest.approx(
        sk.mean_absolute_percentage_error(y, p)
    )


def test_classification_metrics_and_their_names(fluent: ModuleType) -> None:
    frame = pd.DataFrame({"y": [1.0, 0, 1, 1, 0, 1], "p": [1.0, 0, 0, 1, 1, 1]})
    extra = [heron.metrics.recall_score(), heron.metrics.precision_score()]
    extra.append(heron.metrics.f1_score())
    with fluent.start_run():
        result = fluent.evaluate(data=frame, predictions="p", targets="y", extra_metrics=extra)
    assert result.metrics["recall_score"] == pytest.approx(0.75)
    assert result.metrics["precision_score"] == pytest.approx(0.75)
    assert result.metrics["f1_score"] == pytest.approx(0.75)
    assert [m.greater_is_better for m in extra] == [True, True, True]
    assert heron.metrics.mae().greater_is_better is False
    assert heron.metrics.MetricValue is heron.evaluation.MetricValue
    assert heron.metrics.make_metric is heron.models.make_metric


def test_metrics_without_targets_are_skipped() -> None:
    from heron.metrics import definitions

    assert definitions.mae_eval_fn(pd.Series([1.0]), pd.Series([], dtype=float)) is None
    assert definitions.f1_score_eval_fn(pd.Series([1]), None) is None


def test_metric_values_with_scores_get_mlflow_aggregates(fluent: ModuleType) -> None:
    value = heron.metrics.MetricValue(scores=[1.0, 2.0, 3.0, 4.0])
    assert value.aggregate_results == pytest.approx({"mean": 2.5, "variance": 1.25, "p90": 3.7})
    assert heron.metrics.MetricValue(scores=["a"]).aggregate_results is None
    given = heron.metrics.MetricValue(scores=[1.0], aggregate_results={"max": 1.0})
    assert given.aggregate_results == {"max": 1.0}

    def error(predictions: pd.Series, targets: pd.Series) -> heron.metrics.MetricValue:
        return heron.metrics.MetricValue(scores=list(abs(predictions - targets)))

    frame = pd.DataFrame({"y": [1.0, 2.0], "p": [1.0, 4.0]})
    metric = heron.metrics.make_metric(eval_fn=error, greater_is_better=False)
    with fluent.start_run():
        result = fluent.evaluate(data=frame, predictions="p", targets="y", extra_metrics=[metric])
    assert result.metrics["error/mean"] == pytest.approx(1.0)
    assert result.metrics["error/p90"] == pytest.approx(1.8)
