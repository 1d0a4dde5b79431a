"""Custom metrics: ``make_metric``, ``EvaluationMetric`` and ``MetricValue``, as in MLflow.

An ``eval_fn`` declares what it needs by parameter name: ``predictions``, ``targets``,
``metrics`` (the ``MetricValue`` of every metric computed so far, builtin ones included), or
any input feature column. It returns a number, or a ``MetricValue`` whose
``aggregate_results`` become metrics ``<name>`` (for the key equal to the metric's name) or
``<name>/<key>``. Metrics that need another custom metric's value run after it.
"""

from __future__ import annotations

import inspect
import logging
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from heron.exceptions import InvalidParameter

_logger = logging.getLogger(__name__)


@dataclass
class MetricValue:
    """A metric's result: per-row scores, their justifications, and aggregates.

    Numeric ``scores`` without ``aggregate_results`` get MLflow's standard aggregates:
    ``mean``, ``variance`` and ``p90``.
    """

    scores: list[Any] | None = None
    justifications: list[str] | None = None
    aggregate_results: dict[str, float] | None = None

    def __post_init__(self) -> None:
        if self.aggregate_results is None and isinstance(self.scores, (list, tuple)):
            numeric = all(
                isinstance(s, numbers.Number) and not isinstance(s, bool) for s in self.scores
            )
            if numeric and self.scores:
                import numpy as np

                self.aggregate_results = {
                    "mean": float(np.mean(self.scores)),
                    "variance": float(np.var(self.scores)),
                    "p90": float(np.percentile(self.scores, 90)),
                }


@dataclass
class EvaluationMetric:
    """A metric ``evaluate`` computes from predictions, targets and other metrics."""

    eval_fn: Callable[..., Any]
    name: str
    greater_is_better: bool
    long_name: str | None = None
    version: str | None = None
    metric_details: str | None = None
    metric_metadata: dict[str, Any] | None = None
    genai_metric_args: dict[str, Any] | None = field(default=None, repr=False)

    def __str__(self) -> str:
        parts = [f"name={self.name}", f"greater_is_better={self.greater_is_better}"]
        if self.long_name:
            parts.append(f"long_name={self.long_name}")
        if self.version:
            parts.append(f"version={self.version}")
        return f"EvaluationMetric({', '.join(parts)})"


def make_metric(
    *,
    eval_fn: Callable[..., Any],
    greater_is_better: bool,
    name: str | None = None,
    long_name: str | None = None,
    version: str | None = None,
    metric_details: str | None = None,
    metric_metadata: dict[str, Any] | None = None,
    genai_metric_args: dict[str, Any] | None = None,
) -> EvaluationMetric:
    """Create an :class:`EvaluationMetric` for ``evaluate(extra_metrics=[...])``.

    Args:
        eval_fn: ``eval_fn(predictions, targets, metrics, ...)`` -> float or MetricValue.
        greater_is_better: Whether larger values are better.
        name: The metric's name; ``eval_fn.__name__`` when omitted (not for lambdas).
        long_name: A longer name, for display.
        version: A version string.
        metric_details: A description.
        metric_metadata: Free-form metadata.
        genai_metric_args: Accepted for MLflow compatibility.

    Raises:
        InvalidParameter: No name can be found.
    """
    if name is None:
        if isinstance(eval_fn, type(lambda: None)) and eval_fn.__name__ == "<lambda>":
            raise InvalidParameter("`name` must be specified if `eval_fn` is a lambda function.")
        name = getattr(eval_fn, "__name__", None)
        if not name:
            raise InvalidParameter("`name` must be specified when `eval_fn` has no __name__.")
    return EvaluationMetric(
        eval_fn,
        name,
        greater_is_better,
        long_name,
        version,
        metric_details,
        metric_metadata,
        genai_metric_args,
    )


def _arguments(
    metric: EvaluationMetric, columns: dict[str, Any], values: dict[str, MetricValue]
) -> list[Any] | None:
    """The eval_fn's arguments, or None while a metric it needs is not computed yet."""
    arguments: list[Any] = []
    for parameter in inspect.signature(metric.eval_fn).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        name = parameter.name
        if name == "metrics":
            arguments.append(values)
        elif name in columns:
            arguments.append(columns[name])
        elif name in values:
            arguments.append(values[name])
        elif parameter.default is not parameter.empty:
            arguments.append(parameter.default)
        else:
            return None
    return arguments


def _as_metric_value(metric: EvaluationMetric, result: Any, index: int) -> MetricValue | None:
    import numpy as np

    header = f"Did not log metric '{metric.name}' at index {index} in the `extra_metrics` parameter"
    if result is None:
        _logger.warning("%s because it returned None.", header)
        return None
    if isinstance(result, (int, float, np.number)) and not isinstance(result, bool):
        return MetricValue(aggregate_results={metric.name: float(result)})
    if isinstance(result, MetricValue):
        return result
    _logger.warning("%s because it did not return a MetricValue.", header)
    return None


def compute_extra_metrics(
    metrics: list[EvaluationMetric], columns: dict[str, Any], values: dict[str, MetricValue]
) -> None:
    """Compute custom metrics into ``values``, each once its inputs are available.

    Args:
        metrics: The ``extra_metrics``.
        columns: ``predictions``, ``targets`` and the feature columns, by name.
        values: Metric values so far (builtin ones); extended in place.

    Raises:
        InvalidParameter: A metric asks for something that never becomes available.
    """
    pending = list(enumerate(metrics))
    while pending:
        waiting = []
        for index, metric in pending:
            arguments = _arguments(metric, columns, values)
            if arguments is None:
                waiting.append((index, metric))
                continue
            value = _as_metric_value(metric, metric.eval_fn(*arguments), index)
            if value is not None:
                values[metric.name] = value
        if len(waiting) == len(pending):
            names = ", ".join(metric.name for _, metric in waiting)
            raise InvalidParameter(
                f"Error: Metric calculation failed for the following metrics: {names}. "
                "Their eval_fn parameters name neither 'predictions', 'targets', 'metrics', "
                "a feature column nor another metric."
            )
        pending = waiting


def aggregate(values: dict[str, MetricValue]) -> dict[str, float]:
    """The flat metric dict: ``name`` or ``name/aggregate`` -> value."""
    flat: dict[str, float] = {}
    for name, value in values.items():
        for key, number in (value.aggregate_results or {}).items():
            if number is None:
                continue
            flat[name if key == name.split("/")[0] else f"{name}/{key}"] = number
    return flat
