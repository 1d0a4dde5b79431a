"""Validation of whole runs (export/import, copy): metric series and a run to create at once.

The rules are :mod:`heron.validation`'s, applied to columns: a series passes where each of
its points would pass :func:`~heron.validation.validate_metric`, with the same message when
one does not; there is no batch limit.
"""

from __future__ import annotations

from heron.entities.run_content import MetricSeries, RunContent
from heron.entities.run_data import Param, RunTag
from heron.exceptions import InvalidParameter
from heron.validation import (
    INT64_MAX,
    INT64_MIN,
    repeated,
    validate_key,
    validate_metric,
    validate_params,
    validate_run_name,
    validate_tag,
)


def validate_series(series: MetricSeries) -> None:
    """Check a metric series as :func:`validate_metric` checks each of its points.

    Columns of the usual types (floats; integers in range) are checked in C-speed passes;
    anything else is checked point by point, for the same message.
    """
    validate_key(series.key, "metric")
    values, timestamps, steps = series.values, series.timestamps, series.steps
    if not len(values) == len(timestamps) == len(steps):
        raise InvalidParameter(
            f"Metric series '{series.key}' has {len(values)} values, {len(timestamps)} "
            f"timestamps and {len(steps)} steps; they must be as many."
        )
    if not values:
        return
    if (
        set(map(type, values)) <= {float, int}
        and set(map(type, timestamps)) == {int}
        and set(map(type, steps)) == {int}
        and min(timestamps) >= 0
        and max(timestamps) <= INT64_MAX
        and min(steps) >= INT64_MIN
        and max(steps) <= INT64_MAX
    ):
        return
    for point in series.points():
        validate_metric(point)


def validate_run_content(content: RunContent) -> tuple[list[Param], list[RunTag]]:
    """Check a run to create whole: every point, param and tag as a batch's, and no key
    given two series or two params (any number of them: there is no batch limit).

    Returns the params and tags as they will be stored (over-long values truncated).
    """
    twice = repeated([series.key for series in content.series])
    if twice:
        raise InvalidParameter(f"Metric series were given twice for keys: {twice}.")
    for series in content.series:
        validate_series(series)
    for metric in content.points:
        validate_metric(metric)
    params = validate_params(content.params)
    validate_run_name(content.run_name)
    return params, [validate_tag(t) for t in content.tags]
