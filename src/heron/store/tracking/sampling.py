"""Metric series sampled for charts: the bucket rule every backend follows.

A series of more than ``FULL_FACTOR * buckets`` points in the asked range is cut into at
most ``buckets`` buckets along the x axis (steps, or timestamps for ``x="time"``). Buckets
are aligned: bucket ``x // width`` for the smallest power of two ``width`` that cuts the
range ``[low, high]`` into at most ``buckets`` of them, where ``low`` and ``high`` are the
range's ends (the series' own first and last x when the range is open); the first one
starts at ``low // width * width`` (:func:`bucket_grid`; one bucket over a range holding
negative and non-negative x is the range itself). Each bucket keeps its first and last
point in series order and the first point holding its smallest and its largest value (NaN
ignored), so a one-step spike among a million steps survives. The series order is (step,
timestamp, value) for steps and (timestamp, step, value) for time, NaN after the numbers at
a tie.

Aligned power-of-two buckets are unions of the SQL store's write-time step blocks (32 and
1,024 steps), so it answers from block summaries instead of every point.
:func:`sample_rows` applies the rule to rows; the generic store read gives it every row of
the range, the SQL one the summaries' points, which yields the same answer.
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


def bucket_grid(low: int, high: int, buckets: int) -> tuple[int, int]:
    """``(start, width)`` of the buckets cutting ``[low, high]`` into at most ``buckets``:
    bucket ``(x - start) // width``.

    The width is the smallest power of two whose aligned buckets (``x // width``) are few
    enough, and ``start = low // width * width``; a single bucket asked over a range
    holding both negative and non-negative x (no aligned bucket covers it) is the range.
    """
    if buckets == 1 and low < 0 <= high:
        return low, high - low + 1
    needed = -(-(high - low + 1) // buckets)
    width = 1 << (needed - 1).bit_length()
    while high // width - low // width >= buckets:
        width <<= 1
    return low // width * width, width


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
    start, width = bucket_grid(low, high, buckets)
    kept: list[Row] = []
    index = 0
    while index < len(rows):
        bucket = (rows[index][axis] - start) // width
        end = index
        while end < len(rows) and (rows[end][axis] - start) // width == bucket:
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
        start,
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
