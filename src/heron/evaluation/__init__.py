"""Model evaluation: ``evaluate``, custom metrics, and model validation, as in MLflow.

``heron.evaluate(model_uri, eval_df, targets="quality", model_type="regressor")`` logs the
default metrics (MLflow's names and values), plots and tables to the active run (or a new
one) and returns an :class:`EvaluationResult`; ``heron.validate_evaluation_results`` checks
a candidate's metrics against :class:`MetricThreshold` rules.
"""

from __future__ import annotations

from heron.evaluation.default_evaluator import evaluate
from heron.evaluation.metrics import EvaluationMetric, MetricValue, make_metric
from heron.evaluation.result import (
    CsvEvaluationArtifact,
    EvaluationArtifact,
    EvaluationResult,
    ImageEvaluationArtifact,
    JsonEvaluationArtifact,
)
from heron.evaluation.validation import (
    MetricThreshold,
    ModelValidationFailedException,
    validate_evaluation_results,
)

__all__ = [
    "CsvEvaluationArtifact",
    "EvaluationArtifact",
    "EvaluationMetric",
    "EvaluationResult",
    "ImageEvaluationArtifact",
    "JsonEvaluationArtifact",
    "MetricThreshold",
    "MetricValue",
    "ModelValidationFailedException",
    "evaluate",
    "make_metric",
    "validate_evaluation_results",
]
