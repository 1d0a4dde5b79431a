"""Logged models (MLflow 3.x) with their tags and params.

Their metric points belong to runs and move with them (:mod:`heron.migration.runs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heron.entities import LoggedModelStatus
from heron.exceptions import InvalidParameter
from heron.migration.artifacts import copy_artifact_tree, model_artifact_dir
from heron.migration.experiments import ExperimentMap
from heron.migration.source import SourceDatabase
from heron.store.db import Database
from heron.store.db.drivers import Cursor


def copy_logged_models(
    source: SourceDatabase,
    db: Database,
    mapping: ExperimentMap,
    copy_artifacts: str | None = None,
) -> int:
    """Copy every logged model; returns how many the source has.

    Args:
        copy_artifacts: A directory to copy each model's artifacts into (its artifact
            location then points there); None keeps the locations as they are.
    """
    if not source.has_table("logged_models"):
        return 0
    models = source.all(
        "SELECT model_id, experiment_id, name, artifact_location, creation_timestamp_ms, "
        "last_updated_timestamp_ms, status, status_message, lifecycle_stage, model_type, "
        "source_run_id FROM logged_models"
    )
    tags = source.all("SELECT model_id, tag_key, tag_value FROM logged_model_tags")
    params = source.all("SELECT model_id, param_key, param_value FROM logged_model_params")
    rows = [_model_row(row, mapping) for row in models]
    if copy_artifacts is not None:
        rows = [relocate_model(row, copy_artifacts) for row in rows]
    write_logged_models(db, rows, tags, params)
    return len(models)


def write_logged_models(
    db: Database,
    models: Sequence[tuple[Any, ...]],
    tags: Sequence[tuple[Any, ...]],
    params: Sequence[tuple[Any, ...]],
) -> None:
    """Write logged models in one transaction (those Heron has are left alone).

    Args:
        models: ``(model_id, experiment_id, name, artifact_location, creation_timestamp,
            last_updated_timestamp, status, status_message, lifecycle_stage, model_type,
            source_run_id)``, with Heron's experiment ids and status names.
        tags: ``(model_id, key, value)``.
        params: ``(model_id, key, value)``.
    """

    def work(cursor: Cursor) -> None:
        cursor.executemany(
            "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, "
            "creation_timestamp, last_updated_timestamp, status, status_message, "
            "lifecycle_stage, model_type, source_run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            models,
        )
        cursor.executemany(
            "INSERT INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(m, k, v if v is not None else "") for m, k, v in tags],
        )
        cursor.executemany(
            "INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(m, k, v if v is not None else "") for m, k, v in params],
        )

    db.write(work)


def relocate_model(row: tuple[Any, ...], root: str) -> tuple[Any, ...]:
    """A logged model's row (Heron's experiment id second, artifact location fourth) with
    its artifacts copied under ``root`` and its location pointing there."""
    target = model_artifact_dir(root, int(row[1]), str(row[0]))
    return (*row[:3], copy_artifact_tree(row[3], target), *row[4:])


def _model_row(row: tuple[Any, ...], mapping: ExperimentMap) -> tuple[Any, ...]:
    (model_id, eid, name, location, created, updated, status, message, stage, kind, run) = row
    try:
        coerced = LoggedModelStatus.coerce(int(status) if status is not None else 0).value
    except (InvalidParameter, ValueError, TypeError):  # a number MLflow never used
        coerced = LoggedModelStatus.UNSPECIFIED.value
    return (
        model_id,
        mapping.ids[int(eid)],
        name,
        location,
        created,
        updated,
        coerced,
        message,
        stage or "active",
        kind,
        run,
    )
