"""Metric series sampled for charts in SQL (the rule: :mod:`heron.store.tracking.sampling`).

For each run and key: the series' first and last x in the range (for steps, two seeks in
the metrics primary key), then its first ``2 * buckets + 1`` rows: a short series is done.
A long one sampled along steps is read from its write-time block summaries
(:mod:`~heron.store.tracking.sql.block_reads`): a million points cost a few thousand block
rows. Along time (or for series without blocks) one more query buckets the x column with
integer arithmetic, groups by bucket for its first and last x, extreme values and count,
and returns only the rows matching one of them in their bucket (a few per bucket), which
Python reduces to the same points as the generic read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from heron.entities.summary import SampledSeries
from heron.exceptions import NotFound
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.tracking import sampling
from heron.store.tracking.sql.block_reads import more_points_than, sampled_from_blocks

_VALUE = "CASE WHEN is_nan THEN NULL ELSE value END"
_ORDER = {"step": "step, timestamp, is_nan, value", "time": "timestamp, step, is_nan, value"}
_AXIS = {"step": "step", "time": "timestamp"}


def _range(axis: str, start: int | None, end: int | None) -> tuple[str, list[int]]:
    text, params = "", []
    if start is not None:
        text += f" AND {axis} >= ?"
        params.append(start)
    if end is not None:
        text += f" AND {axis} <= ?"
        params.append(end)
    return text, params


def sampled_histories(
    db: Database,
    run_ids: Sequence[str],
    keys: Sequence[str],
    buckets: int,
    start: int | None,
    end: int | None,
    x: str,
) -> list[SampledSeries]:
    """See :meth:`heron.store.tracking.base.TrackingStore.get_sampled_histories`."""
    sampling.check_sampling(buckets, start, end, x)
    axis = _AXIS[x]
    keys = list(dict.fromkeys(keys))
    where, bounds = _range(axis, start, end)

    def work(cursor: Cursor) -> list[SampledSeries]:
        result: list[SampledSeries] = []
        for run_id in dict.fromkeys(run_ids):
            found = False
            for key in keys:
                ends = _ends(cursor, run_id, key, axis, where, bounds)
                if ends is None:
                    continue
                found = True
                low = start if start is not None else ends[0]
                high = end if end is not None else ends[1]
                limit = sampling.FULL_FACTOR * buckets
                long = x == "step" and more_points_than(cursor, run_id, key, limit, (start, end))
                if not long:
                    rows = _first_rows(cursor, run_id, key, x, where, bounds, limit + 1)
                    if len(rows) <= limit:
                        result.append(sampling.whole(run_id, key, rows))
                        continue
                summarised = None
                if x == "step":
                    summarised = sampled_from_blocks(
                        cursor, run_id, key, buckets, (start, end), (low, high)
                    )
                if summarised is not None:
                    result.append(summarised)
                    continue
                rows, count = _candidates(cursor, run_id, key, x, where, bounds, low, high, buckets)
                result.append(sampling.sample_rows(run_id, key, rows, count, buckets, x, low, high))
            if not found:
                _check_run(cursor, run_id)
        return result

    return db.read(work)


def _ends(
    cursor: Cursor, run_id: str, key: str, axis: str, where: str, bounds: list[int]
) -> tuple[int, int] | None:
    """The first and last x of the series in the range (for steps: two index seeks, each
    query holding a single MIN or MAX so that the database reads it off the key)."""
    series = f"FROM metrics WHERE run_uuid = ? AND key = ?{where}"
    params = [run_id, key, *bounds]
    cursor.execute(f"SELECT MIN({axis}) {series}", params)
    first = cursor.fetchone()[0]
    if first is None:
        return None
    cursor.execute(f"SELECT MAX({axis}) {series}", params)
    return int(first), int(cursor.fetchone()[0])


def _check_run(cursor: Cursor, run_id: str) -> None:
    cursor.execute("SELECT 1 FROM runs WHERE run_uuid = ?", (run_id,))
    if cursor.fetchone() is None:
        raise NotFound(f"Run with id={run_id} not found")


def _rows(fetched: list[tuple[Any, ...]]) -> list[sampling.Row]:
    return [
        (int(step), int(ts), math.nan if value is None else float(value))
        for step, ts, value in fetched
    ]


def _first_rows(
    cursor: Cursor, run_id: str, key: str, x: str, where: str, bounds: list[int], limit: int
) -> list[sampling.Row]:
    cursor.execute(
        f"SELECT step, timestamp, {_VALUE} FROM metrics WHERE run_uuid = ? AND key = ?{where} "
        f"ORDER BY {_ORDER[x]} LIMIT ?",
        [run_id, key, *bounds, limit],
    )
    return _rows(cursor.fetchall())


def _candidates(
    cursor: Cursor,
    run_id: str,
    key: str,
    x: str,
    where: str,
    bounds: list[int],
    low: int,
    high: int,
    buckets: int,
) -> tuple[list[sampling.Row], int]:
    """Every row at the first or last x of its bucket or holding its extreme value, and
    the number of rows in the range."""
    axis = _AXIS[x]
    base, width = sampling.bucket_grid(low, high, buckets)  # x - base >= 0: division floors
    bucket = f"({axis} - CAST(? AS BIGINT)) / CAST(? AS BIGINT)"
    series = f"FROM metrics WHERE run_uuid = ? AND key = ?{where}"
    # The series is scanned first (CROSS JOIN keeps that order in SQLite), each row finding
    # its bucket's aggregates through one lookup.
    query = (
        f"WITH g AS (SELECT {bucket} AS b, MIN({axis}) AS f, MAX({axis}) AS l, "
        f"MIN({_VALUE}) AS lo, MAX({_VALUE}) AS hi, COUNT(*) AS n {series} GROUP BY b) "
        f"SELECT step, timestamp, {_VALUE}, (SELECT SUM(n) FROM g) FROM metrics CROSS JOIN g "
        f"WHERE run_uuid = ? AND key = ?{where} AND g.b = {bucket} "
        f"AND ({axis} = g.f OR {axis} = g.l OR (NOT is_nan AND (value = g.lo OR value = g.hi))) "
        f"ORDER BY {_ORDER[x]}"
    )
    cursor.execute(query, [base, width, run_id, key, *bounds, run_id, key, *bounds, base, width])
    fetched = cursor.fetchall()
    return _rows([row[:3] for row in fetched]), int(fetched[0][3])
