"""Reading whole runs, one or a page at a time, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from orjson import loads

from heron.entities import Metric, Run, RunData, RunInputs, RunOutputs
from heron.exceptions import NotFound
from heron.store.db import Database
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.inputs import load_inputs
from heron.store.tracking.sql.run_models import load_model_links
from heron.store.tracking.sql.runs import RUN_COLUMNS, run_info
from heron.store.tracking.sql.values import stored_metric


def get_run(db: Database, run_id: str) -> Run:
    """The run with this id, deleted or not; NotFound if there is none."""
    runs = db.read(lambda cursor: load_runs(cursor, db.dialect, [run_id]))
    if not runs:
        raise NotFound(f"Run with id={run_id} not found")
    return runs[0]


def load_runs(cursor: Cursor, dialect: Dialect, run_ids: Sequence[str]) -> list[Run]:
    """The runs with these ids, in this order (missing ones left out), with their latest
    metrics, params, tags, inputs and outputs: one query per kind of data, whatever the
    number of runs."""
    if not run_ids:
        return []
    condition, values = dialect.one_of("run_uuid", run_ids)
    cursor.execute(f"SELECT {RUN_COLUMNS} FROM runs r WHERE {condition}", values)
    infos = {row[0]: row for row in cursor.fetchall()}
    metrics: dict[str, list[Metric]] = {run_id: [] for run_id in infos}
    cursor.execute(
        "SELECT run_uuid, key, CASE WHEN is_nan THEN NULL ELSE value END, timestamp, step, "
        f"model_id, dataset_name, dataset_digest FROM latest_metrics WHERE {condition} "
        "ORDER BY run_uuid, key",
        values,
    )
    for run_id, *point in cursor.fetchall():
        metrics[run_id].append(stored_metric(*point))
    params, tags = _params_and_tags(cursor, dialect, condition, values, infos)
    inputs = load_inputs(cursor, dialect, list(infos))
    model_inputs, outputs = load_model_links(cursor, dialect, list(infos))
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


def _params_and_tags(
    cursor: Cursor,
    dialect: Dialect,
    condition: str,
    values: list[object],
    run_ids: Iterable[str],
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The params and the tags of each run as ``{key: value}``, in one query."""
    params: dict[str, dict[str, str]] = {run_id: {} for run_id in run_ids}
    tags: dict[str, dict[str, str]] = {run_id: {} for run_id in params}
    if dialect.name == "sqlite":
        # One row per run and table, its lists built by SQLite: far fewer Python objects
        # than a row per value.
        cursor.execute(
            "SELECT 0, run_uuid, json_group_array(key), json_group_array(value) FROM params "
            f"WHERE {condition} GROUP BY run_uuid UNION ALL "
            "SELECT 1, run_uuid, json_group_array(key), json_group_array(value) FROM tags "
            f"WHERE {condition} GROUP BY run_uuid",
            [*values, *values],
        )
        for is_tag, run_id, keys, texts in cursor.fetchall():
            (tags if is_tag else params)[run_id] = dict(zip(loads(keys), loads(texts), strict=True))
        return params, tags
    cursor.execute(
        f"SELECT 0, run_uuid, key, value FROM params WHERE {condition} UNION ALL "
        f"SELECT 1, run_uuid, key, value FROM tags WHERE {condition}",
        [*values, *values],
    )
    for is_tag, run_id, key, value in cursor.fetchall():
        (tags if is_tag else params)[run_id][key] = value
    return params, tags
