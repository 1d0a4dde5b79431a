"""Run by the real mlflow (PySpark on its path): from_spark on a Parquet file Heron wrote.

Usage: python mlflow_spark_dataset.py <parquet path>

Prints one JSON line: ``{"path": to_dict() of from_spark(df, path=...), "path_hash": that
frame's semanticHash(), "sql": to_dict() of a literal SQL frame (a session-independent plan),
"pairs": [[semanticHash, digest], ...]}``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import mlflow.data  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402


def main() -> None:
    path = sys.argv[1]
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    frame = spark.read.parquet(path)
    literal = spark.sql("SELECT 1 AS one, 'a' AS s, 2.5D AS d")
    pairs = []
    for other in (frame, frame.filter("x > 2"), spark.range(7), literal):
        pairs.append([other.semanticHash(), mlflow.data.from_spark(other).digest])
    out = {
        "path": mlflow.data.from_spark(frame, path=path, targets="y", name="rows").to_dict(),
        "path_hash": frame.semanticHash(),
        "sql": mlflow.data.from_spark(literal, sql="SELECT 1").to_dict(),
        "pairs": pairs,
    }
    spark.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
