"""Metric series sampled for charts: the bucket rule every backend follows.

A series of more than ``FULL_FACTOR * buckets`` points in the asked range is cut into at
most ``buckets`` buckets of equal width along the x axis (steps, or timestamps for
``x="time"``): bucket ``(x - low) // width`` with ``width = (high - low) // buckets + 1``,
where ``low`` and ``high`` are the range's ends (the series' own first and last x when the
range is open). Each bucket keeps its first and last point in series order and the first
point holding its smallest and its largest value (NaN ignored), so a one-step spike among a
million steps survives. The series order is (step, timestamp, value) for steps and
(timestamp, step, value) for time, NaN after the numbers at a tie.

:func:`sample_rows` applies the rule to rows; the generic store read gives it every row of
the range, the SQL one only the candidate rows of each bucket (its first and last x and its
extreme values), which yields the same answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from heron.entities.summary import SampledSeries
from heron.exceptions import InvalidParameter

if TYPE_CHECKING:
    from heron.store.tracking.base import TrackingStore

FULL_FACTOR = 2
"""Series of at most this many points per bucket come whole."""
MAX_BUCKETS = 10_000
X_AXES = ("step", "time")

Row = tuple[int, int, float]
"""``(step, timestamp, value)``, NaN as ``math.nan``."""


def check_sampling(buckets: int, start: int | None, end: int | None, x: str) -> None:
    """Refuse a bucket count out of 1..MAX_BUCKETS, an inverted range or an unknown axis."""
    if not 1 <= buckets <= MAX_BUCKETS:
        raise InvalidParameter(f"buckets must be between 1 and {MAX_BUCKETS}, got {buckets}.")
    if start is not None and end is not None and start > end:
        raise InvalidParameter(f"end must not be before start (start={start}, end={end}).")
    if x not in X_AXES:
        raise InvalidParameter(f"x must be one of {', '.join(X_AXES)}, got {x!r}.")


def order_key(x: str) -> Callable[[Row], tuple[int, int, bool, float]]:
    """The sort key of rows in series order for axis ``x``."""

    def by_step(row: Row) -> tuple[int, int, bool, float]:
        nan = math.isnan(row[2])
        return row[0], row[1], nan, 0.0 if nan else row[2]

    def by_time(row: Row) -> tuple[int, int, bool, float]:
        nan = math.isnan(row[2])
        return row[1], row[0], nan, 0.0 if nan else row[2]

    return by_step if x == "step" else by_time


def bucket_width(low: int, high: int, buckets: int) -> int:
    """The width of the buckets cutting ``[low, high]`` into at most ``buckets``."""
    return (high - low) // buckets + 1


def sample_rows(
    run_id: str,
    key: str,
    rows: Sequence[Row],
    count: int,
    buckets: int,
    x: str,
    low: int,
    high: int,
) -> SampledSeries:
    """The sampled series of ``rows`` (in series order: every row of the range, or a
    superset of each bucket's first, last, smallest and largest rows) over ``[low, high]``."""
    axis = 0 if x == "step" else 1
    width = bucket_width(low, high, buckets)
    kept: list[Row] = []
    index = 0
    while index < len(rows):
        bucket = (rows[index][axis] - low) // width
        end = index
        while end < len(rows) and (rows[end][axis] - low) // width == bucket:
            end += 1
        kept.extend(_bucket_points(rows[index:end]))
        index = end
    return SampledSeries(
        run_id,
        key,
        tuple(row[0] for row in kept),
        tuple(row[1] for row in kept),
        tuple(row[2] for row in kept),
        count,
        True,
        low,
        width,
    )


def _bucket_points(rows: Sequence[Row]) -> list[Row]:
    chosen = {0, len(rows) - 1}
    lowest: int | None = None
    highest: int | None = None
    for position, row in enumerate(rows):
        value = row[2]
        if math.isnan(value):
            continue
        if lowest is None or value < rows[lowest][2]:
            lowest = position
        if highest is None or value > rows[highest][2]:
            highest = position
    if lowest is not None and highest is not None:
        chosen.update((lowest, highest))
    return [rows[position] for position in sorted(chosen)]


def whole(run_id: str, key: str, rows: Sequence[Row]) -> SampledSeries:
    """A series returned whole."""
    return SampledSeries(
        run_id,
        key,
        tuple(row[0] for row in rows),
        tuple(row[1] for row in rows),
        tuple(row[2] for row in rows),
        count=len(rows),
    )


def sampled_histories(
    store: TrackingStore,
    run_ids: Sequence[str],
    keys: Sequence[str],
    buckets: int,
    start: int | None,
    end: int | None,
    x: str,
) -> list[SampledSeries]:
    """The generic read: each run's full history of each key, sampled in Python."""
    check_sampling(buckets, start, end, x)
    result: list[SampledSeries] = []
    for run_id in dict.fromkeys(run_ids):
        for key in dict.fromkeys(keys):
            points = store.get_metric_history(run_id, key)
            rows = [(m.step, m.timestamp, _float(m.value)) for m in points]
            series = sample_series(run_id, key, rows, buckets, start, end, x)
            if series is not None:
                result.append(series)
    return result


def sample_series(
    run_id: str,
    key: str,
    rows: Iterable[Row],
    buckets: int,
    start: int | None,
    end: int | None,
    x: str,
) -> SampledSeries | None:
    """Whole or sampled, the series of every row of one run's key (None without rows)."""
    axis = 0 if x == "step" else 1
    chosen = sorted(
        (
            row
            for row in rows
            if (start is None or row[axis] >= start) and (end is None or row[axis] <= end)
        ),
        key=order_key(x),
    )
    if not chosen:
        return None
    if len(chosen) <= FULL_FACTOR * buckets:
        return whole(run_id, key, chosen)
    low = start if start is not None else int(chosen[0][axis])
    high = end if end is not None else int(chosen[-1][axis])
    return sample_rows(run_id, key, chosen, len(chosen), buckets, x, low, high)


def _float(value: float | None) -> float:
    return math.nan if value is None else float(value)
