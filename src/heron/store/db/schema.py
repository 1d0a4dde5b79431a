"""Heron's tracking schema, defined once as SQLAlchemy Core tables.

Designed for the access paths that matter (not MLflow's layout):

- Per-run rows (metrics, latest metrics, params, tags) are keyed by ``run_uuid`` first and,
  on SQLite, stored ``WITHOUT ROWID``, so a run's rows sit together and a metric history
  is one range scan in (step, timestamp) order.
- ``metrics``' primary key covers the whole point, so a retried write of the same point is
  rejected by the key instead of being stored twice.
- ``latest_metrics`` holds each run's latest value per key (max by step, timestamp,
  value), maintained in the transaction that inserts the point; searches and run reads
  never scan history.

Fresh databases are created from these tables and stamped with :data:`HEAD_REVISION`;
the alembic migrations under ``migrations/versions`` must produce the same schema (a test
compares them).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


experiments = Table(
    "experiments",
    metadata,
    Column("experiment_id", Integer, nullable=False, autoincrement=True),
    Column("name", String(500), nullable=False),
    Column("artifact_location", String(2048)),
    Column("lifecycle_stage", String(32), nullable=False),
    Column("creation_time", BigInteger),
    Column("last_update_time", BigInteger),
    PrimaryKeyConstraint("experiment_id"),
    UniqueConstraint("name"),
)

experiment_tags = Table(
    "experiment_tags",
    metadata,
    Column("experiment_id", Integer, ForeignKey("experiments.experiment_id", ondelete="CASCADE")),
    Column("key", String(250), nullable=False),
    Column("value", Text),
    PrimaryKeyConstraint("experiment_id", "key"),
    sqlite_with_rowid=False,
)

runs = Table(
    "runs",
    metadata,
    Column("run_uuid", String(32), nullable=False),
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(250)),
    Column("user_id", String(256)),
    Column("status", String(9), nullable=False),
    Column("start_time", BigInteger),
    Column("end_time", BigInteger),
    Column("lifecycle_stage", String(20), nullable=False),
    Column("deleted_time", BigInteger),
    Column("artifact_uri", Text),
    PrimaryKeyConstraint("run_uuid"),
    Index(None, "experiment_id", "lifecycle_stage", "start_time"),
    sqlite_with_rowid=False,
)


def _run_fk() -> Column[str]:
    return Column(
        "run_uuid", String(32), ForeignKey("runs.run_uuid", ondelete="CASCADE"), nullable=False
    )


metrics = Table(
    "metrics",
    metadata,
    _run_fk(),
    Column("key", String(250), nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("value", Double, nullable=False),
    Column("is_nan", Boolean, nullable=False),
    PrimaryKeyConstraint("run_uuid", "key", "step", "timestamp", "value", "is_nan"),
    sqlite_with_rowid=False,
)

latest_metrics = Table(
    "latest_metrics",
    metadata,
    _run_fk(),
    Column("key", String(250), nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("value", Double, nullable=False),
    Column("is_nan", Boolean, nullable=False),
    PrimaryKeyConstraint("run_uuid", "key"),
    sqlite_with_rowid=False,
)

params = Table(
    "params",
    metadata,
    _run_fk(),
    Column("key", String(250), nullable=False),
    Column("value", String(8000), nullable=False),
    PrimaryKeyConstraint("run_uuid", "key"),
    sqlite_with_rowid=False,
)

tags = Table(
    "tags",
    metadata,
    _run_fk(),
    Column("key", String(250), nullable=False),
    Column("value", String(8000), nullable=False),
    PrimaryKeyConstraint("run_uuid", "key"),
    sqlite_with_rowid=False,
)

datasets = Table(
    "datasets",
    metadata,
    Column("dataset_uuid", String(36), nullable=False),
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(500), nullable=False),
    Column("digest", String(36), nullable=False),
    Column("source_type", String(36), nullable=False),
    Column("source", Text, nullable=False),
    Column("schema", Text),
    Column("profile", Text),
    PrimaryKeyConstraint("dataset_uuid"),
    UniqueConstraint("experiment_id", "name", "digest"),
)

# An edge "source was input to destination": (DATASET, dataset_uuid) -> (RUN, run_uuid).
# Keyed by destination first: a run's inputs are one range scan.
inputs = Table(
    "inputs",
    metadata,
    Column("destination_type", String(36), nullable=False),
    Column("destination_id", String(36), nullable=False),
    Column("source_type", String(36), nullable=False),
    Column("source_id", String(36), nullable=False),
    Column("input_uuid", String(36), nullable=False),
    PrimaryKeyConstraint("destination_type", "destination_id", "source_type", "source_id"),
    UniqueConstraint("input_uuid"),
    sqlite_with_rowid=False,
)

input_tags = Table(
    "input_tags",
    metadata,
    Column("input_uuid", String(36), ForeignKey("inputs.input_uuid", ondelete="CASCADE")),
    Column("name", String(255), nullable=False),
    Column("value", String(500), nullable=False),
    PrimaryKeyConstraint("input_uuid", "name"),
    sqlite_with_rowid=False,
)
