"""Model validation: ``MetricThreshold`` and ``validate_evaluation_results``.

A candidate's metrics are checked against absolute thresholds and, with a baseline, against
a minimum absolute and/or relative improvement; every failing metric is listed in the
``ModelValidationFailedException`` raised, with MLflow's wording.
"""

from __future__ import annotations

import logging
import operator
import os
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from heron.exceptions import BadRequest, InvalidParameter

_logger = logging.getLogger(__name__)


class ModelValidationFailedException(BadRequest):
    """The candidate model failed one or more metric thresholds (``BAD_REQUEST``)."""


class MetricThreshold:
    """Thresholds one metric must meet.

    Args:
        threshold: The value to reach (>= if greater is better, else <=).
        min_absolute_change: A positive number: the minimum improvement over the baseline.
        min_relative_change: A float in [0, 1]: the minimum improvement as a share of the
            baseline value.
        greater_is_better: Whether larger values are better (required).

    Raises:
        InvalidParameter: Malformed thresholds (MLflow's messages).
    """

    def __init__(
        self,
        threshold: float | None = None,
        min_absolute_change: float | None = None,
        min_relative_change: float | None = None,
        greater_is_better: bool | None = None,
    ):
        def fail(message: str) -> InvalidParameter:
            return InvalidParameter("Could not instantiate MetricThreshold class: " + message)

        if threshold is not None and type(threshold) not in (int, float):
            raise fail("`threshold` parameter must be a number.")
        if min_absolute_change is not None and (
            type(min_absolute_change) not in (int, float) or min_absolute_change <= 0
        ):
            raise fail("`min_absolute_change` parameter must be a positive number.")
        if min_relative_change is not None:
            if not isinstance(min_relative_change, float):
                raise fail("`min_relative_change` parameter must be a floating point number.")
            if not 0 <= min_relative_change <= 1:
                raise fail("`min_relative_change` parameter must be between 0 and 1.")
        if greater_is_better is None:
            raise fail("`greater_is_better` parameter must be defined.")
        if not isinstance(greater_is_better, bool):
            raise fail("`greater_is_better` parameter must be a boolean.")
        if threshold is None and min_absolute_change is None and min_relative_change is None:
            raise fail("no threshold was specified.")
        self.threshold = threshold
        self.min_absolute_change = min_absolute_change
        self.min_relative_change = min_relative_change
        self.greater_is_better = greater_is_better

    def __repr__(self) -> str:
        return (
            f"MetricThreshold(threshold={self.threshold}, "
            f"min_absolute_change={self.min_absolute_change}, "
            f"min_relative_change={self.min_relative_change}, "
            f"greater_is_better={self.greater_is_better})"
        )


def _failures(
    name: str, rule: MetricThreshold, candidate: Any, baseline: Mapping[str, Any]
) -> list[str]:
    if candidate is None:
        return [
            f"Metric validation failed: metric {name} was missing from the evaluation result "
            "of the candidate model."
        ]
    better = operator.ge if rule.greater_is_better else operator.le
    shift = operator.add if rule.greater_is_better else operator.sub
    messages = []
    if rule.threshold is not None and not better(candidate, rule.threshold):
        messages.append(
            f"Metric {name} value threshold check failed: candidate model {name} = "
            f"{candidate}, {name} threshold = {rule.threshold}."
        )
    wants_baseline = rule.min_relative_change or rule.min_absolute_change
    if wants_baseline and name not in baseline:
        messages.append(
            f"Model comparison failed: metric {name} was missing from the evaluation result "
            "of the baseline model."
        )
        return messages
    base: Any = baseline.get(name)
    comparison = f"candidate model {name} = {candidate}, baseline model {name} = {base}"
    if rule.min_absolute_change is not None and not better(
        Decimal(candidate), Decimal(shift(base, rule.min_absolute_change))
    ):
        messages.append(
            f"Metric {name} minimum absolute change check failed: {comparison}, {name} "
            f"minimum absolute change threshold = {rule.min_absolute_change}."
        )
    if rule.min_relative_change is not None:
        if base == 0:
            _logger.warning(
                "Cannot perform relative model comparison for metric %s as baseline metric "
                "value is 0. Falling back to simple comparison.",
                name,
            )
            failed = not better(Decimal(candidate), Decimal(shift(base, 1e-10)))
        else:
            change = (candidate - base) if rule.greater_is_better else (base - candidate)
            failed = change / abs(base) < rule.min_relative_change
        if failed:
            messages.append(
                f"Metric {name} minimum relative change check failed: {comparison}, {name} "
                f"minimum relative change threshold = {rule.min_relative_change}."
            )
    return messages


def validate_evaluation_results(
    validation_thresholds: dict[str, MetricThreshold],
    candidate_result: Any,
    baseline_result: Any = None,
) -> None:
    """Check a candidate's evaluation metrics against thresholds (and a baseline's).

    Args:
        validation_thresholds: Metric name -> :class:`MetricThreshold`.
        candidate_result: The candidate's ``EvaluationResult``.
        baseline_result: The baseline's ``EvaluationResult``, for change thresholds.

    Raises:
        InvalidParameter: ``validation_thresholds`` is not a dict of str -> MetricThreshold.
        ModelValidationFailedException: Some metric failed; the message lists each failure.
    """
    if type(validation_thresholds) is not dict or not all(
        isinstance(k, str) and isinstance(v, MetricThreshold)
        for k, v in validation_thresholds.items()
    ):
        raise InvalidParameter(
            "The validation thresholds argument must be a dictionary that maps strings to "
            "MetricThreshold objects."
        )
    candidate = candidate_result.metrics
    baseline = baseline_result.metrics if baseline_result is not None else {}
    messages = []
    for name, rule in validation_thresholds.items():
        failures = _failures(name, rule, candidate.get(name), baseline)
        if failures:
            messages.append(" ".join(failures))
    if messages:
        raise ModelValidationFailedException(os.linesep.join(messages))
