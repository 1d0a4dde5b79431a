"""Logged models (MLflow 3.x): models, their tags, params and metrics, run outputs, and the
model and dataset a metric point was computed for.

Revision ID: r0002_logged_models
Revises: r0001_tracking_core

Only adds tables and nullable columns, so existing rows are untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002_logged_models"
down_revision: str | None = "r0001_tracking_core"
branch_labels = None
depends_on = None

_NO_ROWID = {"sqlite_with_rowid": False}
_METRIC_CONTEXT = (
    ("model_id", sa.String(36)),
    ("dataset_name", sa.String(500)),
    ("dataset_digest", sa.String(36)),
)


def _fk(column: str, target: str, name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete="CASCADE")


def _model_fk(table: str) -> sa.ForeignKeyConstraint:
    return _fk("model_id", "logged_models.model_id", f"fk_{table}_model_id_logged_models")


def upgrade() -> None:
    """Add the metric context columns and the logged-model tables."""
    for table in ("metrics", "latest_metrics"):
        for name, column_type in _METRIC_CONTEXT:
            op.add_column(table, sa.Column(name, column_type))
    _create_logged_models()
    _create_model_data()
    op.create_table(
        "run_outputs",
        sa.Column("run_uuid", sa.String(32), nullable=False),
        sa.Column("model_id", sa.String(36), nullable=False),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("run_uuid", "model_id", name="pk_run_outputs"),
        _fk("run_uuid", "runs.run_uuid", "fk_run_outputs_run_uuid_runs"),
        _model_fk("run_outputs"),
        **_NO_ROWID,
    )


def _create_logged_models() -> None:
    op.create_table(
        "logged_models",
        sa.Column("model_id", sa.String(36), nullable=False),
        sa.Column("experiment_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("artifact_location", sa.Text, nullable=False),
        sa.Column("creation_timestamp", sa.BigInteger, nullable=False),
        sa.Column("last_updated_timestamp", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_message", sa.Text),
        sa.Column("lifecycle_stage", sa.String(32), nullable=False),
        sa.Column("model_type", sa.String(500)),
        sa.Column("source_run_id", sa.String(32)),
        sa.PrimaryKeyConstraint("model_id", name="pk_logged_models"),
        _fk(
            "experiment_id",
            "experiments.experiment_id",
            "fk_logged_models_experiment_id_experiments",
        ),
    )
    op.create_index(
        "ix_logged_models_experiment",
        "logged_models",
        ["experiment_id", "lifecycle_stage", "creation_timestamp"],
    )


def _create_model_data() -> None:
    for table in ("logged_model_tags", "logged_model_params"):
        op.create_table(
            table,
            sa.Column("model_id", sa.String(36), nullable=False),
            sa.Column("key", sa.String(250), nullable=False),
            sa.Column("value", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("model_id", "key", name=f"pk_{table}"),
            _model_fk(table),
            **_NO_ROWID,
        )
    op.create_table(
        "logged_model_metrics",
        sa.Column("model_id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Double, nullable=False),
        sa.Column("is_nan", sa.Boolean, nullable=False),
        sa.Column("run_uuid", sa.String(32), nullable=False),
        sa.Column("dataset_name", sa.String(500)),
        sa.Column("dataset_digest", sa.String(36)),
        sa.PrimaryKeyConstraint(
            "model_id",
            "key",
            "step",
            "timestamp",
            "value",
            "is_nan",
            "run_uuid",
            name="pk_logged_model_metrics",
        ),
        _model_fk("logged_model_metrics"),
        _fk("run_uuid", "runs.run_uuid", "fk_logged_model_metrics_run_uuid_runs"),
        **_NO_ROWID,
    )


def downgrade() -> None:
    """Drop the logged-model tables and the metric context columns."""
    for table in (
        "run_outputs",
        "logged_model_metrics",
        "logged_model_params",
        "logged_model_tags",
        "logged_models",
    ):
        op.drop_table(table)
    for table in ("latest_metrics", "metrics"):
        for name, _ in reversed(_METRIC_CONTEXT):
            op.drop_column(table, name)  # SQLite 3.35+ drops columns in place
