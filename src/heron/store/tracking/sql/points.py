"""Metric points as stored: their rows and the statements that write them.

A point is ``(run_uuid, key, step, timestamp, value, is_nan)``, followed by its context
``(model_id, dataset_name, dataset_digest)`` when it was computed for a logged model or a
dataset. Plain points, the common case, are written by statements without the context
columns, so they pay nothing for it.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from heron.entities import Metric
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.run_models import ModelPointRow
from heron.store.tracking.sql.values import encode_metric_value

PointRow = tuple[Any, ...]
"""``(run_uuid, key, step, timestamp, value, is_nan[, model_id, dataset_name, dataset_digest])``"""

_PLAIN = ("run_uuid", "key", "step", "timestamp", "value", "is_nan")
_CONTEXT = ("model_id", "dataset_name", "dataset_digest")
_IF_ACTIVE = "WHERE EXISTS (SELECT 1 FROM runs WHERE run_uuid = ? AND lifecycle_stage = 'active')"


@dataclass(frozen=True, slots=True)
class PointSql:
    """The statements writing one shape of point row.

    Attributes:
        insert_if_active: Insert (row..., run_id): nothing when the run is not active.
        insert: Insert a row; a point already stored is left alone.
        upsert_latest: Make a row the key's latest value when it is greater by
            (step, timestamp, value).
    """

    insert_if_active: str
    insert: str
    upsert_latest: str


def _point_sql(with_context: bool) -> PointSql:
    columns = _PLAIN + _CONTEXT if with_context else _PLAIN
    names, marks = ", ".join(columns), ", ".join("?" * len(columns))
    # A plain point that becomes the latest value clears the context of the one it replaces.
    context = ", ".join(f"{c} = {'excluded.' + c if with_context else 'NULL'}" for c in _CONTEXT)
    return PointSql(
        f"INSERT INTO metrics ({names}) SELECT {marks} {_IF_ACTIVE} ON CONFLICT DO NOTHING",
        f"INSERT INTO metrics ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING",
        f"INSERT INTO latest_metrics ({names}) VALUES ({marks}) "
        "ON CONFLICT (run_uuid, key) DO UPDATE SET step = excluded.step, "
        "timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan, "
        f"{context} WHERE (excluded.step, excluded.timestamp, excluded.value) > "
        "(latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)",
    )


_MODEL_ID = operator.attrgetter("model_id")
_DATASET_NAME = operator.attrgetter("dataset_name")
PLAIN_SQL = _point_sql(with_context=False)
CONTEXT_SQL = _point_sql(with_context=True)


def has_context(metric: Metric) -> bool:
    """Whether a point names a logged model or a dataset (a digest needs a name)."""
    return metric.model_id is not None or metric.dataset_name is not None


def point_row(run_id: str, metric: Metric) -> PointRow:
    """A plain point as stored: ``(run_uuid, key, step, timestamp, value, is_nan)``."""
    value, is_nan = encode_metric_value(metric.value)
    return (run_id, metric.key, int(metric.step), int(metric.timestamp), value, is_nan)


def one_point(run_id: str, metric: Metric) -> tuple[PointSql, PointRow]:
    """The row of one point and the statements that write it."""
    row = point_row(run_id, metric)
    if has_context(metric):
        return CONTEXT_SQL, (*row, metric.model_id, metric.dataset_name, metric.dataset_digest)
    return PLAIN_SQL, row


def point_rows(run_id: str, metrics: Sequence[Metric]) -> tuple[PointSql, list[PointRow]]:
    """The rows of ``metrics`` and the statements that write them: with context columns
    when any point has a context, else plain."""
    rows = [point_row(run_id, metric) for metric in metrics]
    # map() keeps the common "no context at all" check a C loop.
    if not (any(map(_MODEL_ID, metrics)) or any(map(_DATASET_NAME, metrics))):
        return PLAIN_SQL, rows
    context = [(m.model_id, m.dataset_name, m.dataset_digest) for m in metrics]
    return CONTEXT_SQL, [row + extra for row, extra in zip(rows, context, strict=True)]


def latest_points(points: Iterable[PointRow]) -> list[PointRow]:
    """The latest point of each key among ``points`` (max by step, timestamp, value), by key.

    Sorted so that concurrent batches lock latest-value rows in one order (no deadlocks).
    """
    best: dict[str, PointRow] = {}
    for point in points:
        current = best.get(point[1])
        if current is None or point[2:5] > current[2:5]:
            best[point[1]] = point
    return [best[key] for key in sorted(best)]


def model_points(points: Iterable[PointRow]) -> list[ModelPointRow]:
    """The points (rows with context) that name a logged model, as that model's points."""
    return [
        (p[6], p[1], p[2], p[3], p[4], p[5], p[0], p[7], p[8])
        for p in points
        if len(p) > 6 and p[6] is not None
    ]


# Most points have no context (logged model, dataset): a flag column costs less to read than
# three NULL ones, and the context is read only when a flag is set.
_FLAG_COLUMN = "CASE WHEN model_id IS NULL AND dataset_name IS NULL THEN NULL ELSE 1 END"
_CONTEXT_COLUMNS = "model_id, dataset_name, dataset_digest"


def fetch_points(
    cursor: Cursor, query: str, params: Sequence[Any]
) -> tuple[list[tuple[Any, ...]], bool]:
    """The rows of a query of points whose last columns are ``{}`` in ``query``: first with
    one flag column; again with the three context columns when a flag is set.

    Returns:
        The rows, and whether they end with ``(model_id, dataset_name, dataset_digest)``
        (else with the flag column, None for every row).
    """
    cursor.execute(query.format(_FLAG_COLUMN), params)
    rows = cursor.fetchall()
    if not any(row[-1] for row in rows):
        return rows, False
    cursor.execute(query.format(_CONTEXT_COLUMNS), params)
    return cursor.fetchall(), True
