"""Aliases: one name for one version of a model (``models:/<name>@<alias>``)."""

from __future__ import annotations

from heron.entities.registry import DELETED_STAGE, ModelVersion
from heron.exceptions import InvalidParameter, NotFound
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.registry.sql.copies import refresh_model_aliases
from heron.store.registry.sql.reads import (
    LIVE,
    get_version,
    live_version_key,
    model_key,
    version_rows,
)
from heron.store.registry.sql.rows import to_version
from heron.validation_registry import (
    RESERVED_ALIAS_LATEST,
    validate_alias,
    validate_model_name,
    validate_new_alias,
    validate_version,
)

_HIGHEST_LIVE = (
    f"v.model_key = ? AND {LIVE} AND v.version = (SELECT MAX(version) FROM model_versions "
    f"WHERE model_key = ? AND current_stage <> '{DELETED_STAGE}')"
)


def set_registered_model_alias(db: Database, name: str, alias: str, version: object) -> None:
    """Point ``alias`` at a live version, re-pointing it if it names another one."""
    validate_model_name(name)
    validate_new_alias(alias)
    number = validate_version(version)

    def work(cursor: Cursor) -> None:
        key = live_version_key(cursor, name, number)
        cursor.execute(
            "INSERT INTO registered_model_aliases (model_key, alias, version) VALUES (?, ?, ?) "
            "ON CONFLICT (model_key, alias) DO UPDATE SET version = excluded.version",
            (key, alias, number),
        )
        refresh_model_aliases(cursor, db.dialect, key)

    db.write(work)


def delete_registered_model_alias(db: Database, name: str, alias: str) -> None:
    """Remove an alias of an existing model; a missing alias is not an error."""
    validate_model_name(name)
    validate_alias(alias)

    def work(cursor: Cursor) -> None:
        key = model_key(cursor, name)
        cursor.execute(
            "DELETE FROM registered_model_aliases WHERE model_key = ? AND alias = ?", (key, alias)
        )
        refresh_model_aliases(cursor, db.dialect, key)

    db.write(work)


def get_model_version_by_alias(db: Database, name: str, alias: str) -> ModelVersion:
    """The version ``alias`` names; ``latest`` (any case) is the highest live version.

    Raises:
        NotFound: no such model, or ``latest`` of a model without live versions.
        InvalidParameter: the model has no such alias (MLflow's code for it).
    """
    validate_model_name(name)
    validate_alias(alias)

    def work(cursor: Cursor) -> ModelVersion:
        key = model_key(cursor, name)
        if alias.lower() == RESERVED_ALIAS_LATEST:
            rows = version_rows(cursor, _HIGHEST_LIVE, (key, key))
            if not rows:
                raise NotFound(f"Latest version not found for model {name}.")
            return to_version(rows[0])
        cursor.execute(
            "SELECT version FROM registered_model_aliases WHERE model_key = ? AND alias = ?",
            (key, alias),
        )
        row = cursor.fetchone()
        if row is None:
            raise InvalidParameter(f"Registered model alias {alias} not found.")
        return get_version(cursor, name, int(row[0]))

    return db.read(work)
