"""Experiments: create, read, rename, delete/restore, tags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heron.entities import Experiment, LifecycleStage
from heron.entities.run_data import ExperimentTag
from heron.exceptions import AlreadyExists, BadRequest, InvalidParameter, InvalidState, NotFound
from heron.store.clock import now_millis
from heron.store.db import Database
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.tracking import append_to_uri, experiment_location
from heron.store.tracking.base import DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME
from heron.store.tracking.sql.values import experiment_key
from heron.validation import (
    validate_artifact_location,
    validate_experiment_name,
    validate_experiment_tag,
)

ACTIVE = LifecycleStage.ACTIVE
DELETED = LifecycleStage.DELETED
EXPERIMENT_COLUMNS = (
    "e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, "
    "e.last_update_time"
)
_UPSERT_TAG = (
    "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) "
    "ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value"
)


def create_experiment(
    db: Database,
    root: str,
    name: str,
    artifact_location: str | None,
    tags: Sequence[ExperimentTag] | None,
) -> str:
    """Create an experiment; its artifacts default to ``<root>/<experiment_id>``."""
    validate_experiment_name(name)
    validate_artifact_location(artifact_location)
    location = experiment_location(artifact_location) if artifact_location else None
    tag_rows = {tag.key: tag.value for tag in tags or ()}
    for key, value in tag_rows.items():
        validate_experiment_tag(key, value)
    now = now_millis()

    def work(cursor: Cursor) -> str:
        cursor.execute(
            "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, "
            "last_update_time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING "
            "RETURNING experiment_id",
            (name, location, ACTIVE, now, now),
        )
        row = cursor.fetchone()
        if row is None:
            raise AlreadyExists(
                f"Experiment(name={name}) already exists. Error: experiment names are unique, "
                f"deleted experiments included (restore it, or choose another name)"
            )
        experiment_id = int(row[0])
        if location is None:
            cursor.execute(
                "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                (append_to_uri(root, str(experiment_id)), experiment_id),
            )
        cursor.executemany(_UPSERT_TAG, [(experiment_id, k, v) for k, v in tag_rows.items()])
        return str(experiment_id)

    return db.write(work)


def ensure_default_experiment(db: Database, root: str) -> None:
    """Create experiment 0, "Default", in a database that has no experiment at all."""

    def exists(cursor: Cursor) -> bool:
        cursor.execute("SELECT count(*) FROM (SELECT 1 FROM experiments LIMIT 1) AS any_row")
        return bool(cursor.fetchone()[0])

    def create(cursor: Cursor) -> None:
        # PostgreSQL writers do not queue like SQLite's: a concurrent creator may win.
        if exists(cursor):
            return
        now = now_millis()
        cursor.execute(
            "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
            "creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                0,
                DEFAULT_EXPERIMENT_NAME,
                append_to_uri(root, DEFAULT_EXPERIMENT_ID),
                ACTIVE,
                now,
                now,
            ),
        )

    if not db.read(exists):
        db.write(create)


def get_experiment(db: Database, experiment_id: str) -> Experiment:
    """The experiment with this id; NotFound if there is none."""
    key = experiment_key(experiment_id)

    def work(cursor: Cursor) -> list[Experiment]:
        cursor.execute(
            f"SELECT {EXPERIMENT_COLUMNS} FROM experiments e WHERE experiment_id = ?", (key,)
        )
        return load_experiments(cursor, db.dialect, cursor.fetchall())

    found = db.read(work)
    if not found:
        raise NotFound(f"No Experiment with id={experiment_id} exists")
    return found[0]


def get_experiment_by_name(db: Database, name: str) -> Experiment | None:
    """The experiment with this name, or None."""

    def work(cursor: Cursor) -> list[Experiment]:
        cursor.execute(f"SELECT {EXPERIMENT_COLUMNS} FROM experiments e WHERE name = ?", (name,))
        return load_experiments(cursor, db.dialect, cursor.fetchall())

    found = db.read(work)
    return found[0] if found else None


def load_experiments(cursor: Cursor, dialect: Dialect, rows: list[Any]) -> list[Experiment]:
    """Experiments from rows of :data:`EXPERIMENT_COLUMNS`, with their tags (one query)."""
    if not rows:
        return []
    tags: dict[int, dict[str, str]] = {int(row[0]): {} for row in rows}
    condition, params = dialect.one_of("experiment_id", list(tags))
    cursor.execute(
        f"SELECT experiment_id, key, value FROM experiment_tags WHERE {condition}", params
    )
    for experiment_id, key, value in cursor.fetchall():
        tags[int(experiment_id)][key] = value
    return [
        Experiment(
            experiment_id=str(row[0]),
            name=row[1],
            artifact_location=row[2],
            lifecycle_stage=row[3],
            tags=tags[int(row[0])],
            creation_time=row[4],
            last_update_time=row[5],
        )
        for row in rows
    ]


def stage_of(cursor: Cursor, key: int, experiment_id: object) -> tuple[str, int | None]:
    """An experiment's lifecycle stage and last update time; NotFound if it does not exist."""
    cursor.execute(
        "SELECT lifecycle_stage, last_update_time FROM experiments WHERE experiment_id = ?",
        (key,),
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound(f"No Experiment with id={experiment_id} exists")
    return str(row[0]), row[1]


def require_active_experiment(cursor: Cursor, key: int, experiment_id: object) -> None:
    """Raise unless the experiment exists and is active."""
    stage, _ = stage_of(cursor, key, experiment_id)
    if stage != ACTIVE:
        raise InvalidParameter(
            f"The experiment {experiment_id} must be in the 'active' state. "
            f"Current state is {stage}."
        )


def delete_experiment(db: Database, experiment_id: str) -> None:
    """Soft-delete an experiment and its active runs (a deleted one stays as it is)."""
    key = experiment_key(experiment_id)

    def work(cursor: Cursor) -> None:
        stage, _ = stage_of(cursor, key, experiment_id)
        if stage == DELETED:
            return
        # The deletion time marks the runs deleted with the experiment, so it must be
        # later than that of any run deleted on its own before.
        cursor.execute("SELECT max(deleted_time) FROM runs WHERE experiment_id = ?", (key,))
        now = max(now_millis(), (cursor.fetchone()[0] or 0) + 1)
        cursor.execute(
            "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? "
            "WHERE experiment_id = ?",
            (DELETED, now, key),
        )
        cursor.execute(
            "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? "
            "WHERE experiment_id = ? AND lifecycle_stage = ?",
            (DELETED, now, key, ACTIVE),
        )

    db.write(work)


def restore_experiment(db: Database, experiment_id: str) -> None:
    """Undo :func:`delete_experiment`: restore the experiment and the runs it deleted.

    Runs deleted on their own before the experiment was deleted stay deleted: the
    experiment's deletion time tells them apart.
    """
    key = experiment_key(experiment_id)
    now = now_millis()

    def work(cursor: Cursor) -> None:
        stage, deleted_at = stage_of(cursor, key, experiment_id)
        if stage == ACTIVE:
            return
        cursor.execute(
            "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? "
            "WHERE experiment_id = ?",
            (ACTIVE, now, key),
        )
        cursor.execute(
            "UPDATE runs SET lifecycle_stage = ?, deleted_time = NULL "
            "WHERE experiment_id = ? AND lifecycle_stage = ? AND deleted_time = ?",
            (ACTIVE, key, DELETED, deleted_at),
        )

    db.write(work)


def rename_experiment(db: Database, experiment_id: str, new_name: str) -> None:
    """Rename an active experiment to a name no other experiment has."""
    key = experiment_key(experiment_id)
    validate_experiment_name(new_name)

    def work(cursor: Cursor) -> None:
        stage, _ = stage_of(cursor, key, experiment_id)
        if stage != ACTIVE:
            raise InvalidState("Cannot rename a non-active experiment.")
        cursor.execute("SELECT experiment_id FROM experiments WHERE name = ?", (new_name,))
        row = cursor.fetchone()
        if row is not None and int(row[0]) != key:
            raise BadRequest(f"Experiment(name={new_name}) already exists.")
        cursor.execute(
            "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
            (new_name, now_millis(), key),
        )

    db.write(work)


def set_experiment_tag(db: Database, experiment_id: str, tag: ExperimentTag) -> None:
    """Set (or overwrite) a tag of an active experiment."""
    key = experiment_key(experiment_id)
    validate_experiment_tag(tag.key, tag.value)

    def work(cursor: Cursor) -> None:
        require_active_experiment(cursor, key, experiment_id)
        cursor.execute(_UPSERT_TAG, (key, tag.key, tag.value))

    db.write(work)


def delete_experiment_tag(db: Database, experiment_id: str, tag_key: str) -> None:
    """Remove a tag of an active experiment; NotFound if it has no such tag."""
    key = experiment_key(experiment_id)

    def work(cursor: Cursor) -> None:
        require_active_experiment(cursor, key, experiment_id)
        cursor.execute(
            "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", (key, tag_key)
        )
        if cursor.rowcount == 0:
            raise NotFound(f"No tag with name: {tag_key} in experiment with id {experiment_id}")

    db.write(work)


def active_experiment_location(cursor: Cursor, key: int, experiment_id: str) -> str:
    """The artifact location of an experiment that may take new runs or models.

    Raises:
        NotFound: No such experiment.
        InvalidParameter: The experiment is deleted.
    """
    cursor.execute(
        "SELECT lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = ?",
        (key,),
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound(f"No Experiment with id={experiment_id} exists")
    if row[0] != ACTIVE:
        raise InvalidParameter(
            f"The experiment {experiment_id} must be in the 'active' state. "
            f"Current state is {row[0]}."
        )
    return str(row[1])
