"""JSON copies of tags and aliases, kept on the rows they belong to.

``registered_models.tags_json`` and ``aliases_json`` and ``model_versions.tags_json`` hold
what the tag and alias tables say about that model or version, as one JSON object (NULL
when there is none), so reading a page of models or versions reads no other table (the
tables stay the truth: searches filter on them). Every write to a tag or alias table calls
the matching refresh here in the same transaction, which rebuilds the copy from the table.
"""

from __future__ import annotations

from functools import lru_cache

from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor


@lru_cache(maxsize=8)
def _model_tags(dialect: Dialect) -> str:
    tags = dialect.json_object_agg("t.key", "t.value")
    return (
        f"UPDATE registered_models SET tags_json = (SELECT {tags} FROM registered_model_tags t "
        "WHERE t.model_key = registered_models.model_key) WHERE model_key = ?"
    )


@lru_cache(maxsize=8)
def _model_aliases(dialect: Dialect) -> str:
    aliases = dialect.json_object_agg("a.alias", "a.version")
    return (
        f"UPDATE registered_models SET aliases_json = (SELECT {aliases} FROM "
        "registered_model_aliases a WHERE a.model_key = registered_models.model_key) "
        "WHERE model_key = ?"
    )


@lru_cache(maxsize=8)
def _version_tags(dialect: Dialect) -> str:
    tags = dialect.json_object_agg("t.key", "t.value")
    return (
        f"UPDATE model_versions SET tags_json = (SELECT {tags} FROM model_version_tags t "
        "WHERE t.model_key = model_versions.model_key AND t.version = model_versions.version) "
        "WHERE model_key = ? AND version = ?"
    )


def refresh_model_tags(cursor: Cursor, dialect: Dialect, model_key: int) -> None:
    """Rebuild a registered model's copy of its tags."""
    cursor.execute(_model_tags(dialect), (model_key,))


def refresh_model_aliases(cursor: Cursor, dialect: Dialect, model_key: int) -> None:
    """Rebuild a registered model's copy of its aliases (``{alias: version}``)."""
    cursor.execute(_model_aliases(dialect), (model_key,))


def refresh_version_tags(cursor: Cursor, dialect: Dialect, model_key: int, version: int) -> None:
    """Rebuild a model version's copy of its tags."""
    cursor.execute(_version_tags(dialect), (model_key, version))
