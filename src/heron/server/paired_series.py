"""Pair one metric's points with another's by step, for charts whose x axis is a metric.

The pair of step ``s`` holds the last point (in timestamp order) each metric has at ``s``.
Steps where the x metric has no point or a NaN value give no pair and are counted as
``unpaired``: the chart does not invent x values across a gap. A NaN y value is kept (the
line breaks there). More than ``FULL_FACTOR * buckets`` pairs are cut into aligned step
buckets by :mod:`heron.store.tracking.sampling`'s rule, so a y spike is never lost.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from heron.entities import Metric
from heron.store.tracking.sampling import FULL_FACTOR, Row, sample_rows


def last_per_step(
    points: Iterable[Metric], start: int | None, end: int | None
) -> dict[int, tuple[int, float]]:
    """``{step: (timestamp, value)}`` of the last point at each step of the range."""
    chosen: dict[int, tuple[int, float]] = {}
    for point in points:
        step = point.step
        if (start is not None and step < start) or (end is not None and step > end):
            continue
        value = math.nan if point.value is None else float(point.value)
        held = chosen.get(step)
        if held is None or point.timestamp >= held[0]:
            chosen[step] = (point.timestamp, value)
    return chosen


def pair_series(
    run_id: str,
    key: str,
    x_key: str,
    y_points: Iterable[Metric],
    x_points: Iterable[Metric],
    buckets: int,
    start: int | None = None,
    end: int | None = None,
) -> dict[str, Any] | None:
    """The ``PairedSeries`` message of one run (None when ``key`` has no point in range)."""
    ys = last_per_step(y_points, start, end)
    if not ys:
        return None
    xs = {
        step: value
        for step, (_, value) in last_per_step(x_points, start, end).items()
        if math.isfinite(value)
    }
    rows: list[Row] = [(step, ys[step][0], ys[step][1]) for step in sorted(ys) if step in xs]
    out: dict[str, Any] = {
        "run_id": run_id,
        "key": key,
        "x_key": x_key,
        "count": len(rows),
        "unpaired": len(ys) - len(rows),
        "sampled": False,
    }
    if len(rows) > FULL_FACTOR * buckets:
        low = start if start is not None else rows[0][0]
        high = end if end is not None else rows[-1][0]
        sampled = sample_rows(run_id, key, rows, len(rows), buckets, "step", low, high)
        steps, timestamps, values = sampled.steps, sampled.timestamps, sampled.values
        out.update(sampled=True, bucket_start=sampled.bucket_start)
        out["bucket_width"] = sampled.bucket_width
    else:
        steps = tuple(row[0] for row in rows)
        timestamps = tuple(row[1] for row in rows)
        values = tuple(row[2] for row in rows)
    out["steps"] = list(steps)
    out["timestamps"] = list(timestamps)
    out["x_values"] = [xs[step] for step in steps]
    out["values"] = [None if math.isnan(value) else value for value in values]
    return out
