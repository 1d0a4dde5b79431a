"""Ready-made evaluation metrics (``mlflow.metrics``' classic builders).

``heron.evaluate(..., extra_metrics=[heron.metrics.mae(), heron.metrics.f1_score()])`` adds
them to the default evaluator's metrics; :func:`make_metric` builds your own. MLflow's text
and LLM metrics (``toxicity``, ``rouge*``, ``bleu``, ``token_count``, ``latency``,
``flesch_kincaid_grade_level``, ``ari_grade_level``, ``exact_match``, ``*_at_k`` and
``genai``) are deprecated GenAI metrics in MLflow 3 and are left out.
"""

from __future__ import annotations

from heron.evaluation import EvaluationMetric, MetricValue, make_metric
from heron.metrics import definitions


def mae() -> EvaluationMetric:
    """Mean absolute error of a regressor (``mean_absolute_error``; lower is better)."""
    return make_metric(
        eval_fn=definitions.mae_eval_fn, greater_is_better=False, name="mean_absolute_error"
    )


def mse() -> EvaluationMetric:
    """Mean squared error of a regressor (``mean_squared_error``; lower is better)."""
    return make_metric(
        eval_fn=definitions.mse_eval_fn, greater_is_better=False, name="mean_squared_error"
    )


def rmse() -> EvaluationMetric:
    """Root mean squared error of a regressor (``root_mean_squared_error``)."""
    return make_metric(
        eval_fn=definitions.rmse_eval_fn, greater_is_better=False, name="root_mean_squared_error"
    )


def r2_score() -> EvaluationMetric:
    """Coefficient of determination of a regressor (``r2_score``; higher is better)."""
    return make_metric(
        eval_fn=definitions.r2_score_eval_fn, greater_is_better=True, name="r2_score"
    )


def max_error() -> EvaluationMetric:
    """Largest residual of a regressor (``max_error``; lower is better)."""
    return make_metric(
        eval_fn=definitions.max_error_eval_fn, greater_is_better=False, name="max_error"
    )


def mape() -> EvaluationMetric:
    """Mean absolute percentage error (``mean_absolute_percentage_error``)."""
    return make_metric(
        eval_fn=definitions.mape_eval_fn,
        greater_is_better=False,
        name="mean_absolute_percentage_error",
    )


def recall_score() -> EvaluationMetric:
    """Recall of a classifier (``recall_score``, between 0 and 1)."""
    return make_metric(
        eval_fn=definitions.recall_eval_fn, greater_is_better=True, name="recall_score"
    )


def precision_score() -> EvaluationMetric:
    """Precision of a classifier (``precision_score``, between 0 and 1)."""
    return make_metric(
        eval_fn=definitions.precision_eval_fn, greater_is_better=True, name="precision_score"
    )


def f1_score() -> EvaluationMetric:
    """F1 score of a classifier (``f1_score``, between 0 and 1)."""
    return make_metric(
        eval_fn=definitions.f1_score_eval_fn, greater_is_better=True, name="f1_score"
    )


__all__ = [
    "EvaluationMetric",
    "MetricValue",
    "f1_score",
    "mae",
    "make_metric",
    "mape",
    "max_error",
    "mse",
    "precision_score",
    "r2_score",
    "recall_score",
    "rmse",
]
