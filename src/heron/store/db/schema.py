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
- Logged models (MLflow 3.x, revision r0002) keep their tags, params and metric points in
  tables keyed by ``model_id`` first; a metric point logged to a run with a ``model_id`` is
  stored in ``metrics`` (with the id) and in ``logged_model_metrics``. ``run_outputs`` links
  a run to the models it logged.
- The model registry (r0003) keys every per-model table by the registered model's surrogate
  ``model_key``; a rename updates one row. Model versions are keyed (model, version), so a
  version and "the next number" are one index probe; aliases and tags hang off the same keys.
  Models and versions keep JSON copies of their tags (and a model of its aliases), rewritten
  in the transaction that changes those rows, so reading a page of them reads no other
  table; searches filter on the tag tables through a (key, value) index (SQLite).

Fresh databases are created from these tables and stamped with :data:`HEAD_REVISION`;
the alembic migrations under ``migrations/versions`` must produce the same schema (a test
compares them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.compiler import compiles


@compiles(Text, "mysql")
def _mysql_text(type_: Text, compiler: Any, **kwargs: Any) -> str:
    """MySQL's TEXT holds 64 KB; MEDIUMTEXT holds what the other databases' TEXT does."""
    return "MEDIUMTEXT"


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


def _metric_context() -> list[Column[str]]:
    """What a metric point was computed for (r0002): a logged model, a dataset."""
    return [
        Column("model_id", String(36)),
        Column("dataset_name", String(500)),
        Column("dataset_digest", String(36)),
    ]


metrics = Table(
    "metrics",
    metadata,
    _run_fk(),
    Column("key", String(250), nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("value", Double, nullable=False),
    Column("is_nan", Boolean, nullable=False),
    *_metric_context(),
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
    *_metric_context(),
    PrimaryKeyConstraint("run_uuid", "key"),
    sqlite_with_rowid=False,
)

# Write-time summaries of each series by aligned blocks of steps (r0004): block
# ``block_index`` of shift ``s`` holds the points with ``step >> s == block_index``, as their
# count and four points encoded so that MIN/MAX of the bytes picks them (see
# heron.store.tracking.sql.blocks). Chart reads merge blocks instead of scanning points.
metric_blocks = Table(
    "metric_blocks",
    metadata,
    _run_fk(),
    Column("key", String(250), nullable=False),
    Column("block_shift", SmallInteger, nullable=False),
    Column("block_index", BigInteger, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("first_point", LargeBinary(64), nullable=False),
    Column("last_point", LargeBinary(64), nullable=False),
    Column("low_point", LargeBinary(64)),
    Column("high_point", LargeBinary(64)),
    PrimaryKeyConstraint("run_uuid", "key", "block_shift", "block_index"),
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

logged_models = Table(
    "logged_models",
    metadata,
    Column("model_id", String(36), nullable=False),
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(500), nullable=False),
    Column("artifact_location", Text, nullable=False),
    Column("creation_timestamp", BigInteger, nullable=False),
    Column("last_updated_timestamp", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("status_message", Text),
    Column("lifecycle_stage", String(32), nullable=False),
    Column("model_type", String(500)),
    Column("source_run_id", String(32)),
    PrimaryKeyConstraint("model_id"),
    Index("ix_logged_models_experiment", "experiment_id", "lifecycle_stage", "creation_timestamp"),
)


def _model_fk() -> Column[str]:
    return Column(
        "model_id",
        String(36),
        ForeignKey("logged_models.model_id", ondelete="CASCADE"),
        nullable=False,
    )


logged_model_tags = Table(
    "logged_model_tags",
    metadata,
    _model_fk(),
    Column("key", String(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("model_id", "key"),
    sqlite_with_rowid=False,
)

logged_model_params = Table(
    "logged_model_params",
    metadata,
    _model_fk(),
    Column("key", String(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("model_id", "key"),
    sqlite_with_rowid=False,
)

# Every point logged with a model_id, like ``metrics`` but keyed by model first; the run
# that logged it is part of the point.
logged_model_metrics = Table(
    "logged_model_metrics",
    metadata,
    _model_fk(),
    Column("key", String(250), nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("value", Double, nullable=False),
    Column("is_nan", Boolean, nullable=False),
    _run_fk(),
    Column("dataset_name", String(500)),
    Column("dataset_digest", String(36)),
    PrimaryKeyConstraint("model_id", "key", "step", "timestamp", "value", "is_nan", "run_uuid"),
    sqlite_with_rowid=False,
)

run_outputs = Table(
    "run_outputs",
    metadata,
    _run_fk(),
    _model_fk(),
    Column("step", BigInteger, nullable=False),
    PrimaryKeyConstraint("run_uuid", "model_id"),
    sqlite_with_rowid=False,
)

# -- model registry (r0003) ------------------------------------------------------------------
# A registered model's rows elsewhere are keyed by its surrogate ``model_key``, not its name:
# renaming is one UPDATE of ``registered_models`` (no child rows to carry along, no reliance
# on ON UPDATE CASCADE), and every per-model table clusters a model's rows together.

registered_models = Table(
    "registered_models",
    metadata,
    Column("model_key", Integer, nullable=False, autoincrement=True),
    Column("name", String(256), nullable=False),
    Column("creation_timestamp", BigInteger, nullable=False),
    Column("last_updated_timestamp", BigInteger, nullable=False),
    Column("description", Text),
    Column("user_id", String(256)),
    Column("tags_json", Text),  # copies of the tag and alias rows (registry/sql/copies.py)
    Column("aliases_json", Text),
    PrimaryKeyConstraint("model_key"),
    UniqueConstraint("name"),
)


def _registered_model_fk() -> Column[int]:
    return Column(
        "model_key",
        Integer,
        ForeignKey("registered_models.model_key", ondelete="CASCADE"),
        nullable=False,
    )


def _tag_search_index() -> Index:
    """(key, value), for registry searches' tag semi-joins. SQLite only (``info`` read by
    ``bootstrap.schema_ddl``): a PostgreSQL btree cannot hold values past ~2.7 kB, and
    tag values go to 100,000 characters."""
    return Index(None, "key", "value", info={"dialects": ("sqlite",)})


registered_model_tags = Table(
    "registered_model_tags",
    metadata,
    _registered_model_fk(),
    Column("key", String(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("model_key", "key"),
    _tag_search_index(),
    sqlite_with_rowid=False,
)

# Deleted versions stay (stage "Deleted_Internal") so their numbers are never reused.
model_versions = Table(
    "model_versions",
    metadata,
    _registered_model_fk(),
    Column("version", Integer, nullable=False),
    Column("creation_timestamp", BigInteger, nullable=False),
    Column("last_updated_timestamp", BigInteger, nullable=False),
    Column("description", Text),
    Column("user_id", String(256)),
    Column("current_stage", String(20), nullable=False),
    Column("source", Text),
    Column("storage_location", Text),  # where a models:/ source's files are, resolved
    Column("run_id", String(256)),
    Column("run_link", Text),
    Column("status", String(20), nullable=False),
    Column("status_message", Text),
    Column("model_id", String(36)),
    Column("tags_json", Text),  # a copy of the version's tag rows (registry/sql/copies.py)
    PrimaryKeyConstraint("model_key", "version"),
    Index(None, "run_id"),
    Index(None, "model_key", "current_stage", "version"),  # latest version per stage
    sqlite_with_rowid=False,
)

model_version_tags = Table(
    "model_version_tags",
    metadata,
    Column("model_key", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("key", String(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("model_key", "version", "key"),
    _tag_search_index(),
    ForeignKeyConstraint(
        ["model_key", "version"],
        ["model_versions.model_key", "model_versions.version"],
        ondelete="CASCADE",
    ),
    sqlite_with_rowid=False,
)

registered_model_aliases = Table(
    "registered_model_aliases",
    metadata,
    _registered_model_fk(),
    Column("alias", String(256), nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("model_key", "alias"),
    sqlite_with_rowid=False,
)
