"""The model registry: registered models, their tags, versions, version tags and aliases.

Revision ID: r0003_registry
Revises: r0002_logged_models

Only adds tables, so existing rows are untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0003_registry"
down_revision: str | None = "r0002_logged_models"
branch_labels = None
depends_on = None

_NO_ROWID = {"sqlite_with_rowid": False}


def _model_key() -> sa.Column[int]:
    return sa.Column("model_key", sa.Integer, nullable=False)


def _model_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["model_key"],
        ["registered_models.model_key"],
        name=f"fk_{table}_model_key_registered_models",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create the registry tables."""
    op.create_table(
        "registered_models",
        sa.Column("model_key", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("creation_timestamp", sa.BigInteger, nullable=False),
        sa.Column("last_updated_timestamp", sa.BigInteger, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("user_id", sa.String(256)),
        sa.Column("tags_json", sa.Text),
        sa.Column("aliases_json", sa.Text),
        sa.PrimaryKeyConstraint("model_key", name="pk_registered_models"),
        sa.UniqueConstraint("name", name="uq_registered_models_name"),
    )
    op.create_table(
        "registered_model_tags",
        _model_key(),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("model_key", "key", name="pk_registered_model_tags"),
        _model_fk("registered_model_tags"),
        **_NO_ROWID,
    )
    _create_tag_index("registered_model_tags")
    _create_model_versions()
    op.create_table(
        "registered_model_aliases",
        _model_key(),
        sa.Column("alias", sa.String(256), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("model_key", "alias", name="pk_registered_model_aliases"),
        _model_fk("registered_model_aliases"),
        **_NO_ROWID,
    )


def _create_model_versions() -> None:
    op.create_table(
        "model_versions",
        _model_key(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("creation_timestamp", sa.BigInteger, nullable=False),
        sa.Column("last_updated_timestamp", sa.BigInteger, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("user_id", sa.String(256)),
        sa.Column("current_stage", sa.String(20), nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("storage_location", sa.Text),
        sa.Column("run_id", sa.String(256)),
        sa.Column("run_link", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_message", sa.Text),
        sa.Column("model_id", sa.String(36)),
        sa.Column("tags_json", sa.Text),
        sa.PrimaryKeyConstraint("model_key", "version", name="pk_model_versions"),
        _model_fk("model_versions"),
        **_NO_ROWID,
    )
    op.create_index("ix_model_versions_run_id", "model_versions", ["run_id"])
    op.create_index(
        "ix_model_versions_model_key_current_stage_version",
        "model_versions",
        ["model_key", "current_stage", "version"],
    )
    op.create_table(
        "model_version_tags",
        _model_key(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("model_key", "version", "key", name="pk_model_version_tags"),
        sa.ForeignKeyConstraint(
            ["model_key", "version"],
            ["model_versions.model_key", "model_versions.version"],
            name="fk_model_version_tags_model_key_model_versions",
            ondelete="CASCADE",
        ),
        **_NO_ROWID,
    )
    _create_tag_index("model_version_tags")


def _create_tag_index(table: str) -> None:
    """(key, value), for searches' tag semi-joins; SQLite only (a PostgreSQL btree cannot
    hold the longest tag values)."""
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(f"ix_{table}_key_value", table, ["key", "value"])


def downgrade() -> None:
    """Drop the registry tables."""
    for table in (
        "registered_model_aliases",
        "model_version_tags",
        "model_versions",
        "registered_model_tags",
        "registered_models",
    ):
        op.drop_table(table)
