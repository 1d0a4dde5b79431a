"""Tracking core: experiments, runs, metrics, params, tags, datasets and inputs.

Revision ID: r0001_tracking_core
Revises: (none)

A frozen copy of the tables as first shipped; later revisions alter them. A fresh
database is created from ``schema.py`` instead, and a test checks that both give the
same schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001_tracking_core"
down_revision: str | None = None
branch_labels = None
depends_on = None

_NO_ROWID = {"sqlite_with_rowid": False}


def _fk(column: str, target: str, name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete="CASCADE")


def upgrade() -> None:
    """Create every table of the first schema."""
    _create_experiments()
    _create_runs()
    _create_run_data()
    _create_inputs()


def _create_experiments() -> None:
    op.create_table(
        "experiments",
        sa.Column("experiment_id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("artifact_location", sa.String(2048)),
        sa.Column("lifecycle_stage", sa.String(32), nullable=False),
        sa.Column("creation_time", sa.BigInteger),
        sa.Column("last_update_time", sa.BigInteger),
        sa.PrimaryKeyConstraint("experiment_id", name="pk_experiments"),
        sa.UniqueConstraint("name", name="uq_experiments_name"),
    )
    op.create_table(
        "experiment_tags",
        sa.Column("experiment_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Text),
        sa.PrimaryKeyConstraint("experiment_id", "key", name="pk_experiment_tags"),
        _fk(
            "experiment_id",
            "experiments.experiment_id",
            "fk_experiment_tags_experiment_id_experiments",
        ),
        **_NO_ROWID,
    )


def _create_runs() -> None:
    op.create_table(
        "runs",
        sa.Column("run_uuid", sa.String(32), nullable=False),
        sa.Column("experiment_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(250)),
        sa.Column("user_id", sa.String(256)),
        sa.Column("status", sa.String(9), nullable=False),
        sa.Column("start_time", sa.BigInteger),
        sa.Column("end_time", sa.BigInteger),
        sa.Column("lifecycle_stage", sa.String(20), nullable=False),
        sa.Column("deleted_time", sa.BigInteger),
        sa.Column("artifact_uri", sa.Text),
        sa.PrimaryKeyConstraint("run_uuid", name="pk_runs"),
        _fk("experiment_id", "experiments.experiment_id", "fk_runs_experiment_id_experiments"),
        **_NO_ROWID,
    )
    op.create_index(
        "ix_runs_experiment_id_lifecycle_stage_start_time",
        "runs",
        ["experiment_id", "lifecycle_stage", "start_time"],
    )


def _point_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("run_uuid", sa.String(32), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Double, nullable=False),
        sa.Column("is_nan", sa.Boolean, nullable=False),
    ]


def _create_run_data() -> None:
    op.create_table(
        "metrics",
        *_point_columns(),
        sa.PrimaryKeyConstraint(
            "run_uuid", "key", "step", "timestamp", "value", "is_nan", name="pk_metrics"
        ),
        _fk("run_uuid", "runs.run_uuid", "fk_metrics_run_uuid_runs"),
        **_NO_ROWID,
    )
    op.create_table(
        "latest_metrics",
        *_point_columns(),
        sa.PrimaryKeyConstraint("run_uuid", "key", name="pk_latest_metrics"),
        _fk("run_uuid", "runs.run_uuid", "fk_latest_metrics_run_uuid_runs"),
        **_NO_ROWID,
    )
    for table in ("params", "tags"):
        op.create_table(
            table,
            sa.Column("run_uuid", sa.String(32), nullable=False),
            sa.Column("key", sa.String(250), nullable=False),
            sa.Column("value", sa.String(8000), nullable=False),
            sa.PrimaryKeyConstraint("run_uuid", "key", name=f"pk_{table}"),
            _fk("run_uuid", "runs.run_uuid", f"fk_{table}_run_uuid_runs"),
            **_NO_ROWID,
        )


def _create_inputs() -> None:
    op.create_table(
        "datasets",
        sa.Column("dataset_uuid", sa.String(36), nullable=False),
        sa.Column("experiment_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("digest", sa.String(36), nullable=False),
        sa.Column("source_type", sa.String(36), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("schema", sa.Text),
        sa.Column("profile", sa.Text),
        sa.PrimaryKeyConstraint("dataset_uuid", name="pk_datasets"),
        sa.UniqueConstraint(
            "experiment_id", "name", "digest", name="uq_datasets_experiment_id_name_digest"
        ),
        _fk("experiment_id", "experiments.experiment_id", "fk_datasets_experiment_id_experiments"),
    )
    op.create_table(
        "inputs",
        sa.Column("destination_type", sa.String(36), nullable=False),
        sa.Column("destination_id", sa.String(36), nullable=False),
        sa.Column("source_type", sa.String(36), nullable=False),
        sa.Column("source_id", sa.String(36), nullable=False),
        sa.Column("input_uuid", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint(
            "destination_type", "destination_id", "source_type", "source_id", name="pk_inputs"
        ),
        sa.UniqueConstraint("input_uuid", name="uq_inputs_input_uuid"),
        **_NO_ROWID,
    )
    op.create_table(
        "input_tags",
        sa.Column("input_uuid", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("input_uuid", "name", name="pk_input_tags"),
        _fk("input_uuid", "inputs.input_uuid", "fk_input_tags_input_uuid_inputs"),
        **_NO_ROWID,
    )


def downgrade() -> None:
    """Drop every table (the first revision has nothing to go back to)."""
    for table in (
        "input_tags",
        "inputs",
        "datasets",
        "tags",
        "params",
        "latest_metrics",
        "metrics",
        "runs",
        "experiment_tags",
        "experiments",
    ):
        op.drop_table(table)
