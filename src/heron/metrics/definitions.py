"""The ``eval_fn`` of each classic metric: scikit-learn's function over predictions and targets.

Each returns a :class:`~heron.evaluation.MetricValue` whose ``aggregate_results`` hold one
value under the metric's name, or None when there are no targets (the metric is skipped).
"""

from __future__ import annotations

from typing import Any

from heron.evaluation import MetricValue


def _has_targets(targets: Any) -> bool:
    return targets is not None and len(targets) != 0


def mae_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None, sample_weight: Any = None
) -> MetricValue | None:
    """Mean absolute error."""
    if not _has_targets(targets):
        return None
    from sklearn.metrics import mean_absolute_error

    value = mean_absolute_error(targets, predictions, sample_weight=sample_weight)
    return MetricValue(aggregate_results={"mean_absolute_error": value})


def mse_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None, sample_weight: Any = None
) -> MetricValue | None:
    """Mean squared error."""
    if not _has_targets(targets):
        return None
    from sklearn.metrics import mean_squared_error

    value = mean_squared_error(targets, predictions, sample_weight=sample_weight)
    return MetricValue(aggregate_results={"mean_squared_error": value})


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
    if not _has_targets(targets):
        return None
    from sklearn.metrics import r2_score

    value = r2_score(targets, predictions, sample_weight=sample_weight)
    return MetricValue(aggregate_results={"r2_score": value})


def max_error_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None
) -> MetricValue | None:
    """Largest absolute residual."""
    if not _has_targets(targets):
        return None
    from sklearn.metrics import max_error

    return MetricValue(aggregate_results={"max_error": max_error(targets, predictions)})


def mape_eval_fn(
    predictions: Any, targets: Any = None, metrics: Any = None, sample_weight: Any = None
) -> MetricValue | None:
    """Mean absolute percentage error."""
    if not _has_targets(targets):
        return None
    from sklearn.metrics import mean_absolute_percentage_error

    value = mean_absolute_percentage_error(targets, predictions, sample_weight=sample_weight)
    return MetricValue(aggregate_results={"mean_absolute_percentage_error": value})


def _classification(
    function_name: str,
    predictions: Any,
    targets: Any,
    pos_label: Any,
    average: str,
    sample_weight: Any,
) -> MetricValue | None:
    if not _has_targets(targets):
        return None
    import sklearn.metrics

    function = getattr(sklearn.metrics, function_name)
    value = function(
        targets, predictions, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    return MetricValue(aggregate_results={function_name: value})


def recall_eval_fn(
    predictions: Any,
    targets: Any = None,
    metrics: Any = None,
    pos_label: Any = 1,
    average: str = "binary",
    sample_weight: Any = None,
) -> MetricValue | None:
    """Recall of a classifier."""
    return _classification("recall_score", predictions, targets, pos_label, average, sample_weight)


def precision_eval_fn(
    predictions: Any,
    targets: Any = None,
    metrics: Any = None,
    pos_label: Any = 1,
    average: str = "binary",
    sample_weight: Any = None,
) -> MetricValue | None:
    """Precision of a classifier."""
    return _classification(
        "precision_score", predictions, targets, pos_label, average, sample_weight
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
    return _classification("f1_score", predictions, targets, pos_label, average, sample_weight)
