"""Spark DataFrames as datasets: ``from_spark``, ``load_delta`` and ``SparkDataset``.

As in MLflow, the digest fingerprints the DataFrame's logical plan (Spark's
``semanticHash()``, MD5-truncated), not its rows, so it is cheap on any size (and, for plans
over files or local rows, specific to one Spark session, as in MLflow); the profile is
an approximate row count (``approx_count``, computed with a 5 s budget); the schema is
MLflow's ColSpec list for the Spark schema. PySpark is imported only here, on first use.
"""

from __future__ import annotations

import json
import logging
from functools import cached_property
from typing import Any

from heron.data.dataset import Dataset, require_columns
from heron.data.digest import spark_digest
from heron.data.sources import CodeDatasetSource, DatasetSource, DeltaDatasetSource
from heron.data.spark_sources import (
    SparkDatasetSource,
    delta_latest_version,
    is_delta_table,
    is_delta_table_path,
)
from heron.exceptions import InvalidParameter

_logger = logging.getLogger(__name__)

PROFILE_TIMEOUT_MILLIS = 5000
PROFILE_CONFIDENCE = 0.9


def _spark_type(spark_type: Any, df: Any, column: str | None) -> dict[str, Any]:
    """MLflow's JSON type spec of one Spark SQL type (``{"type": ...}`` plus nesting)."""
    from pyspark.sql import types as T

    scalars: list[tuple[type, str]] = [
        (T.LongType, "long"),
        (T.IntegralType, "integer"),
        (T.FloatType, "float"),
        (T.DoubleType, "double"),
        (T.BooleanType, "boolean"),
        (T.StringType, "string"),
        (T.BinaryType, "binary"),
        (T.DateType, "datetime"),
        (T.TimestampType, "datetime"),
    ]
    for kind, name in scalars:
        if isinstance(spark_type, kind):
            return {"type": name}
    if isinstance(spark_type, T.ArrayType):
        return {"type": "array", "items": _spark_type(spark_type.elementType, None, None)}
    if isinstance(spark_type, T.StructType):
        properties = {
            f.name: {**_spark_type(f.dataType, None, None), "required": not f.nullable}
            for f in sorted(spark_type.fields, key=lambda f: f.name)
        }
        return {"type": "object", "properties": properties}
    if isinstance(spark_type, T.MapType):
        return _map_type(spark_type, df, column)
    if type(spark_type).__name__ == "VectorUDT":
        return {"type": "sparkml_vector"}
    raise InvalidParameter(f"Unsupported Spark Type '{type(spark_type)}' for MLflow schema.")


def _map_type(spark_type: Any, df: Any, column: str | None) -> dict[str, Any]:
    """A map column as an object whose properties are every key seen in the data."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if df is None or column is None or isinstance(spark_type.valueType, T.MapType):
        raise InvalidParameter(
            "Please construct spark DataFrame with schema using StructType for dictionary/map "
            "fields, MLflow schema inference only supports scalar, array and struct types."
        )
    merged = (
        df.select(F.map_keys(F.col(column)).alias("keys"))
        .agg(F.collect_list(F.col("keys")).alias("merged"))
        .head()
        .merged
    )
    value = _spark_type(spark_type.valueType, None, None)
    keys = sorted({key for keys in merged for key in keys})
    return {"type": "object", "properties": {k: {**value, "required": True} for k in keys}}


class SparkDataset(Dataset):
    """A Spark DataFrame, with optional targets and predictions columns.

    Raises:
        InvalidParameter: ``targets`` or ``predictions`` names no column.
    """

    def __init__(
        self,
        df: Any,
        source: DatasetSource,
        targets: str | None = None,
        name: str | None = None,
        digest: str | None = None,
        predictions: str | None = None,
    ):
        require_columns(df.columns, "Spark dataset", targets=targets, predictions=predictions)
        self._df = df
        self.targets = targets
        self.predictions = predictions
        super().__init__(source, name, digest)

    def _compute_digest(self) -> str:
        return spark_digest(self._df.semanticHash())

    @property
    def df(self) -> Any:
        """The Spark DataFrame."""
        return self._df

    @cached_property
    def profile(self) -> dict[str, Any] | None:
        """``{"approx_count": n}`` (``"unknown"`` if no estimate within 5 s), or None."""
        try:
            partial = self._df._jdf.rdd().countApprox(PROFILE_TIMEOUT_MILLIS, PROFILE_CONFIDENCE)
            count: int | str = int(partial.initialValue().mean())
        except Exception as error:
            _logger.warning(
                "Encountered an unexpected exception while computing Spark dataset profile. "
                "Exception: %s",
                error,
            )
            return None
        return {"approx_count": count if isinstance(count, int) and count > 0 else "unknown"}

    @cached_property
    def schema_columns(self) -> list[dict[str, Any]] | None:
        """MLflow's ColSpec list (``[{"type", "name", "required"}...]``), or None."""
        try:
            return [
                {**_spark_type(f.dataType, self._df, f.name), "name": f.name, "required": True}
                for f in self._df.schema.fields
            ]
        except Exception as error:
            _logger.warning("Failed to infer schema for Spark dataset. Exception: %s", error)
            return None

    @property
    def schema_json(self) -> str | None:
        """``{"mlflow_colspec": [...]}``, or None when the schema cannot be inferred."""
        columns = self.schema_columns
        return json.dumps({"mlflow_colspec": columns}) if columns else None

    def to_pandas(self, limit: int = 10000) -> Any:
        """The first ``limit`` rows as a pandas DataFrame (what ``evaluate`` works on)."""
        return self._df.limit(limit).toPandas()


def from_spark(
    df: Any,
    path: str | None = None,
    table_name: str | None = None,
    version: str | int | None = None,
    sql: str | None = None,
    targets: str | None = None,
    name: str | None = None,
    digest: str | None = None,
    predictions: str | None = None,
) -> SparkDataset:
    """A dataset of a Spark DataFrame, with where it came from.

    Args:
        df: The ``pyspark.sql.DataFrame``.
        path: The Parquet or Delta path it was read from (a Delta directory gives a
            ``delta_table`` source at its latest version).
        table_name: The Spark or Delta table it was read from.
        version: The Delta table version (with ``path`` or ``table_name`` of a Delta table).
        sql: The Spark SQL query that built it.
        targets: The label column, if any.
        name: The dataset's name (``dataset`` when omitted).
        digest: A digest to use instead of computing one.
        predictions: The predictions column, if any.

    Raises:
        InvalidParameter: More than one of ``path``/``table_name``/``sql``, ``version`` with
            ``sql`` or with something that is not a Delta table, or unknown columns.
    """
    if (path, table_name, sql).count(None) < 2:
        raise InvalidParameter("Must specify at most one of `path`, `table_name`, or `sql`.")
    if sql is not None and version is not None:
        raise InvalidParameter(
            "`version` may not be specified when `sql` is specified. `version` may only be "
            "specified when `table_name` or `path` is specified."
        )
    source: DatasetSource
    if sql is not None:
        source = SparkDatasetSource(sql=sql)
    elif path is not None:
        if is_delta_table_path(path):
            version = version or delta_latest_version(path=path)
            source = DeltaDatasetSource(path=path, delta_table_version=_version(version))
        elif version is None:
            source = SparkDatasetSource(path=path)
        else:
            raise InvalidParameter(
                f"Version '{version}' was specified, but the path '{path}' does not refer to a "
                "Delta table."
            )
    elif table_name is not None:
        if is_delta_table(table_name):
            version = version or delta_latest_version(table_name=table_name)
            source = DeltaDatasetSource(
                delta_table_name=table_name, delta_table_version=_version(version)
            )
        elif version is None:
            source = SparkDatasetSource(table_name=table_name)
        else:
            raise InvalidParameter(
                f"Version '{version}' was specified, but could not find a Delta table with name "
                f"'{table_name}'."
            )
    else:
        from heron.tracking.context import resolve_tags

        source = CodeDatasetSource(resolve_tags())
    return SparkDataset(df, source, targets, name, digest, predictions)


def _version(version: Any) -> int | None:
    return int(version) if version is not None else None


def load_delta(
    path: str | None = None,
    table_name: str | None = None,
    version: str | int | None = None,
    targets: str | None = None,
    name: str | None = None,
    digest: str | None = None,
) -> SparkDataset:
    """Read a Delta table (by path or name, latest version unless given) as a dataset.

    Needs the Delta Lake jars on the SparkSession (``delta-spark``). A table read by name
    is named ``<table>@v<version>`` unless ``name`` is given, as in MLflow.

    Raises:
        InvalidParameter: Not exactly one of ``path`` and ``table_name``.
    """
    if (path, table_name).count(None) != 1:
        raise InvalidParameter("Must specify exactly one of `table_name` or `path`.")
    if version is None:
        version = delta_latest_version(path=path, table_name=table_name)
    if name is None and table_name is not None:
        name = table_name + (f"@v{version}" if version is not None else "")
    source = DeltaDatasetSource(path, table_name, _version(version))
    return SparkDataset(source.load(), source, targets, name, digest)
