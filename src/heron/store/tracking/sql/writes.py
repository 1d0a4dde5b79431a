"""The hot write paths: metrics, params, tags, one at a time or in a batch.

A single write is one transaction of (usually) two statements: an insert guarded by
"the run exists and is active", then the latest-value upsert. Only when the insert
touches no row does the store look up why (missing run, deleted run, duplicate point,
param already logged). A point with a ``model_id`` is also stored as a point of that
logged model, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from heron.entities import Metric, Param, RunTag
from heron.exceptions import InvalidParameter, NotFound
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.blocks import add_points
from heron.store.tracking.sql.points import (
    CONTEXT_SQL,
    latest_points,
    model_points,
    one_point,
    point_rows,
)
from heron.store.tracking.sql.run_models import log_model_points
from heron.store.tracking.sql.runs import RUN_NAME_TAG, UPSERT_TAG, require_active_run
from heron.validation import (
    validate_batch,
    validate_metric,
    validate_param,
    validate_run_id,
    validate_run_name,
    validate_tag,
)

_IF_ACTIVE = "WHERE EXISTS (SELECT 1 FROM runs WHERE run_uuid = ? AND lifecycle_stage = 'active')"
_INSERT_PARAM_IF_ACTIVE = (
    f"INSERT INTO params (run_uuid, key, value) SELECT ?, ?, ? {_IF_ACTIVE} ON CONFLICT DO NOTHING"
)
INSERT_PARAM = "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
_UPSERT_TAG_IF_ACTIVE = (
    f"INSERT INTO tags (run_uuid, key, value) SELECT ?, ?, ? {_IF_ACTIVE} "
    "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value"
)
_RENAME_RUN = "UPDATE runs SET name = ? WHERE run_uuid = ?"


def log_metric(db: Database, run_id: str, metric: Metric) -> None:
    """Log one point; logging the same point twice stores it once."""
    validate_metric(metric)
    sql, row = one_point(run_id, metric)

    def work(cursor: Cursor) -> None:
        cursor.execute(sql.insert_if_active, (*row, run_id))
        if cursor.rowcount == 1:
            cursor.execute(sql.upsert_latest, row)
            add_points(cursor, db.dialect.name, [row], 1)
        else:
            require_active_run(cursor, run_id)  # else: the point was already stored
        if sql is CONTEXT_SQL:
            log_model_points(cursor, db.dialect, model_points([row]))

    db.write(work)


def log_param(db: Database, run_id: str, param: Param) -> None:
    """Log a param; the same value again is accepted, another value is refused."""
    checked = validate_param(param)

    def work(cursor: Cursor) -> None:
        cursor.execute(_INSERT_PARAM_IF_ACTIVE, (run_id, checked.key, checked.value, run_id))
        if cursor.rowcount == 0:
            require_active_run(cursor, run_id)
            _refuse_changed_params(cursor, run_id, [checked])

    db.write(work)


def set_tag(db: Database, run_id: str, tag: RunTag) -> None:
    """Set a run tag; ``mlflow.runName`` also renames the run."""
    checked = validate_tag(tag)
    renames = checked.key == RUN_NAME_TAG
    if renames:
        validate_run_name(checked.value)

    def work(cursor: Cursor) -> None:
        cursor.execute(_UPSERT_TAG_IF_ACTIVE, (run_id, checked.key, checked.value, run_id))
        if cursor.rowcount == 0:
            require_active_run(cursor, run_id)
        if renames:
            cursor.execute(_RENAME_RUN, (checked.value, run_id))

    db.write(work)


def log_batch(
    db: Database,
    run_id: str,
    metrics: Sequence[Metric],
    params: Sequence[Param],
    tags: Sequence[RunTag],
) -> None:
    """Log metrics, params and tags in one transaction: all of them or, on error, none.

    A malformed run id is INVALID_PARAMETER_VALUE here (MLflow's SQL store checks its shape
    before the batch), not a missing run.
    """
    validate_run_id(run_id)
    checked_params, checked_tags = validate_batch(metrics, params, tags)
    sql, points = point_rows(run_id, metrics)
    tag_values = {tag.key: tag.value for tag in checked_tags}  # the last value of a key wins
    new_name = tag_values.get(RUN_NAME_TAG)
    if new_name is not None:
        validate_run_name(new_name)

    def work(cursor: Cursor) -> None:
        require_active_run(cursor, run_id)
        if checked_params:
            _refuse_changed_params(cursor, run_id, checked_params)
            cursor.executemany(INSERT_PARAM, [(run_id, p.key, p.value) for p in checked_params])
        if points:
            cursor.executemany(sql.insert, points)
            inserted = cursor.rowcount
            cursor.executemany(sql.upsert_latest, latest_points(points))
            add_points(cursor, db.dialect.name, points, inserted)
            if sql is CONTEXT_SQL:
                log_model_points(cursor, db.dialect, model_points(points))
        if tag_values:
            rows = [(run_id, k, v) for k, v in sorted(tag_values.items())]
            cursor.executemany(UPSERT_TAG, rows)
        if new_name is not None:
            cursor.execute(_RENAME_RUN, (new_name, run_id))

    db.write(work)


def _refuse_changed_params(cursor: Cursor, run_id: str, params: Sequence[Param]) -> None:
    wanted = {param.key: param.value for param in params}
    placeholders = ", ".join("?" * len(wanted))
    cursor.execute(
        f"SELECT key, value FROM params WHERE run_uuid = ? AND key IN ({placeholders})",
        (run_id, *wanted),
    )
    logged = dict(cursor.fetchall())
    for key, value in wanted.items():
        if key in logged and logged[key] != value:
            raise InvalidParameter(
                f"Changing param values is not allowed. Param with key='{key}' was already "
                f"logged with value='{logged[key]}' for run ID='{run_id}'. Attempted logging "
                f"new value '{value}'."
            )


def delete_tag(db: Database, run_id: str, key: str) -> None:
    """Remove a tag of an active run; NotFound if it has no such tag."""

    def work(cursor: Cursor) -> None:
        require_active_run(cursor, run_id)
        cursor.execute("DELETE FROM tags WHERE run_uuid = ? AND key = ?", (run_id, key))
        if cursor.rowcount == 0:
            raise NotFound(f"No tag with name: {key} in run with id {run_id}")

    db.write(work)
