"""Registered models: create, update, rename, delete, tags."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence

from heron.entities.registry import RegisteredModel, RegisteredModelTag
from heron.exceptions import AlreadyExists
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.db.mysql_driver import is_duplicate_key
from heron.store.registry.sql.copies import refresh_model_tags
from heron.store.registry.sql.reads import get_model, model_key
from heron.validation import validate_key
from heron.validation_registry import (
    validate_description,
    validate_model_name,
    validate_registry_tag,
)

_UPSERT_TAG = (
    "INSERT INTO registered_model_tags (model_key, key, value) VALUES (?, ?, ?) "
    "ON CONFLICT (model_key, key) DO UPDATE SET value = excluded.value"
)
# Child tables first: SQLite does not enforce (or cascade) foreign keys here.
_MODEL_TABLES = (
    "model_version_tags",
    "registered_model_aliases",
    "model_versions",
    "registered_model_tags",
    "registered_models",
)


def already_exists(name: str) -> AlreadyExists:
    """MLflow's error for a registered model name that is taken."""
    return AlreadyExists(f"Registered Model (name={name}) already exists.")


def create_registered_model(
    db: Database,
    name: str,
    tags: Sequence[RegisteredModelTag] | None,
    description: str | None,
    now: int,
) -> RegisteredModel:
    """Create a registered model with no versions (AlreadyExists if the name is taken)."""
    validate_model_name(name)
    tag_rows = {tag.key: validate_registry_tag(tag.key, tag.value) for tag in tags or ()}
    text = validate_description(description)

    def work(cursor: Cursor) -> None:
        cursor.execute(
            "INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, "
            "description) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING model_key",
            (name, now, now, text),
        )
        row = cursor.fetchone()
        if row is None:
            raise already_exists(name)
        if tag_rows:
            cursor.executemany(_UPSERT_TAG, [(row[0], k, v) for k, v in tag_rows.items()])
            refresh_model_tags(cursor, db.dialect, row[0])

    db.write(work)
    return RegisteredModel(
        name=name,
        creation_timestamp=now,
        last_updated_timestamp=now,
        description=text,
        tags=dict(sorted(tag_rows.items())),
    )


def get_registered_model(db: Database, name: str) -> RegisteredModel:
    """The registered model called ``name``, whole."""
    validate_model_name(name)
    return db.read(lambda cursor: get_model(cursor, db.dialect, name))


def update_registered_model(
    db: Database, name: str, description: str | None, now: int
) -> RegisteredModel:
    """Set a model's description (None or ``""`` clears it)."""
    validate_model_name(name)
    text = validate_description(description)

    def work(cursor: Cursor) -> RegisteredModel:
        key = model_key(cursor, name)
        cursor.execute(
            "UPDATE registered_models SET description = ?, last_updated_timestamp = ? "
            "WHERE model_key = ?",
            (text, now, key),
        )
        return get_model(cursor, db.dialect, name)

    return db.write(work)


def rename_registered_model(db: Database, name: str, new_name: str, now: int) -> RegisteredModel:
    """Rename a model. Its versions, tags and aliases hang off its key, so they follow."""
    validate_model_name(name)
    validate_model_name(new_name, "new_name")

    def work(cursor: Cursor) -> RegisteredModel:
        key = model_key(cursor, name)
        if new_name != name:
            cursor.execute("SELECT 1 FROM registered_models WHERE name = ?", (new_name,))
            if cursor.fetchone() is not None:
                raise already_exists(new_name)
        try:
            cursor.execute(
                "UPDATE registered_models SET name = ?, last_updated_timestamp = ? "
                "WHERE model_key = ?",
                (new_name, now, key),
            )
        except Exception as error:
            if _unique_violation(error):  # a concurrent create or rename took the name
                raise already_exists(new_name) from error
            raise
        cursor.execute(
            "UPDATE model_versions SET last_updated_timestamp = ? WHERE model_key = ?", (now, key)
        )
        return get_model(cursor, db.dialect, new_name)

    return db.write(work)


def _unique_violation(error: Exception) -> bool:
    if isinstance(error, sqlite3.IntegrityError):
        return True
    psycopg = sys.modules.get("psycopg")  # imported only when PostgreSQL is in use
    if psycopg is not None and isinstance(error, psycopg.errors.UniqueViolation):
        return True
    return is_duplicate_key(error)


def delete_registered_model(db: Database, name: str) -> None:
    """Delete a model with its versions (deleted ones too), tags and aliases."""
    validate_model_name(name)

    def work(cursor: Cursor) -> None:
        key = model_key(cursor, name)
        for table in _MODEL_TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE model_key = ?", (key,))

    db.write(work)


def set_registered_model_tag(db: Database, name: str, tag: RegisteredModelTag) -> None:
    """Set or overwrite one tag of a registered model."""
    validate_model_name(name)
    value = validate_registry_tag(tag.key, tag.value)

    def work(cursor: Cursor) -> None:
        key = model_key(cursor, name)
        cursor.execute(_UPSERT_TAG, (key, tag.key, value))
        refresh_model_tags(cursor, db.dialect, key)

    db.write(work)


def delete_registered_model_tag(db: Database, name: str, key: str) -> None:
    """Delete one tag of a registered model; a missing key is not an error."""
    validate_model_name(name)
    validate_key(key, "tag")

    def work(cursor: Cursor) -> None:
        owner = model_key(cursor, name)
        cursor.execute(
            "DELETE FROM registered_model_tags WHERE model_key = ? AND key = ?", (owner, key)
        )
        refresh_model_tags(cursor, db.dialect, owner)

    db.write(work)
