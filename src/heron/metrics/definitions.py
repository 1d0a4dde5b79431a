"""The ``eval_fn`` of each classic metric: scikit-learn's function over predictions and targets.

Each returns a :class:`~heron.evaluation.MetricValue` whose ``aggregate_results`` hold one
value under the metric's name, or None when there are no targets (the metric is skipped).
"""

from __future__ import annotations

from typing import Any

from heron.evaluation import MetricValue


def _has_targets(targets: Any) -> bool:
    return targets is not None and len(targets) != 0


def _sklearn_metric(
    function_name: str, predictions: Any, targets: Any, **options: Any
) -> MetricValue | None:
    """``sklearn.metrics.<function_name>(targets, predictions, **options)`` under its own
    name, or None without targets."""
    if not _has_targets(targets):
        return None
    import sklearn.metrics

    value = getattr(sklearn.metrics, function_name)(targets, predictions, **options)
    return MetricValue(aggregate_results={function_name: value})


def mae_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None, sample_weight: Any = None
) -> MetricValue | None:
    """Mean absolute error."""
    return _sklearn_metric("mean_absolute_error", predictions, targets, sample_weight=sample_weight)


def mse_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None, sample_weight: Any = None
) -> MetricValue | None:
    """Mean squared error."""
    return _sklearn_metric("mean_squared_error", predictions, targets, sample_weight=sample_weight)


def rmse_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None, sample_weight: Any = None
) -> MetricValue | None:
    """Root mean squared error."""
    if not _has_targets(targets):
        return None
    from sklearn.metrics import mean_squared_error

    value = mean_squared_error(targets, predictions, sample_weight=sample_weight) ** 0.5
    return MetricValue(aggregate_results={"root_mean_squared_error": value})


def r2_score_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None, sample_weight: Any = None
) -> MetricValue | None:
    """Coefficient of determination."""
    return _sklearn_metric("r2_score", predictions, targets, sample_weight=sample_weight)


def max_error_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None
) -> MetricValue | None:
    """Largest absolute residual."""
    return _sklearn_metric("max_error", predictions, targets)


def mape_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None, sample_weight: Any = None
) -> MetricValue | None:
    """Mean absolute percentage error."""
    return _sklearn_metric(
        "mean_absolute_percentage_error", predictions, targets, sample_weight=sample_weight
    )


def recall_eval_fn(
    predictions: Any,
    targets: Any = None,
    metrics: Any = None,
    pos_label: Any = 1,
    average: str = "binary",
    sample_weight: Any = None,
) -> MetricValue | None:
    """Recall of a classifier."""
    return _sklearn_metric(
        "recall_score",
        predictions,
        targets,
        pos_label=pos_label,
        average=average,
        sample_weight=sample_weight,
    )


def precision_eval_fn(
    predictions: Any,
    targets: Any = None,
    metrics: Any = None,
    pos_label: Any = 1,
    average: str = "binary",
    sample_weight: Any = None,
) -> MetricValue | None:
    """Precision of a classifier."""
    return _sklearn_metric(
        "precision_score",
        predictions,
        targets,
        pos_label=pos_label,
        average=average,
        sample_weight=sample_weight,
    )


def f1_score_eval_fn(
    predictions: Any,
    targets: Any = None,
    metrics: Any = None,
    pos_label: Any = 1,
    average: str = "binary",
    sample_weight: Any = None,
) -> MetricValue | None:
    """F1 score (harmonic mean of precision and recall) of a classifier."""
    return _sklearn_metric(
        "f1_score",
        predictions,
        targets,
        pos_label=pos_label,
        average=average,
        sample_weight=sample_weight,
    )
