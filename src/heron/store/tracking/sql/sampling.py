"""Metric series sampled for charts in SQL (the rule: :mod:`heron.store.tracking.sampling`).

Per run, one query counts each key's points in the range and finds its first and last x.
A short series is then read whole; a long one by one query that buckets the x column with
integer arithmetic, groups by bucket for its first and last x and its extreme values, and
returns only the rows matching one of them (a few per bucket), which Python reduces to the
same points as the generic read. Both scans are range scans of the metrics primary key
(run, key, step, ...), so a million-point series costs two passes inside the database and
a few thousand rows out of it.
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
            stats = _stats(cursor, run_id, keys, axis, where, bounds)
            for key in keys:
                if key not in stats:
                    continue
                count, first, last = stats[key]
                low = start if start is not None else first
                high = end if end is not None else last
                if count <= sampling.FULL_FACTOR * buckets:
                    rows = _whole(cursor, run_id, key, x, where, bounds)
                    result.append(sampling.whole(run_id, key, rows))
                else:
                    rows = _candidates(cursor, run_id, key, x, where, bounds, low, high, buckets)
                    series = sampling.sample_rows(run_id, key, rows, count, buckets, x, low, high)
                    result.append(series)
        return result

    return db.read(work)


def _stats(
    cursor: Cursor, run_id: str, keys: list[str], axis: str, where: str, bounds: list[int]
) -> dict[str, tuple[int, int, int]]:
    if not keys:
        _check_run(cursor, run_id)
        return {}
    marks = ", ".join("?" * len(keys))
    cursor.execute(
        f"SELECT key, COUNT(*), MIN({axis}), MAX({axis}) FROM metrics "
        f"WHERE run_uuid = ? AND key IN ({marks}){where} GROUP BY key",
        [run_id, *keys, *bounds],
    )
    stats = {key: (int(n), int(lo), int(hi)) for key, n, lo, hi in cursor.fetchall()}
    if not stats:
        _check_run(cursor, run_id)
    return stats


def _check_run(cursor: Cursor, run_id: str) -> None:
    cursor.execute("SELECT 1 FROM runs WHERE run_uuid = ?", (run_id,))
    if cursor.fetchone() is None:
        raise NotFound(f"Run with id={run_id} not found")


def _rows(fetched: list[tuple[Any, ...]]) -> list[sampling.Row]:
    return [
        (int(step), int(ts), math.nan if value is None else float(value))
        for step, ts, value in fetched
    ]


def _whole(
    cursor: Cursor, run_id: str, key: str, x: str, where: str, bounds: list[int]
) -> list[sampling.Row]:
    cursor.execute(
        f"SELECT step, timestamp, {_VALUE} FROM metrics WHERE run_uuid = ? AND key = ?{where} "
        f"ORDER BY {_ORDER[x]}",
        [run_id, key, *bounds],
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
) -> list[sampling.Row]:
    """Every row at the first or last x of its bucket or holding its extreme value."""
    axis = _AXIS[x]
    width = sampling.bucket_width(low, high, buckets)
    bucket = f"({axis} - CAST(? AS BIGINT)) / CAST(? AS BIGINT)"
    series = f"FROM metrics WHERE run_uuid = ? AND key = ?{where}"
    query = (
        f"WITH g AS (SELECT {bucket} AS b, MIN({axis}) AS f, MAX({axis}) AS l, "
        f"MIN({_VALUE}) AS lo, MAX({_VALUE}) AS hi {series} GROUP BY b) "
        f"SELECT step, timestamp, {_VALUE} {series} AND ({axis} IN (SELECT f FROM g) "
        f"OR {axis} IN (SELECT l FROM g) OR (NOT is_nan AND (value IN (SELECT lo FROM g) "
        f"OR value IN (SELECT hi FROM g)))) ORDER BY {_ORDER[x]}"
    )
    cursor.execute(query, [low, width, run_id, key, *bounds, run_id, key, *bounds])
    return _rows(cursor.fetchall())
