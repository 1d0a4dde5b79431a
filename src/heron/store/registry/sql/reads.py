"""Reading the registry: key lookups, and whole entities for many rows in a few queries.

Each row carries its tags and aliases as the JSON copies kept on the model and version
rows (:mod:`heron.store.registry.sql.copies`), so a page of versions is one query and a
page of registered models two (the models, then their latest version per stage). Nothing
is read row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from heron.entities.registry import DELETED_STAGE, ModelVersion, RegisteredModel
from heron.exceptions import NotFound
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.registry.sql.rows import Row, to_model, to_version

MODEL_COLUMNS = (
    "m.model_key, m.name, m.creation_timestamp, m.last_updated_timestamp, m.description, "
    "m.user_id, m.tags_json, m.aliases_json"
)
"""A registered model's columns, then its tags and aliases (``{alias: version}``) as JSON."""
VERSION_COLUMNS = (
    "v.model_key, m.name, v.version, v.creation_timestamp, v.last_updated_timestamp, "
    "v.description, v.user_id, v.current_stage, v.source, v.run_id, v.status, "
    "v.status_message, v.run_link, v.model_id, v.tags_json, m.aliases_json"
)
"""A version's columns, then its tags and its model's aliases (``{alias: version}``) as
JSON."""
VERSION_FROM = "model_versions v JOIN registered_models m ON m.model_key = v.model_key"
LIVE = f"v.current_stage <> '{DELETED_STAGE}'"


def model_not_found(name: str) -> NotFound:
    """MLflow's error for a missing registered model."""
    return NotFound(f"Registered Model with name={name} not found")


def version_not_found(name: str, version: int) -> NotFound:
    """MLflow's error for a missing (or deleted) model version."""
    return NotFound(f"Model Version (name={name}, version={version}) not found")


def model_key(cursor: Cursor, name: str) -> int:
    """The key of the registered model called ``name``; NotFound if there is none."""
    cursor.execute("SELECT model_key FROM registered_models WHERE name = ?", (name,))
    row = cursor.fetchone()
    if row is None:
        raise model_not_found(name)
    return int(row[0])


def touch_model(cursor: Cursor, name: str, now: int) -> int:
    """Set a model's last-updated time (locking its row) and return its key.

    Raises:
        NotFound: there is no registered model called ``name``.
    """
    cursor.execute(
        "UPDATE registered_models SET last_updated_timestamp = ? WHERE name = ? "
        "RETURNING model_key",
        (now, name),
    )
    row = cursor.fetchone()
    if row is None:
        raise model_not_found(name)
    return int(row[0])


def live_version_key(cursor: Cursor, name: str, version: int) -> int:
    """The model key of a live version; NotFound for a missing or deleted one."""
    cursor.execute(
        f"SELECT v.model_key FROM {VERSION_FROM} WHERE m.name = ? AND v.version = ? AND {LIVE}",
        (name, version),
    )
    row = cursor.fetchone()
    if row is None:
        raise version_not_found(name, version)
    return int(row[0])


def version_rows(cursor: Cursor, where: str, params: Sequence[object]) -> list[Row]:
    """Version rows (:data:`VERSION_COLUMNS`) matching ``where``, in version order."""
    cursor.execute(
        f"SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} WHERE {where} ORDER BY v.version",
        params,
    )
    return cursor.fetchall()


def get_version(cursor: Cursor, name: str, version: int) -> ModelVersion:
    """One live version, whole; NotFound for a missing or deleted one."""
    rows = version_rows(cursor, f"m.name = ? AND v.version = ? AND {LIVE}", (name, version))
    if not rows:
        raise version_not_found(name, version)
    return to_version(rows[0])


def get_model(cursor: Cursor, dialect: Dialect, name: str) -> RegisteredModel:
    """One registered model, whole; NotFound if there is none."""
    cursor.execute(f"SELECT {MODEL_COLUMNS} FROM registered_models m WHERE m.name = ?", (name,))
    rows = cursor.fetchall()
    if not rows:
        raise model_not_found(name)
    return load_models(cursor, dialect, rows)[0]


def latest_version_rows(cursor: Cursor, dialect: Dialect, keys: Sequence[int]) -> list[Row]:
    """For each of these models and each stage it has live versions in, the highest one."""
    match, params = dialect.one_of("model_key", list(keys))
    cursor.execute(
        f"SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} JOIN (SELECT model_key, "
        "MAX(version) AS version FROM model_versions "
        f"WHERE {match} AND current_stage <> '{DELETED_STAGE}' GROUP BY model_key, "
        "current_stage) l ON l.model_key = v.model_key AND l.version = v.version "
        "ORDER BY v.model_key, v.version",
        params,
    )
    return cursor.fetchall()


def load_models(cursor: Cursor, dialect: Dialect, rows: Sequence[Row]) -> list[RegisteredModel]:
    """Registered models for rows of :data:`MODEL_COLUMNS`, with their latest versions
    (one more query for the lot), in the rows' order."""
    if not rows:
        return []
    latest: dict[int, list[ModelVersion]] = defaultdict(list)
    for row in latest_version_rows(cursor, dialect, [row[0] for row in rows]):
        latest[row[0]].append(to_version(row))
    return [to_model(row, latest.get(row[0], [])) for row in rows]
