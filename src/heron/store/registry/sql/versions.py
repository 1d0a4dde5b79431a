"""Model versions: create, read, update, stage transitions, delete, tags."""

from __future__ import annotations

import re
from collections.abc import Sequence

from heron.entities.registry import (
    ACTIVE_STAGES,
    DELETED_STAGE,
    ModelVersion,
    ModelVersionStage,
    ModelVersionStatus,
    ModelVersionTag,
)
from heron.exceptions import InvalidParameter
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.registry.sql.copies import refresh_model_aliases, refresh_version_tags
from heron.store.registry.sql.reads import (
    LIVE,
    VERSION_FROM,
    get_version,
    latest_version_rows,
    live_version_key,
    model_key,
    touch_model,
    version_not_found,
)
from heron.store.registry.sql.rows import to_version
from heron.validation import validate_key
from heron.validation_registry import (
    missing_value,
    validate_description,
    validate_model_name,
    validate_registry_tag,
    validate_version,
)

# The models:/ sources the store resolves itself (heron.models.uris, a sibling layer, has
# the full grammar; the server normalises every other registered form to these).
_LOGGED_MODEL_SOURCE = re.compile(r"^models:/(m-[0-9a-f]{32})/?$")
_VERSION_SOURCE = re.compile(r"^models:/([^/@]+)/([0-9]+)/?$")
_UPSERT_TAG = (
    "INSERT INTO model_version_tags (model_key, version, key, value) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (model_key, version, key) DO UPDATE SET value = excluded.value"
)
# What a deleted version keeps: its number, stage, times and tags (as MLflow's SQL store).
_REDACT = (
    "current_stage = ?, last_updated_timestamp = ?, description = NULL, user_id = NULL, "
    "source = 'REDACTED-SOURCE-PATH', storage_location = NULL, run_id = 'REDACTED-RUN-ID', "
    "run_link = 'REDACTED-RUN-LINK', status_message = NULL"
)


def create_model_version(
    db: Database,
    name: str,
    source: str,
    run_id: str | None,
    tags: Sequence[ModelVersionTag] | None,
    run_link: str | None,
    description: str | None,
    model_id: str | None,
    now: int,
) -> ModelVersion:
    """Add version ``max(every version ever created) + 1`` to an existing model, READY.

    With a ``model_id`` and no ``run_id``, the run is the logged model's source run. A
    ``models:/`` source is resolved to where its files are, as the download URI.
    """
    validate_model_name(name)
    if not isinstance(source, str) or not source:
        raise InvalidParameter(missing_value("source"))
    tag_rows = {
        tag.key: validate_registry_tag(tag.key, tag.value, version_tag=True) for tag in tags or ()
    }
    text = validate_description(description)
    status = ModelVersionStatus.READY.value

    def work(cursor: Cursor) -> ModelVersion:
        key = touch_model(cursor, name, now)  # locks the model: one numbering at a time
        location, source_run = _resolve(cursor, source)
        run = run_id or source_run or (_source_run_of(cursor, model_id) if model_id else None)
        cursor.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE model_key = ?", (key,)
        )
        version = int(cursor.fetchone()[0])
        cursor.execute(
            "INSERT INTO model_versions (model_key, version, creation_timestamp, "
            "last_updated_timestamp, description, current_stage, source, storage_location, "
            "run_id, run_link, status, model_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                version,
                now,
                now,
                text,
                ModelVersionStage.NONE.value,
                source,
                location,
                run,
                run_link,
                status,
                model_id,
            ),
        )
        if tag_rows:
            cursor.executemany(_UPSERT_TAG, [(key, version, k, v) for k, v in tag_rows.items()])
            refresh_version_tags(cursor, db.dialect, key, version)
        return ModelVersion(
            name=name,
            version=version,
            creation_timestamp=now,
            last_updated_timestamp=now,
            description=text,
            source=source,
            run_id=run,
            status=status,
            tags=dict(sorted(tag_rows.items())),
            run_link=run_link,
            model_id=model_id,
        )

    return db.write(work)


def _source_run_of(cursor: Cursor, model_id: str) -> str | None:
    cursor.execute("SELECT source_run_id FROM logged_models WHERE model_id = ?", (model_id,))
    row = cursor.fetchone()
    return None if row is None else row[0]


def _resolve(cursor: Cursor, source: str) -> tuple[str | None, str | None]:
    """Where a ``models:/`` source's files are, and the run that made them, if known.

    ``models:/<model_id>`` is the logged model's artifact location (when the logged model
    is in this database: a registry may live apart from tracking); ``models:/<name>/<n>``
    is that version's own download URI. Other sources are their own location (None).

    Raises:
        NotFound: ``models:/<name>/<n>`` names no live version.
    """
    logged = _LOGGED_MODEL_SOURCE.match(source)
    if logged:
        cursor.execute(
            "SELECT artifact_location, source_run_id FROM logged_models WHERE model_id = ?",
            (logged.group(1),),
        )
        row = cursor.fetchone()
        return (None, None) if row is None else (row[0], row[1])
    registered = _VERSION_SOURCE.match(source)
    if registered:
        return _download_uri(cursor, registered.group(1), int(registered.group(2))), None
    return None, None


def get_model_version(db: Database, name: str, version: object) -> ModelVersion:
    """One live version."""
    validate_model_name(name)
    number = validate_version(version)
    return db.read(lambda cursor: get_version(cursor, name, number))


def get_model_version_download_uri(db: Database, name: str, version: object) -> str:
    """Where a live version's files are: its source, or where its ``models:/`` source
    pointed when it was registered."""
    validate_model_name(name)
    number = validate_version(version)

    return db.read(lambda cursor: _download_uri(cursor, name, number))


def _download_uri(cursor: Cursor, name: str, number: int) -> str:
    """A live version's storage location, else its source; NotFound for no such version."""
    cursor.execute(
        f"SELECT COALESCE(v.storage_location, v.source) FROM {VERSION_FROM} "
        f"WHERE m.name = ? AND v.version = ? AND {LIVE}",
        (name, number),
    )
    row = cursor.fetchone()
    if row is None:
        raise version_not_found(name, number)
    return str(row[0])


def update_model_version(
    db: Database, name: str, version: object, description: str | None, now: int
) -> ModelVersion:
    """Set a live version's description."""
    validate_model_name(name)
    number = validate_version(version)
    text = validate_description(description)

    def work(cursor: Cursor) -> ModelVersion:
        key = live_version_key(cursor, name, number)
        cursor.execute(
            "UPDATE model_versions SET description = ?, last_updated_timestamp = ? "
            "WHERE model_key = ? AND version = ?",
            (text, now, key, number),
        )
        return get_version(cursor, name, number)

    return db.write(work)


def transition_model_version_stage(
    db: Database,
    name: str,
    version: object,
    stage: ModelVersionStage | str,
    archive_existing_versions: bool,
    now: int,
) -> ModelVersion:
    """Move a live version to ``stage``; optionally archive the others in that stage."""
    target = ModelVersionStage.coerce(stage)
    if archive_existing_versions and target not in ACTIVE_STAGES:
        raise InvalidParameter(
            "Model version transition cannot archive existing model versions because "
            f"'{stage}' is not an Active stage. Valid stages are "
            f"{[s.value for s in ACTIVE_STAGES]}"
        )
    validate_model_name(name)
    number = validate_version(version)

    def work(cursor: Cursor) -> ModelVersion:
        key = live_version_key(cursor, name, number)
        cursor.execute(
            "UPDATE registered_models SET last_updated_timestamp = ? WHERE model_key = ?",
            (now, key),
        )
        if archive_existing_versions:
            cursor.execute(
                "UPDATE model_versions SET current_stage = ?, last_updated_timestamp = ? "
                "WHERE model_key = ? AND version <> ? AND current_stage = ?",
                (ModelVersionStage.ARCHIVED.value, now, key, number, target.value),
            )
        cursor.execute(
            "UPDATE model_versions SET current_stage = ?, last_updated_timestamp = ? "
            "WHERE model_key = ? AND version = ?",
            (target.value, now, key, number),
        )
        return get_version(cursor, name, number)

    return db.write(work)


def delete_model_version(db: Database, name: str, version: object, now: int) -> None:
    """Hide a version for good (its number stays taken) and drop the aliases naming it."""
    validate_model_name(name)
    number = validate_version(version)

    def work(cursor: Cursor) -> None:
        key = live_version_key(cursor, name, number)
        cursor.execute(
            "UPDATE registered_models SET last_updated_timestamp = ? WHERE model_key = ?",
            (now, key),
        )
        cursor.execute(
            f"UPDATE model_versions SET {_REDACT} WHERE model_key = ? AND version = ?",
            (DELETED_STAGE, now, key, number),
        )
        cursor.execute(
            "DELETE FROM registered_model_aliases WHERE model_key = ? AND version = ?",
            (key, number),
        )
        refresh_model_aliases(cursor, db.dialect, key)

    db.write(work)


def get_latest_versions(
    db: Database, name: str, stages: Sequence[str] | None
) -> list[ModelVersion]:
    """The highest live version in each of ``stages`` (every stage when empty)."""
    validate_model_name(name)
    if isinstance(stages, str):
        stages = [stages]
    wanted = {ModelVersionStage.coerce(stage).value for stage in stages or ()}

    def work(cursor: Cursor) -> list[ModelVersion]:
        rows = latest_version_rows(cursor, db.dialect, [model_key(cursor, name)])
        return [to_version(row) for row in rows if not wanted or row[7] in wanted]

    return db.read(work)


def set_model_version_tag(db: Database, name: str, version: object, tag: ModelVersionTag) -> None:
    """Set or overwrite one tag of a live version."""
    validate_model_name(name)
    number = validate_version(version)
    value = validate_registry_tag(tag.key, tag.value, version_tag=True)

    def work(cursor: Cursor) -> None:
        key = live_version_key(cursor, name, number)
        cursor.execute(_UPSERT_TAG, (key, number, tag.key, value))
        refresh_version_tags(cursor, db.dialect, key, number)

    db.write(work)


def delete_model_version_tag(db: Database, name: str, version: object, key: str) -> None:
    """Delete one tag of a live version; a missing key is not an error."""
    validate_model_name(name)
    number = validate_version(version)
    validate_key(key, "tag")

    def work(cursor: Cursor) -> None:
        owner = live_version_key(cursor, name, number)
        cursor.execute(
            "DELETE FROM model_version_tags WHERE model_key = ? AND version = ? AND key = ?",
            (owner, number, key),
        )
        refresh_version_tags(cursor, db.dialect, owner, number)

    db.write(work)
