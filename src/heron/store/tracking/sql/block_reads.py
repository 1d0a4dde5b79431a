"""A long series sampled along steps from its block summaries (``metric_blocks``).

The rule's buckets are aligned powers of two, so with the coarsest block shift whose width
fits in a bucket, every bucket is a union of whole blocks (or, for the one unaligned single
bucket, holds every block of the range); a block is merged whole into its
bucket unless the asked range cuts it, and then the range's part of it is read from the
points (at most one block at each end). Each bucket's merged summary holds its count and
its first, last, smallest and largest points: the points the rule keeps.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any

from heron.entities.summary import SampledSeries
from heron.store.db.drivers import Cursor
from heron.store.tracking import sampling
from heron.store.tracking.sql.blocks import (
    SHIFTS,
    Point,
    Summary,
    decode_first_last,
    decode_high,
    decode_low,
    summary_of,
)

_BLOCKS = (
    "SELECT block_index, points, first_point, last_point, low_point, high_point "
    "FROM metric_blocks WHERE run_uuid = ? AND key = ? AND block_shift = ? "
    "AND block_index >= ? AND block_index <= ? ORDER BY block_index"
)
_POINTS = (
    "SELECT NULL, NULL, step, timestamp, value, is_nan FROM metrics "
    "WHERE run_uuid = ? AND key = ? AND step >= ? AND step <= ?"
)


def more_points_than(
    cursor: Cursor, run_id: str, key: str, limit: int, asked: tuple[int | None, int | None]
) -> bool:
    """Whether the coarsest blocks lying wholly in the asked range hold more than ``limit``
    points (so the series is sampled without reading its first points); False when unsure."""
    shift = SHIFTS[-1]
    start, end = asked
    first = None if start is None else -((-start) >> shift)  # the first block wholly in
    last = None if end is None else ((end + 1) >> shift) - 1  # the last block wholly in
    query = (
        "SELECT SUM(points) FROM metric_blocks WHERE run_uuid = ? AND key = ? AND block_shift = ?"
    )
    params: list[Any] = [run_id, key, shift]
    if first is not None:
        query += " AND block_index >= ?"
        params.append(first)
    if last is not None:
        query += " AND block_index <= ?"
        params.append(last)
    cursor.execute(query, params)
    total = cursor.fetchone()[0]
    return total is not None and int(total) > limit


def sampled_from_blocks(
    cursor: Cursor,
    run_id: str,
    key: str,
    buckets: int,
    asked: tuple[int | None, int | None],
    ends: tuple[int, int],
) -> SampledSeries | None:
    """The sampled series of one run's key over ``ends`` (the range, its open ends being the
    series' first and last step), or None when blocks cannot answer (buckets narrower than
    the finest block, or a series stored without blocks).

    Args:
        asked: The range's ``(start, end)`` as asked (None for an open end).
        ends: ``(low, high)``: the range's first and last step.
    """
    low, high = ends
    origin, width = sampling.bucket_grid(low, high, buckets)
    fitting = [shift for shift in SHIFTS if 1 << shift <= width]
    if not fitting:
        return None
    shift = fitting[-1]
    cursor.execute(_BLOCKS, (run_id, key, shift, low >> shift, high >> shift))
    blocks = cursor.fetchall()
    if not blocks:
        return None
    for position in (0, -1) if len(blocks) > 1 else (0,):
        blocks[position] = _uncut(cursor, run_id, key, blocks[position], shift, asked, ends)
    whole = [block for block in blocks if block is not None]
    if origin % width == 0:  # aligned: a bucket is 2**n whole blocks
        per_bucket = width.bit_length() - 1 - shift
        places = [block[0] >> per_bucket for block in whole]
    else:  # the one unaligned bucket
        places = [0] * len(whole)
    kept: list[Point] = []
    count = 0
    for _, group in groupby(zip(places, whole, strict=True), key=itemgetter(0)):
        summary = _merged([block for _, block in group])
        count += summary[0]
        kept.extend(_bucket_points(summary))
    steps, timestamps, values = zip(*kept, strict=True) if kept else ((), (), ())
    return SampledSeries(
        run_id,
        key,
        steps,
        timestamps,
        values,
        count,
        True,
        origin,
        width,
    )


def _uncut(
    cursor: Cursor,
    run_id: str,
    key: str,
    block: tuple[Any, ...],
    shift: int,
    asked: tuple[int | None, int | None],
    ends: tuple[int, int],
) -> tuple[Any, ...] | None:
    """A block, or when the asked range cuts it, the summary of its points in the range."""
    index = block[0]
    block_low, block_high = index << shift, ((index + 1) << shift) - 1
    start, end = asked
    if not (
        _cut(start, block_low, decode_first_last(block[2])[0])
        or _cut(-end if end is not None else None, -block_high, -decode_first_last(block[3])[0])
    ):
        return block
    part = _points_summary(cursor, run_id, key, max(block_low, ends[0]), min(block_high, ends[1]))
    return None if part is None else (index, *part)


def _merged(blocks: list[tuple[Any, ...]]) -> Summary:
    """The summary of a bucket's blocks (rows ``(index, points, first, last, low, high)``)."""
    if len(blocks) == 1:
        return list(blocks[0][1:])
    _, counts, firsts, lasts, lows, highs = zip(*blocks, strict=True)
    numbers = [low for low in lows if low is not None]
    return [
        sum(counts),
        min(firsts),
        max(lasts),
        min(numbers) if numbers else None,
        max(high for high in highs if high is not None) if numbers else None,
    ]


def _cut(start: int | None, block_start: int, first: int) -> bool:
    """Whether a range starting at ``start`` cuts a block of points (from its ``first``)."""
    return start is not None and block_start < start and first < start


def _points_summary(cursor: Cursor, run_id: str, key: str, first: int, last: int) -> Summary | None:
    cursor.execute(_POINTS, (run_id, key, first, last))
    rows = cursor.fetchall()
    return summary_of(rows) if rows else None


def _bucket_points(summary: Summary) -> list[Point]:
    """A bucket's first, last, smallest and largest points, each once, in series order.

    The first and last points are the ends; the smallest and largest (never NaN) lie
    between, ordered by (step, timestamp, value).
    """
    first = decode_first_last(summary[1])
    if summary[1] == summary[2]:
        return [first]
    last = decode_first_last(summary[2])
    if summary[3] is None:
        return [first, last]
    # A NaN end equals no point: NaN != NaN, and the extremes are never NaN.
    middle = [
        point
        for point in sorted({decode_low(summary[3]), decode_high(summary[4])})
        if point not in (first, last)
    ]
    return [first, *middle, last]
