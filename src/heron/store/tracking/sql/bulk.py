"""Whole runs: written in one transaction, and every metric point read in one query.

:func:`import_run` is how export/import and copy write a run: the run, its tags, params
and every point go in together, so a failure leaves nothing behind, and a history arrives
as columns that become rows without a :class:`~heron.entities.Metric` per point.
:func:`get_run_histories` is the reverse: one query for the points of many runs, handed
back as columns.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any

from heron.entities import (
    LifecycleStage,
    Metric,
    MetricSeries,
    Run,
    RunContent,
    RunData,
    RunHistory,
    RunInfo,
    RunStatus,
    RunTag,
)
from heron.exceptions import NotFound
from heron.store.clock import now_millis
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.blocks import add_points
from heron.store.tracking.sql.points import (
    CONTEXT_SQL,
    PLAIN_SQL,
    PointRow,
    fetch_points,
    latest_points,
    model_points,
    point_rows,
)
from heron.store.tracking.sql.run_models import log_model_points
from heron.store.tracking.sql.runs import RUN_NAME_TAG, insert_run, resolve_run_name
from heron.store.tracking.sql.values import encode_metric_value, stored_metric
from heron.store.tracking.sql.writes import INSERT_PARAM
from heron.validation_runs import validate_run_content

_ORDER = itemgetter(2, 3, 4)  # (step, timestamp, value): which point is a key's latest
_NAN = math.nan
_RUN_AND_KEY = itemgetter(0, 1)


def import_run(db: Database, experiment_id: str, content: RunContent) -> Run:
    """Create a run with all of ``content`` in one transaction; the run as stored."""
    params, tags = validate_run_content(content)
    name = resolve_run_name(content.run_name, tags)
    tag_values = {tag.key: tag.value for tag in tags} | {RUN_NAME_TAG: name}
    status = "RUNNING" if content.status is None else RunStatus.name_of(content.status)
    draft = RunInfo(
        uuid.uuid4().hex,
        experiment_id,
        content.user_id or "",
        status,
        now_millis() if content.start_time is None else int(content.start_time),
        None if content.end_time is None else int(content.end_time),
        LifecycleStage.ACTIVE,
    )
    sql, rows, latest = _point_rows(draft.run_id, content)

    def work(cursor: Cursor) -> RunInfo:
        info = insert_run(cursor, draft, name, tag_values)
        run_id = info.run_id
        if params:
            cursor.executemany(INSERT_PARAM, [(run_id, p.key, p.value) for p in params])
        if rows:
            cursor.executemany(sql.insert, rows)
            inserted = cursor.rowcount
            cursor.executemany(sql.upsert_latest, latest)
            add_points(cursor, db.dialect.name, rows, inserted)
            if sql is CONTEXT_SQL:
                log_model_points(cursor, db.dialect, model_points(rows))
        return info

    info = db.write(work)
    metrics = [
        stored_metric(row[1], None if row[5] else row[4], row[3], row[2], *_context(row))
        for row in latest
    ]
    tag_list = [RunTag(key, value) for key, value in tag_values.items()]
    return Run(info, RunData(metrics, params, tag_list))


def _context(row: PointRow) -> tuple[Any, Any, Any]:
    """A stored row's (model_id, dataset_name, dataset_digest); all None for a plain row."""
    return (row[6], row[7], row[8]) if len(row) > 6 else (None, None, None)


def _series_rows(run_id: str, series: MetricSeries) -> list[PointRow]:
    """The stored rows of a series, made column-wise (C loops) when every value is finite."""
    values = list(map(float, series.values))
    if all(map(math.isfinite, values)):
        flags: Any = repeat(False)
    else:
        pairs = [encode_metric_value(value) for value in values]
        values, flags = [pair[0] for pair in pairs], [pair[1] for pair in pairs]
    return list(
        zip(repeat(run_id), repeat(series.key), series.steps, series.timestamps, values, flags)
    )


def _point_rows(run_id: str, content: RunContent) -> tuple[Any, list[PointRow], list[PointRow]]:
    """The statements, the rows of every point, and each key's latest row."""
    rows: list[PointRow] = []
    tops: list[PointRow] = []
    for series in content.series:
        if len(series):
            made = _series_rows(run_id, series)
            rows.extend(made)
            tops.append(max(made, key=_ORDER))
    if not content.points:
        return PLAIN_SQL, rows, latest_points(tops)
    sql, others = point_rows(run_id, content.points)
    if sql is PLAIN_SQL:  # "points" that name no model or dataset after all
        return PLAIN_SQL, rows + others, latest_points([*tops, *others])
    padded = [(*row, None, None, None) for row in rows] + others
    return CONTEXT_SQL, padded, latest_points(padded)


_HISTORIES = (
    "SELECT run_uuid, key, CASE WHEN is_nan THEN NULL ELSE value END, timestamp, step, {{}} "
    "FROM metrics WHERE {} ORDER BY run_uuid, key, step, timestamp, value, is_nan"
)


def get_run_histories(db: Database, run_ids: Sequence[str]) -> list[RunHistory]:
    """Every point of each run, plain ones as series; NotFound for a missing run."""
    wanted = list(dict.fromkeys(run_ids))
    if not wanted:
        return []

    def work(cursor: Cursor) -> tuple[list[tuple[Any, ...]], bool]:
        condition, values = db.dialect.one_of("run_uuid", wanted)
        cursor.execute(f"SELECT run_uuid FROM runs WHERE {condition}", values)
        found = {row[0] for row in cursor.fetchall()}
        missing = next((run_id for run_id in wanted if run_id not in found), None)
        if missing is not None:
            raise NotFound(f"Run with id={missing} not found")
        return fetch_points(cursor, _HISTORIES.format(condition), values)

    rows, context = db.read(work)
    series: dict[str, list[MetricSeries]] = {run_id: [] for run_id in wanted}
    points: dict[str, list[Metric]] = {run_id: [] for run_id in wanted}
    for (run_id, _), group in groupby(rows, key=_RUN_AND_KEY):
        _add_points(list(group), context, series[run_id], points[run_id])
    return [RunHistory(run_id, series[run_id], points[run_id]) for run_id in run_ids]


def _add_points(
    rows: list[tuple[Any, ...]],
    context: bool,
    series: list[MetricSeries],
    points: list[Metric],
) -> None:
    """The rows of one key of a run: a series of its plain points; the others as metrics.
    With ``context``, the rows end with the context columns (some points have one)."""
    key = rows[0][1]
    if context:
        points.extend(
            stored_metric(key, *row[2:5], *row[5:8]) for row in rows if row[5:7] != (None, None)
        )
        rows = [row for row in rows if row[5:7] == (None, None)]
        if not rows:
            return
    _, _, values, timestamps, steps, *_ = zip(*rows, strict=True)
    if None in values:
        values = tuple(_NAN if value is None else value for value in values)
    series.append(MetricSeries(key, list(values), list(timestamps), list(steps)))
