"""Metric blocks: write-time summaries of each series by aligned blocks of steps, which the
chart reads merge instead of scanning every point.

Revision ID: r0004_metric_blocks
Revises: r0003_registry

Adds one table and fills it from the stored points, one run at a time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from heron.store.tracking.sql.blocks import entries_of

revision = "r0004_metric_blocks"
down_revision: str | None = "r0003_registry"
branch_labels = None
depends_on = None

_COLUMNS = (
    "run_uuid",
    "key",
    "block_shift",
    "block_index",
    "points",
    "first_point",
    "last_point",
    "low_point",
    "high_point",
)


_POINT_COLUMNS = ("run_uuid", "key", "step", "timestamp", "value", "is_nan")


def upgrade() -> None:
    """Create ``metric_blocks`` and summarise every run's points into it."""
    blocks = op.create_table(
        "metric_blocks",
        sa.Column("run_uuid", sa.String(32), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("block_shift", sa.SmallInteger, nullable=False),
        sa.Column("block_index", sa.BigInteger, nullable=False),
        sa.Column("points", sa.BigInteger, nullable=False),
        sa.Column("first_point", sa.LargeBinary(64), nullable=False),
        sa.Column("last_point", sa.LargeBinary(64), nullable=False),
        sa.Column("low_point", sa.LargeBinary(64)),
        sa.Column("high_point", sa.LargeBinary(64)),
        sa.PrimaryKeyConstraint(
            "run_uuid", "key", "block_shift", "block_index", name="pk_metric_blocks"
        ),
        sa.ForeignKeyConstraint(
            ["run_uuid"],
            ["runs.run_uuid"],
            name="fk_metric_blocks_run_uuid_runs",
            ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    connection = op.get_bind()
    run_ids = [row[0] for row in connection.execute(sa.text("SELECT run_uuid FROM runs"))]
    metrics = sa.table("metrics", *(sa.column(name) for name in _POINT_COLUMNS))
    for run_id in run_ids:
        query = sa.select(*metrics.c).where(metrics.c.run_uuid == run_id)
        rows = [tuple(row) for row in connection.execute(query)]
        if rows:
            entries = [dict(zip(_COLUMNS, entry, strict=True)) for entry in entries_of(rows)]
            connection.execute(blocks.insert(), entries)


def downgrade() -> None:
    """Drop ``metric_blocks``."""
    op.drop_table("metric_blocks")
