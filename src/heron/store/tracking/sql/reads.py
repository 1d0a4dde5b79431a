"""Reading whole runs, one or a page at a time, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from orjson import loads

from heron.entities import Metric, Run, RunData, RunInputs, RunOutputs
from heron.exceptions import NotFound
from heron.store.db import Database
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.inputs import load_inputs
from heron.store.tracking.sql.points import fetch_points
from heron.store.tracking.sql.run_models import load_model_links
from heron.store.tracking.sql.runs import RUN_COLUMNS, run_info
from heron.store.tracking.sql.values import new_metric, stored_metric


def get_run(db: Database, run_id: str) -> Run:
    """The run with this id, deleted or not; NotFound if there is none."""
    runs = db.read(lambda cursor: load_runs(cursor, db.dialect, [run_id]))
    if not runs:
        raise NotFound(f"Run with id={run_id} not found")
    return runs[0]


def load_runs(cursor: Cursor, dialect: Dialect, run_ids: Sequence[str]) -> list[Run]:
    """The runs with these ids, in this order (missing ones left out), with their latest
    metrics, params, tags, inputs and outputs: a fixed number of queries, whatever the
    number of runs (on SQLite two, plus two when some of them have inputs or outputs)."""
    if not run_ids:
        return []
    condition, values = dialect.one_of("run_uuid", run_ids)
    if dialect.name == "sqlite":
        infos, params, tags, linked = _sqlite_runs(cursor, condition, values)
    else:
        cursor.execute(f"SELECT {RUN_COLUMNS} FROM runs r WHERE {condition}", values)
        infos = {row[0]: row for row in cursor.fetchall()}
        params, tags = _params_and_tags(cursor, condition, values, infos)
        linked = list(infos)
    metrics = _latest_metrics(cursor, condition, values, infos)
    inputs = load_inputs(cursor, dialect, linked) if linked else {}
    model_inputs, outputs = load_model_links(cursor, dialect, linked)
    return [
        Run(
            run_info(infos[run_id]),
            RunData.from_mappings(metrics[run_id], params[run_id], tags[run_id]),
            RunInputs(tuple(inputs.get(run_id, ())), tuple(model_inputs.get(run_id, ()))),
            RunOutputs(tuple(outputs.get(run_id, ()))),
        )
        for run_id in run_ids
        if run_id in infos
    ]


_LATEST = (
    "SELECT run_uuid, key, CASE WHEN is_nan THEN NULL ELSE value END, timestamp, step, {{}} "
    "FROM latest_metrics WHERE {} ORDER BY run_uuid, key"
)


def _latest_metrics(
    cursor: Cursor, condition: str, values: list[object], run_ids: Iterable[str]
) -> dict[str, list[Metric]]:
    """The latest value of each metric of each run, in key order."""
    metrics: dict[str, list[Metric]] = {run_id: [] for run_id in run_ids}
    rows, context = fetch_points(cursor, _LATEST.format(condition), values)
    if context:
        for run_id, *point in rows:
            metrics[run_id].append(stored_metric(*point))
        return metrics
    for run_id, key, value, timestamp, step, _ in rows:
        metrics[run_id].append(new_metric(key, value, timestamp, step))
    return metrics


# Each run's params and tags as JSON objects built by SQLite (far fewer Python objects than
# a row per value), and whether it has inputs or outputs at all (most runs have none).
_SQLITE_RUNS = (
    f"SELECT {RUN_COLUMNS}, "
    "(SELECT json_group_object(key, value) FROM params x WHERE x.run_uuid = r.run_uuid), "
    "(SELECT json_group_object(key, value) FROM tags x WHERE x.run_uuid = r.run_uuid), "
    "EXISTS (SELECT 1 FROM inputs x WHERE x.destination_type = 'RUN' "
    "AND x.destination_id = r.run_uuid) "
    "OR EXISTS (SELECT 1 FROM run_outputs x WHERE x.run_uuid = r.run_uuid) "
    "FROM runs r WHERE "
)
_RUN_FIELDS = RUN_COLUMNS.count(",") + 1


def _sqlite_runs(
    cursor: Cursor, condition: str, values: list[object]
) -> tuple[
    dict[str, Sequence[Any]], dict[str, dict[str, str]], dict[str, dict[str, str]], list[str]
]:
    """Run rows by id, params and tags by run id, and the ids of runs with inputs or
    outputs, in one query."""
    cursor.execute(_SQLITE_RUNS + condition, values)
    infos: dict[str, Sequence[Any]] = {}
    params: dict[str, dict[str, str]] = {}
    tags: dict[str, dict[str, str]] = {}
    linked: list[str] = []
    for row in cursor.fetchall():
        run_id = row[0]
        infos[run_id] = row
        params[run_id] = loads(row[_RUN_FIELDS])
        tags[run_id] = loads(row[_RUN_FIELDS + 1])
        if row[_RUN_FIELDS + 2]:
            linked.append(run_id)
    return infos, params, tags, linked


def _params_and_tags(
    cursor: Cursor, condition: str, values: list[object], run_ids: Iterable[str]
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The params and the tags of each run as ``{key: value}``, in one query."""
    params: dict[str, dict[str, str]] = {run_id: {} for run_id in run_ids}
    tags: dict[str, dict[str, str]] = {run_id: {} for run_id in params}
    cursor.execute(
        f"SELECT 0, run_uuid, key, value FROM params WHERE {condition} UNION ALL "
        f"SELECT 1, run_uuid, key, value FROM tags WHERE {condition}",
        [*values, *values],
    )
    for is_tag, run_id, key, value in cursor.fetchall():
        (tags if is_tag else params)[run_id][key] = value
    return params, tags
