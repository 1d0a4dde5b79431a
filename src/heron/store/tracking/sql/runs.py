"""Runs: create, read, update, delete/restore, and the "run must be active" rule."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from heron.entities import LifecycleStage, Run, RunData, RunInfo, RunStatus, RunTag
from heron.exceptions import InvalidParameter, NotFound
from heron.store.clock import now_millis
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.tracking import append_to_uri
from heron.store.tracking.names import generate_run_name
from heron.store.tracking.sql.experiments import active_experiment_location
from heron.store.tracking.sql.values import experiment_key
from heron.validation import validate_run_name, validate_tag

ACTIVE = LifecycleStage.ACTIVE
DELETED = LifecycleStage.DELETED
RUN_NAME_TAG = "mlflow.runName"
RUN_COLUMNS = (
    "r.run_uuid, r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, "
    "r.lifecycle_stage, r.artifact_uri, r.name"
)
UPSERT_TAG = (
    "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) "
    "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value"
)


def run_info(row: Sequence[Any]) -> RunInfo:
    """A RunInfo from a row of :data:`RUN_COLUMNS`."""
    return RunInfo(
        run_id=row[0],
        experiment_id=str(row[1]),
        user_id=row[2],
        status=row[3],
        start_time=row[4],
        end_time=row[5],
        lifecycle_stage=row[6],
        artifact_uri=row[7],
        run_name=row[8],
    )


def require_active_run(cursor: Cursor, run_id: str) -> int:
    """The experiment of an active run; NotFound or InvalidParameter otherwise."""
    cursor.execute("SELECT lifecycle_stage, experiment_id FROM runs WHERE run_uuid = ?", (run_id,))
    row = cursor.fetchone()
    if row is None:
        raise NotFound(f"Run with id={run_id} not found")
    if row[0] != ACTIVE:
        raise InvalidParameter(
            f"The run {run_id} must be in the 'active' state. Current state is {row[0]}."
        )
    return int(row[1])


def resolve_run_name(run_name: str | None, tags: Sequence[RunTag]) -> str:
    """The name of a new run: ``run_name``, else its ``mlflow.runName`` tag, else generated."""
    validate_run_name(run_name)
    tag_name = next((t.value for t in reversed(tags) if t.key == RUN_NAME_TAG), None)
    if run_name and tag_name is not None and run_name != tag_name:
        raise InvalidParameter(
            f"Both 'run_name' argument and '{RUN_NAME_TAG}' tag are specified, but with "
            f"different values (run_name='{run_name}', {RUN_NAME_TAG}='{tag_name}')."
        )
    return validate_run_name(run_name or tag_name) or generate_run_name()


def create_run(
    db: Database,
    experiment_id: str,
    user_id: str,
    start_time: int | None,
    tags: Sequence[RunTag],
    run_name: str | None,
) -> Run:
    """Create a RUNNING run in an active experiment."""
    checked = [validate_tag(tag) for tag in tags or ()]
    name = resolve_run_name(run_name, checked)
    tag_values = {tag.key: tag.value for tag in checked} | {RUN_NAME_TAG: name}
    started = now_millis() if start_time is None else int(start_time)
    draft = RunInfo(
        uuid.uuid4().hex, experiment_id, user_id or "", "RUNNING", started, None, ACTIVE
    )
    info = db.write(lambda cursor: insert_run(cursor, draft, name, tag_values))
    return Run(info, RunData(tags=[RunTag(k, v) for k, v in tag_values.items()]))


def insert_run(cursor: Cursor, draft: RunInfo, name: str, tags: dict[str, str]) -> RunInfo:
    """Insert a new run (id, experiment, user, status and times from ``draft``) and its
    tags, in an active experiment; the run as stored, with its artifact URI."""
    key = experiment_key(draft.experiment_id)
    location = active_experiment_location(cursor, key, draft.experiment_id)
    run_id = draft.run_id
    artifact_uri = append_to_uri(append_to_uri(location, run_id), "artifacts")
    row = (draft.user_id, draft.status, draft.start_time, draft.end_time, ACTIVE, artifact_uri)
    cursor.execute(
        "INSERT INTO runs (run_uuid, experiment_id, user_id, status, start_time, end_time, "
        "lifecycle_stage, artifact_uri, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (run_id, key, *row, name),
    )
    cursor.executemany(UPSERT_TAG, [(run_id, k, v) for k, v in tags.items()])
    return RunInfo(run_id, str(key), *row, name)


def update_run_info(
    db: Database,
    run_id: str,
    run_status: int | str | None,
    end_time: int | None,
    run_name: str | None,
) -> RunInfo:
    """Change an active run's status, end time and/or name (and its name tag)."""
    status = None if run_status is None else RunStatus.name_of(run_status)
    name = validate_run_name(run_name) or None
    ended = None if end_time is None else int(end_time)

    def work(cursor: Cursor) -> RunInfo:
        require_active_run(cursor, run_id)
        cursor.execute(
            "UPDATE runs SET status = COALESCE(?, status), end_time = COALESCE(?, end_time), "
            "name = COALESCE(?, name) WHERE run_uuid = ?",
            (status, ended, name, run_id),
        )
        if name is not None:
            cursor.execute(UPSERT_TAG, (run_id, RUN_NAME_TAG, name))
        cursor.execute(f"SELECT {RUN_COLUMNS} FROM runs r WHERE run_uuid = ?", (run_id,))
        return run_info(cursor.fetchone())

    return db.write(work)


def delete_run(db: Database, run_id: str) -> None:
    """Soft-delete a run (deleting a deleted run changes nothing)."""
    now = now_millis()

    def work(cursor: Cursor) -> None:
        cursor.execute(
            "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? "
            "WHERE run_uuid = ? AND lifecycle_stage = ?",
            (DELETED, now, run_id, ACTIVE),
        )
        if cursor.rowcount == 0:
            _require_run(cursor, run_id)

    db.write(work)


def restore_run(db: Database, run_id: str) -> None:
    """Undo :func:`delete_run`."""

    def work(cursor: Cursor) -> None:
        cursor.execute(
            "UPDATE runs SET lifecycle_stage = ?, deleted_time = NULL WHERE run_uuid = ?",
            (ACTIVE, run_id),
        )
        if cursor.rowcount == 0:
            raise NotFound(f"Run with id={run_id} not found")

    db.write(work)


def _require_run(cursor: Cursor, run_id: str) -> None:
    cursor.execute("SELECT 1 FROM runs WHERE run_uuid = ?", (run_id,))
    if cursor.fetchone() is None:
        raise NotFound(f"Run with id={run_id} not found")
