"""The model registry: models, versions (stages, deleted ones included), tags and aliases.

MLflow keys every registry table by the model's name; Heron by a surrogate ``model_key``.
A model Heron already has (same name) is the same model: versions it lacks are added, the
ones it has are left alone, so a rerun changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heron.migration.source import SourceDatabase
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.registry.sql.copies import (
    refresh_model_aliases,
    refresh_model_tags,
    refresh_version_tags,
)


def copy_registry(source: SourceDatabase, db: Database) -> int:
    """Copy the whole registry; returns how many registered models the source has."""
    if not source.has_table("registered_models"):
        return 0
    q, workspace = source.q, _default_workspace(source)
    models = source.all(
        "SELECT name, creation_time, last_updated_time, description FROM registered_models"
        + workspace
    )
    versions = source.all(
        "SELECT name, version, creation_time, last_updated_time, description, user_id, "
        f"current_stage, source, run_id, run_link, status, status_message, "
        f"{source.column_or_null('model_versions', 'storage_location')} FROM model_versions"
        + workspace
    )
    model_tags = _optional(source, "registered_model_tags", f"name, {q('key')}, value", workspace)
    version_tags = _optional(
        source, "model_version_tags", f"name, version, {q('key')}, value", workspace
    )
    aliases = _optional(source, "registered_model_aliases", "name, alias, version", workspace)
    write_registry(db, models, versions, model_tags, version_tags, aliases)
    return len(models)


def write_registry(
    db: Database,
    models: Sequence[tuple[Any, ...]],
    versions: Sequence[tuple[Any, ...]],
    model_tags: Sequence[tuple[Any, ...]],
    version_tags: Sequence[tuple[Any, ...]],
    aliases: Sequence[tuple[Any, ...]],
) -> None:
    """Write registry rows, keyed by model name as MLflow's, in one transaction.

    Args:
        models: ``(name, creation_time, last_updated_time, description)``.
        versions: ``(name, version, creation_time, last_updated_time, description, user_id,
            current_stage, source, run_id, run_link, status, status_message,
            storage_location)``.
        model_tags: ``(name, key, value)``.
        version_tags: ``(name, version, key, value)``.
        aliases: ``(name, alias, version)``.
    """

    def work(cursor: Cursor) -> None:
        cursor.executemany(
            "INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, "
            "description) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(name, made or 0, changed or made or 0, text) for name, made, changed, text in models],
        )
        cursor.execute("SELECT name, model_key FROM registered_models")
        keys = {str(name): int(key) for name, key in cursor.fetchall()}
        cursor.executemany(
            "INSERT INTO model_versions (model_key, version, creation_timestamp, "
            "last_updated_timestamp, description, user_id, current_stage, source, "
            "storage_location, run_id, run_link, status, status_message, model_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [_version_row(row, keys) for row in versions],
        )
        cursor.executemany(
            "INSERT INTO registered_model_tags (model_key, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(keys[name], key, value or "") for name, key, value in model_tags],
        )
        cursor.executemany(
            "INSERT INTO model_version_tags (model_key, version, key, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(keys[name], int(v), key, value or "") for name, v, key, value in version_tags],
        )
        cursor.executemany(
            "INSERT INTO registered_model_aliases (model_key, alias, version) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(keys[name], alias, int(version)) for name, alias, version in aliases],
        )
        for name in {str(row[0]) for row in models}:
            refresh_model_tags(cursor, db.dialect, keys[name])
            refresh_model_aliases(cursor, db.dialect, keys[name])
        for name, version in {(str(row[0]), int(row[1])) for row in versions}:
            refresh_version_tags(cursor, db.dialect, keys[name], version)

    db.write(work)


def _default_workspace(source: SourceDatabase) -> str:
    """MLflow 3.x workspaces: Heron has one namespace, MLflow's ``default`` workspace."""
    if "workspace" in source.columns("registered_models"):
        return " WHERE workspace = 'default'"
    return ""


def _optional(source: SourceDatabase, table: str, columns: str, workspace: str) -> list[Any]:
    if not source.has_table(table):
        return []
    return source.all(f"SELECT {columns} FROM {table}" + workspace)


def _version_row(row: tuple[Any, ...], keys: dict[str, int]) -> tuple[Any, ...]:
    (name, version, created, updated, text, user, stage, src, run, link, status, message,
     location) = row  # fmt: skip
    # Heron keeps a storage location only where it differs from the source (models:/ URIs).
    location = location if location and location != src else None
    model_id = None
    if isinstance(src, str) and src.startswith("models:/m-"):
        model_id = src[len("models:/") :].split("/", 1)[0]
    return (
        keys[str(name)],
        int(version),
        created or 0,
        updated or created or 0,
        text,
        user,
        stage or "None",
        src,
        location,
        run,
        link,
        status or "READY",
        message,
        model_id,
    )
