"""Logged models (MLflow 3.x): create, read, finalize, delete, tags and params.

A logged model is a row of ``logged_models`` with its tags, params and metric points in
tables keyed by ``model_id``. Deletion is soft (``lifecycle_stage``). Writes other than
create work on deleted models too, as in MLflow; reads hide them unless asked.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from heron.entities import (
    LifecycleStage,
    LoggedModel,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
    Metric,
)
from heron.entities.logged_model import MODEL_ID_PREFIX
from heron.exceptions import InvalidParameter, NotFound
from heron.store.clock import now_millis
from heron.store.db import Database
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.tracking import append_to_uri
from heron.store.tracking.names import generate_run_name
from heron.store.tracking.sql.experiments import active_experiment_location
from heron.store.tracking.sql.values import NAN, experiment_key
from heron.validation import validate_key, validate_logged_model_name

ACTIVE = LifecycleStage.ACTIVE
DELETED = LifecycleStage.DELETED
MODEL_COLUMNS = (
    "lm.model_id, lm.experiment_id, lm.name, lm.artifact_location, lm.creation_timestamp, "
    "lm.last_updated_timestamp, lm.model_type, lm.source_run_id, lm.status, "
    "lm.status_message, lm.lifecycle_stage"
)
_INSERT_MODEL = (
    "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, "
    "creation_timestamp, last_updated_timestamp, model_type, source_run_id, status, "
    "status_message, lifecycle_stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPSERT_TAG = (
    "INSERT INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?) "
    "ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value"
)
_INSERT_PARAM = (
    "INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
)
_TOUCH = "UPDATE logged_models SET last_updated_timestamp = ? WHERE model_id = ?"


def not_found(model_id: str) -> NotFound:
    """MLflow's error for a missing logged model."""
    return NotFound(f"Logged model with ID '{model_id}' not found.")


def create_logged_model(
    db: Database,
    experiment_id: str,
    name: str | None,
    source_run_id: str | None,
    tags: Sequence[LoggedModelTag] | None,
    params: Sequence[LoggedModelParameter] | None,
    model_type: str | None,
) -> LoggedModel:
    """Create a PENDING model under ``<experiment artifacts>/models/<model_id>/artifacts``."""
    key = experiment_key(experiment_id)
    name = validate_logged_model_name(name) or generate_run_name()
    _check_length("model_type", model_type, 500)
    _check_length("source_run_id", source_run_id, 32)
    tag_values = tag_rows(tags)
    param_values = param_rows(params)
    model_id = MODEL_ID_PREFIX + uuid.uuid4().hex
    now = now_millis()

    def work(cursor: Cursor) -> LoggedModel:
        location = append_to_uri(active_experiment_location(cursor, key, experiment_id), "models")
        location = append_to_uri(append_to_uri(location, model_id), "artifacts")
        status = LoggedModelStatus.PENDING
        row = (model_id, key, name, location, now, now, model_type, source_run_id)
        cursor.execute(_INSERT_MODEL, (*row, status.value, None, ACTIVE))
        cursor.executemany(_UPSERT_TAG, [(model_id, k, v) for k, v in tag_values.items()])
        cursor.executemany(_INSERT_PARAM, [(model_id, k, v) for k, v in param_values.items()])
        return LoggedModel(
            str(key),
            model_id,
            name,
            location,
            now,
            now,
            model_type,
            source_run_id,
            status,
            tags=tag_values,
            params=param_values,
        )

    return db.write(work)


def _check_length(what: str, value: object, limit: int) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        raise InvalidParameter(
            f"Invalid {what} {value!r}: it must be a string of at most {limit} characters"
        )


def tag_rows(tags: Sequence[LoggedModelTag] | None) -> dict[str, str]:
    """Checked tags as ``{key: value}``; the last value of a key wins."""
    rows = {}
    for tag in tags or ():
        rows[validate_key(tag.key, "tag")] = "" if tag.value is None else str(tag.value)
    return rows


def param_rows(params: Sequence[LoggedModelParameter] | None) -> dict[str, str]:
    """Checked params as ``{key: value}``; one key with two values is refused."""
    rows: dict[str, str] = {}
    for param in params or ():
        key = validate_key(param.key, "param")
        value = "" if param.value is None else str(param.value)
        if rows.setdefault(key, value) != value:
            raise InvalidParameter(
                f"Duplicate parameter keys have been submitted: ['{key}']. Please ensure the "
                f"request contains only one param value per param key."
            )
    return rows


def get_logged_model(db: Database, model_id: str, allow_deleted: bool = False) -> LoggedModel:
    """The model with this id; NotFound if there is none, or it is deleted (unless allowed)."""

    def work(cursor: Cursor) -> list[LoggedModel]:
        cursor.execute(
            f"SELECT {MODEL_COLUMNS} FROM logged_models lm WHERE lm.model_id = ?", (model_id,)
        )
        rows = [row for row in cursor.fetchall() if allow_deleted or row[10] == ACTIVE]
        return load_logged_models(cursor, db.dialect, rows)

    found = db.read(work)
    if not found:
        raise not_found(model_id)
    return found[0]


def finalize_logged_model(
    db: Database, model_id: str, status: LoggedModelStatus | str | int
) -> LoggedModel:
    """Set a model's status and return the model."""
    final = LoggedModelStatus.coerce(status)

    def work(cursor: Cursor) -> LoggedModel:
        cursor.execute(
            "UPDATE logged_models SET status = ?, last_updated_timestamp = ? WHERE model_id = ?",
            (final.value, now_millis(), model_id),
        )
        if cursor.rowcount == 0:
            raise not_found(model_id)
        cursor.execute(
            f"SELECT {MODEL_COLUMNS} FROM logged_models lm WHERE lm.model_id = ?", (model_id,)
        )
        return load_logged_models(cursor, db.dialect, cursor.fetchall())[0]

    return db.write(work)


def delete_logged_model(db: Database, model_id: str) -> None:
    """Soft-delete a model (deleting a deleted model changes nothing)."""

    def work(cursor: Cursor) -> None:
        cursor.execute(
            "UPDATE logged_models SET lifecycle_stage = ?, last_updated_timestamp = ? "
            "WHERE model_id = ? AND lifecycle_stage = ?",
            (DELETED, now_millis(), model_id, ACTIVE),
        )
        if cursor.rowcount == 0:
            require_models(cursor, db.dialect, [model_id])

    db.write(work)


def set_logged_model_tags(db: Database, model_id: str, tags: Sequence[LoggedModelTag]) -> None:
    """Set (or overwrite) a model's tags."""
    rows = [(model_id, key, value) for key, value in tag_rows(tags).items()]

    def work(cursor: Cursor) -> None:
        touch_model(cursor, model_id)
        cursor.executemany(_UPSERT_TAG, rows)

    db.write(work)


def delete_logged_model_tag(db: Database, model_id: str, key: str) -> None:
    """Remove a model's tag; NotFound if the model or the tag is missing."""

    def work(cursor: Cursor) -> None:
        touch_model(cursor, model_id)
        cursor.execute(
            "DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?", (model_id, key)
        )
        if cursor.rowcount == 0:
            raise NotFound(f"No tag with key '{key}' found for model with ID '{model_id}'.")

    db.write(work)


def log_logged_model_params(
    db: Database, model_id: str, params: Sequence[LoggedModelParameter]
) -> None:
    """Log a model's params; the same value again is accepted, another value is refused."""
    wanted = param_rows(params)

    def work(cursor: Cursor) -> None:
        touch_model(cursor, model_id)
        if not wanted:
            return
        condition, values = db.dialect.one_of("key", list(wanted))
        cursor.execute(
            f"SELECT key, value FROM logged_model_params WHERE model_id = ? AND {condition}",
            (model_id, *values),
        )
        for key, value in cursor.fetchall():
            if wanted[key] != value:
                raise InvalidParameter(
                    f"Changing param values is not allowed. Param with key='{key}' was already "
                    f"logged with value='{value}' for model ID='{model_id}'. Attempted logging "
                    f"new value '{wanted[key]}'."
                )
        cursor.executemany(_INSERT_PARAM, [(model_id, k, v) for k, v in wanted.items()])

    db.write(work)


def touch_model(cursor: Cursor, model_id: str) -> None:
    """Mark a model updated now; NotFound if it does not exist."""
    cursor.execute(_TOUCH, (now_millis(), model_id))
    if cursor.rowcount == 0:
        raise not_found(model_id)


def require_models(cursor: Cursor, dialect: Dialect, model_ids: Sequence[str]) -> None:
    """Raise NotFound unless every one of these models exists (deleted ones count)."""
    wanted = sorted(set(model_ids))
    condition, values = dialect.one_of("model_id", wanted)
    cursor.execute(f"SELECT model_id FROM logged_models WHERE {condition}", values)
    found = {row[0] for row in cursor.fetchall()}
    for model_id in wanted:
        if model_id not in found:
            raise not_found(model_id)


def load_logged_models(cursor: Cursor, dialect: Dialect, rows: list[Any]) -> list[LoggedModel]:
    """Models from rows of :data:`MODEL_COLUMNS`, in order, with their tags, params and
    metric points (one query per kind, whatever the number of models)."""
    if not rows:
        return []
    ids = [row[0] for row in rows]
    condition, values = dialect.one_of("model_id", ids)
    tags: dict[str, dict[str, str]] = {model_id: {} for model_id in ids}
    params: dict[str, dict[str, str]] = {model_id: {} for model_id in ids}
    metrics: dict[str, list[Metric]] = {model_id: [] for model_id in ids}
    for table, found in (("logged_model_tags", tags), ("logged_model_params", params)):
        cursor.execute(
            f"SELECT model_id, key, value FROM {table} WHERE {condition} ORDER BY key", values
        )
        for model_id, key, value in cursor.fetchall():
            found[model_id][key] = value
    cursor.execute(
        "SELECT model_id, key, CASE WHEN is_nan THEN NULL ELSE value END, timestamp, step, "
        f"run_uuid, dataset_name, dataset_digest FROM logged_model_metrics WHERE {condition} "
        "ORDER BY model_id, key, step, timestamp",
        values,
    )
    for model_id, key, value, timestamp, step, run_id, ds_name, ds_digest in cursor.fetchall():
        number = NAN if value is None else value
        metrics[model_id].append(
            Metric(key, number, timestamp, step, model_id, ds_name, ds_digest, run_id)
        )
    return [_model(row, tags[row[0]], params[row[0]], metrics[row[0]]) for row in rows]


def _model(
    row: Sequence[Any], tags: dict[str, str], params: dict[str, str], metrics: list[Metric]
) -> LoggedModel:
    return LoggedModel(
        model_id=row[0],
        experiment_id=str(row[1]),
        name=row[2],
        artifact_location=row[3],
        creation_timestamp=row[4],
        last_updated_timestamp=row[5],
        model_type=row[6],
        source_run_id=row[7],
        status=LoggedModelStatus.coerce(row[8]),
        status_message=row[9],
        tags=tags,
        params=params,
        metrics=metrics,
    )
