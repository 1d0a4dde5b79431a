"""Where a Spark DataFrame came from: a path, a table or a SQL query, or a Delta table.

``SparkDatasetSource`` stores ``{"path"|"table_name"|"sql": ...}`` with source type ``spark``,
as MLflow does; ``load()`` reads it back with the active SparkSession. Delta tables use
:class:`heron.data.sources.DeltaDatasetSource`. The Delta helpers here answer "is this a Delta
table, and at which version" the way MLflow does, and never raise.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from heron.data.sources import DatasetSource
from heron.exceptions import InvalidParameter

_logger = logging.getLogger(__name__)


def active_spark() -> Any:
    """The active SparkSession (``getOrCreate``)."""
    from pyspark.sql import SparkSession

    return SparkSession.builder.getOrCreate()


def backtick_name(table_name: str) -> str:
    """``a.b`` as ``\\`a\\`.\\`b\\``` (backticks inside a part are doubled)."""
    return ".".join("`" + part.replace("`", "``") + "`" for part in table_name.split("."))


class SparkDatasetSource(DatasetSource):
    """A Spark table, a Parquet path, or a Spark SQL query; exactly one of them.

    Raises:
        InvalidParameter: Not exactly one of ``path``, ``table_name``, ``sql``.
    """

    source_type = "spark"

    def __init__(
        self, path: str | None = None, table_name: str | None = None, sql: str | None = None
    ):
        if (path, table_name, sql).count(None) != 2:
            raise InvalidParameter('Must specify exactly one of "path", "table_name", or "sql"')
        self.path = path
        self.table_name = table_name
        self.sql = sql

    def to_dict(self) -> dict[str, Any]:
        """``{"path": ...}``, ``{"table_name": ...}`` or ``{"sql": ...}``."""
        if self.path is not None:
            return {"path": self.path}
        if self.table_name is not None:
            return {"table_name": self.table_name}
        return {"sql": self.sql}

    def load(self, dst_path: str | None = None) -> Any:
        """The data as a ``pyspark.sql.DataFrame`` (Parquet path, table, or query result)."""
        spark = active_spark()
        if self.path is not None:
            return spark.read.parquet(self.path)
        if self.table_name is not None:
            return spark.read.table(self.table_name)
        return spark.sql(self.sql)


def load_delta_source(path: str | None, table_name: str | None, version: Any) -> Any:
    """A Delta table (by path or name, at ``version`` when given) as a Spark DataFrame."""
    reader = active_spark().read.format("delta")
    if version is not None:
        reader = reader.option("versionAsOf", version)
    if path:
        return reader.load(path)
    return reader.table(backtick_name(str(table_name)))


def is_delta_table_path(path: str) -> bool:
    """Whether ``path`` is a local directory holding a ``_delta_log``."""
    try:
        return os.path.isdir(path) and "_delta_log" in os.listdir(path)
    except OSError:
        return False


def is_delta_table(table_name: str) -> bool:
    """Whether a table of that name exists and is a Delta table."""
    try:
        detail = active_spark().sql(f"DESCRIBE DETAIL {backtick_name(table_name)}")
        return bool(detail.filter("format = 'delta'").count())
    except Exception:
        return False


def delta_latest_version(path: str | None = None, table_name: str | None = None) -> int | None:
    """The latest version of a Delta table, or None (a warning) when Delta cannot tell."""
    try:
        spark = active_spark()
        tables = spark._jvm.io.delta.tables.DeltaTable
        table = (
            tables.forPath(spark._jsparkSession, path)
            if path is not None
            else tables.forName(spark._jsparkSession, backtick_name(str(table_name)))
        )
        row = table.history(1).head()
        return int(row.get(row.fieldIndex("version")))
    except Exception as error:
        _logger.warning(
            "Failed to obtain version information for Delta table %r. Version information may "
            "not be included in the dataset source. Exception: %s",
            path if path is not None else table_name,
            error,
        )
        return None
