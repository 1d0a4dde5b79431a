"""Write-time summaries of metric series: ``metric_blocks``, kept in step with ``metrics``.

A block of shift ``s`` (:data:`SHIFTS`: 32 and 1,024 steps) holds the points of one
(run, key) whose ``step >> s`` is its ``block_index``: their count, their first and last
point in series order (step, timestamp, NaN last, value), the first point holding their
smallest value and the first holding their largest (NaN ignored). Each point is stored as
bytes whose order is the order that picks it, so merging two summaries is a count sum and
MIN/MAX of bytes: the same upsert on every database, each column depending on itself only.

The store's metric writes call :func:`add_points` in their transaction with the rows they
inserted; when the insert skipped some rows (points stored already), the touched series are
rebuilt from their points instead (:func:`rebuild_series`), so the counts stay exact.
Bulk writers that insert points with their own SQL call :func:`rebuild_runs`.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import pairwise
from operator import itemgetter
from typing import Any

from heron.store.db.drivers import Cursor

SHIFTS = (5, 10)
"""Block widths as powers of two (32 and 1,024 steps), finest first. Each level costs every
write one more row for a key's isolated point; reads merge at most 32 blocks a bucket."""

_OFFSET = 1 << 63
_ONES = (1 << 64) - 1
_SIGN = 1 << 63
_ORDER = struct.Struct(">QQBQd")  # step, timestamp, is_nan, ordered value, value
_VALUE = struct.Struct(">QQQd")  # ordered value, step (or its complement), timestamp (idem)
_DOUBLE = struct.Struct(">d")
_BITS = struct.Struct(">Q")
_VALUE_COLUMN = itemgetter(4)

Summary = list[Any]
"""``[points, first, last, low, high]``: a count and four encoded points (low and high None
when every point is NaN)."""
Point = tuple[int, int, float]
"""``(step, timestamp, value)``; NaN as ``math.nan``."""


def _ordered(value: float) -> int:
    """An unsigned integer ordered as the floats are (-0.0 counted as 0.0)."""
    bits: int = _BITS.unpack(_DOUBLE.pack(value + 0.0))[0]
    return bits ^ _ONES if bits & _SIGN else bits | _SIGN


def _first_last(row: Sequence[Any]) -> bytes:
    step, timestamp, value, is_nan = row[2], row[3], row[4], row[5]
    return _ORDER.pack(step + _OFFSET, timestamp + _OFFSET, bool(is_nan), _ordered(value), value)


def _low(row: Sequence[Any]) -> bytes:
    return _VALUE.pack(_ordered(row[4]), row[2] + _OFFSET, row[3] + _OFFSET, row[4])


def _high(row: Sequence[Any]) -> bytes:
    # The largest value wins; among equal values the first in series order (smallest step).
    return _VALUE.pack(
        _ordered(row[4]), _ONES - (row[2] + _OFFSET), _ONES - (row[3] + _OFFSET), row[4]
    )


def decode_first_last(data: bytes) -> Point:
    """The ``(step, timestamp, value)`` of a block's first or last point."""
    step, timestamp, is_nan, _, value = _ORDER.unpack(bytes(data))
    return step - _OFFSET, timestamp - _OFFSET, float("nan") if is_nan else value


def decode_low(data: bytes) -> Point:
    """The ``(step, timestamp, value)`` of a block's smallest value."""
    _, step, timestamp, value = _VALUE.unpack(bytes(data))
    return step - _OFFSET, timestamp - _OFFSET, value


def decode_high(data: bytes) -> Point:
    """The ``(step, timestamp, value)`` of a block's largest value."""
    _, step, timestamp, value = _VALUE.unpack(bytes(data))
    return _ONES - step - _OFFSET, _ONES - timestamp - _OFFSET, value


# Series order (step, timestamp, NaN last, value); the smallest value first in that order.
_SERIES_ORDER = itemgetter(2, 3, 5, 4)
_LOW_ORDER = itemgetter(4, 2, 3)
_STEP_TIME = itemgetter(2, 3)
_NAN_COLUMN = itemgetter(5)


def summaries(rows: Iterable[Sequence[Any]]) -> dict[tuple[str, str, int, int], Summary]:
    """The block summaries of stored point rows ``(run_uuid, key, step, timestamp, value,
    is_nan, ...)`` at every shift, keyed ``(run_uuid, key, shift, block_index)``."""
    finest = SHIFTS[0]
    groups: dict[tuple[str, str, int], list[Sequence[Any]]] = {}
    for row in rows:
        group_key = (row[0], row[1], row[2] >> finest)
        group = groups.get(group_key)
        if group is None:
            groups[group_key] = [row]
        else:
            group.append(row)
    result = {
        (run_id, key, finest, index): _one_point(group[0]) if len(group) == 1 else summary_of(group)
        for (run_id, key, index), group in groups.items()
    }
    _add_coarser_levels(result)
    return result


def _add_coarser_levels(result: dict[tuple[str, str, int, int], Summary]) -> None:
    """Add to the finest blocks' summaries those of every coarser shift, merged from them."""
    level = list(result.items())
    for finer, shift in pairwise(SHIFTS):
        coarser: dict[tuple[str, str, int, int], Summary] = {}
        for (run_id, key, _, index), summary in level:
            target = (run_id, key, shift, index >> (shift - finer))
            current = coarser.get(target)
            # Summaries are never changed in place: a block of one finer block shares it.
            coarser[target] = summary if current is None else merge(current, summary)
        result.update(coarser)
        level = list(coarser.items())


def _one_point(row: Sequence[Any]) -> Summary:
    """The summary of one point (the common case of a batch of many keys)."""
    step, timestamp, value = row[2] + _OFFSET, row[3] + _OFFSET, row[4]
    ordered = _ordered(value)
    point = _ORDER.pack(step, timestamp, bool(row[5]), ordered, value)
    if row[5]:
        return [1, point, point, None, None]
    low = _VALUE.pack(ordered, step, timestamp, value)
    return [1, point, point, low, _VALUE.pack(ordered, _ONES - step, _ONES - timestamp, value)]


def summary_of(rows: Sequence[Sequence[Any]]) -> Summary:
    """The summary of some point rows (``(_, _, step, timestamp, value, is_nan)``)."""
    numbers = [row for row in rows if not row[5]] if any(map(_NAN_COLUMN, rows)) else rows
    if not numbers:
        low = high = None
    else:
        low = _low(min(numbers, key=_LOW_ORDER))
        # The largest value; among equal ones, the first in series order.
        top = max(map(_VALUE_COLUMN, numbers))
        high = _high(min((row for row in numbers if row[4] == top), key=_STEP_TIME))
    return [
        len(rows),
        _first_last(min(rows, key=_SERIES_ORDER)),
        _first_last(max(rows, key=_SERIES_ORDER)),
        low,
        high,
    ]


def merge(a: Summary, b: Summary) -> Summary:
    """The summary of the points of two summaries."""
    return [
        a[0] + b[0],
        min(a[1], b[1]),
        max(a[2], b[2]),
        _pick(min, a[3], b[3]),
        _pick(max, a[4], b[4]),
    ]


def _pick(choose: Any, a: bytes | None, b: bytes | None) -> bytes | None:
    if a is None:
        return b
    if b is None:
        return a
    return bytes(choose(a, b))


def _upsert_sql(dialect: str) -> str:
    least, greatest = ("min", "max") if dialect == "sqlite" else ("LEAST", "GREATEST")

    def keep(function: str, column: str) -> str:
        old, new = f"metric_blocks.{column}", f"excluded.{column}"
        return (
            f"{column} = CASE WHEN {old} IS NULL THEN {new} WHEN {new} IS NULL THEN {old} "
            f"ELSE {function}({old}, {new}) END"
        )

    return (
        "INSERT INTO metric_blocks (run_uuid, key, block_shift, block_index, points, "
        "first_point, last_point, low_point, high_point) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (run_uuid, key, block_shift, block_index) DO UPDATE SET "
        "points = metric_blocks.points + excluded.points, "
        f"first_point = {least}(metric_blocks.first_point, excluded.first_point), "
        f"last_point = {greatest}(metric_blocks.last_point, excluded.last_point), "
        f"{keep(least, 'low_point')}, {keep(greatest, 'high_point')}"
    )


_UPSERTS = {name: _upsert_sql(name) for name in ("sqlite", "postgresql", "mysql")}
_INSERT = (
    "INSERT INTO metric_blocks (run_uuid, key, block_shift, block_index, points, "
    "first_point, last_point, low_point, high_point) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _entries(
    found: dict[tuple[str, str, int, int], Summary], ordered: bool = True
) -> list[tuple[Any, ...]]:
    # Sorted, so that concurrent writers lock block rows in one order (no deadlocks); SQLite
    # has one writer at a time.
    items = sorted(found.items(), key=_by_place) if ordered else found.items()
    return [(*where, *summary) for where, summary in items]


def _by_place(item: tuple[tuple[str, str, int, int], Summary]) -> tuple[str, str, int, int]:
    return item[0]


def add_points(cursor: Cursor, dialect: str, rows: Sequence[Sequence[Any]], inserted: int) -> None:
    """Fold point rows just inserted into their blocks.

    Args:
        cursor: The cursor of the transaction that inserted them.
        dialect: ``sqlite``, ``postgresql`` or ``mysql``.
        rows: The rows offered to the insert (``(run_uuid, key, step, timestamp, value,
            is_nan, ...)``).
        inserted: How many of them the insert stored (its row count): when some were
            already stored, the series they belong to are rebuilt from their points.
    """
    if not rows or inserted == 0:
        return
    if inserted != len(rows):
        rebuild_series(cursor, dialect, sorted({(row[0], row[1]) for row in rows}))
        return
    if dialect == "sqlite":
        rows = _as_sqlite_reads(rows)
    cursor.executemany(_UPSERTS[dialect], _entries(summaries(rows), dialect != "sqlite"))


def _as_sqlite_reads(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The rows with their values as SQLite reads them back: -0.0 as 0.0."""
    if 0.0 not in map(_VALUE_COLUMN, rows):
        return rows
    return [
        (*row[:4], 0.0, *row[5:]) if row[4] == 0.0 and math.copysign(1.0, row[4]) < 0 else row
        for row in rows
    ]


def series_entries(run_id: str, key: str, points: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The ``metric_blocks`` rows of one series, in key order, from its points
    ``(step, timestamp, value, is_nan)`` in the table's primary-key order (step, timestamp,
    value, NaN flag), as a scan of one (run, key) reads them.

    The same rows as :func:`entries_of` gives, read ~3x faster for long series: in key order
    a block without NaN is a slice whose first and last points are its first and last, and
    whose first smallest and first largest values are its low and high points; a block
    with a NaN (whose order differs: NaN last at equal step and timestamp) takes the general
    rule.
    """
    if not points:
        return []
    steps, _, values, nans = zip(*points, strict=True)
    finest, top, some_nan = SHIFTS[0], len(points), any(nans)
    fine: dict[tuple[str, str, int, int], Summary] = {}
    start = 0
    while start < top:
        index = steps[start] >> finest
        end = bisect_left(steps, (index + 1) << finest, start, top)
        if end - start == 1:
            summary = _one_point((run_id, key, *points[start]))
        elif some_nan and any(nans[start:end]):
            summary = summary_of([(run_id, key, *point) for point in points[start:end]])
        else:
            block = values[start:end]
            # The first smallest and the first largest: the earliest (step, timestamp).
            low = start + block.index(min(block))
            high = start + block.index(max(block))
            first, last, smallest, largest = (
                (run_id, key, *points[at]) for at in (start, end - 1, low, high)
            )
            summary = [
                end - start, _first_last(first), _first_last(last), _low(smallest), _high(largest)
            ]  # fmt: skip
        fine[(run_id, key, finest, index)] = summary
        start = end
    _add_coarser_levels(fine)
    return _entries(fine, ordered=False)  # added in key order: by shift, then by index


def rebuild_series(cursor: Cursor, dialect: str, series: Sequence[tuple[str, str]]) -> None:
    """Recompute the blocks of each ``(run_uuid, key)`` from its stored points."""
    for run_id, key in series:
        cursor.execute("DELETE FROM metric_blocks WHERE run_uuid = ? AND key = ?", (run_id, key))
    _insert(cursor, series_blocks(cursor, series))


def rebuild_runs(cursor: Cursor, run_ids: Sequence[str]) -> None:
    """Recompute every block of these runs from their stored points (for writers that
    insert points with their own SQL, such as ``heron db import-mlflow``)."""
    run_ids = list(dict.fromkeys(run_ids))
    cursor.executemany("DELETE FROM metric_blocks WHERE run_uuid = ?", [(r,) for r in run_ids])
    _insert(cursor, series_blocks(cursor, run_series(cursor, run_ids)))


_SERIES_POINTS = (
    "SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? "
    "ORDER BY step, timestamp, value, is_nan"
)


def run_series(cursor: Cursor, run_ids: Sequence[str]) -> list[tuple[str, str]]:
    """Every ``(run_uuid, key)`` with stored points among ``run_ids``."""
    found: list[tuple[str, str]] = []
    for run_id in run_ids:
        cursor.execute("SELECT DISTINCT key FROM metrics WHERE run_uuid = ?", (run_id,))
        found.extend((run_id, str(row[0])) for row in cursor.fetchall())
    return found


def series_blocks(cursor: Cursor, series: Iterable[tuple[str, str]]) -> list[tuple[Any, ...]]:
    """The ``metric_blocks`` rows of each ``(run_uuid, key)``, read from its stored points
    one series at a time in key order (:func:`series_entries`)."""
    rows: list[tuple[Any, ...]] = []
    for run_id, key in series:
        cursor.execute(_SERIES_POINTS, (run_id, key))
        rows.extend(series_entries(run_id, key, cursor.fetchall()))
    return rows


def entries_of(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The ``metric_blocks`` rows summarising stored point rows, in key order."""
    return _entries(summaries(rows))


def _insert(cursor: Cursor, entries: list[tuple[Any, ...]]) -> None:
    if entries:
        cursor.executemany(_INSERT, entries)
