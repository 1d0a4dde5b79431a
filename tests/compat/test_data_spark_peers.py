"""heron.data.from_spark gives MLflow 3.17.2's SparkDataset fields: name, source, schema,
profile, and the digest algorithm (MLflow runs with this venv's PySpark on its path)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from processes import run_script

import heron.data
from fixtures.spark import local_spark
from heron.data.digest import spark_digest

pytestmark = [pytest.mark.compat, pytest.mark.slow]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    with local_spark("heron-spark-dataset-compat") as session:
        yield session


def _pyspark_path(tmp_path: Path) -> str:
    """A directory holding only this venv's pyspark and py4j, for MLflow's PYTHONPATH."""
    import py4j
    import pyspark

    shim = tmp_path / "pyspark-only"
    shim.mkdir()
    for module in (pyspark, py4j):
        package = Path(module.__file__ or "").parent
        (shim / package.name).symlink_to(package)
    return str(shim)


def test_spark_dataset_equals_mlflow(spark: Any, tmp_path: Path, mlflow_venv: Path) -> None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if not list(mlflow_venv.parent.parent.glob(f"lib/{version}")):
        pytest.skip(f"MLflow's venv is not {version}: it cannot share this venv's PySpark")
    path = str(tmp_path / "rows.parquet")
    spark.createDataFrame(
        [(float(i), i % 2, f"s{i}", [float(i)], {"k": i}) for i in range(6)],
        "x double, y long, s string, arr array<double>, m map<string,int>",
    ).write.parquet(path)
    theirs = run_script(
        mlflow_venv, "mlflow_spark_dataset.py", path, PYTHONPATH=_pyspark_path(tmp_path)
    )
    # Spark's semantic hash of a plan over files or local rows differs between sessions, so
    # the digest algorithm is compared on MLflow's own hashes; a literal plan matches whole.
    for semantic_hash, digest in theirs["pairs"]:
        assert spark_digest(semantic_hash) == digest
    ours = heron.data.from_spark(spark.read.parquet(path), path=path, targets="y", name="rows")
    # MLflow counts rows with a 5-second budget ("unknown" past it, as on a busy machine).
    assert json.loads(theirs["path"]["profile"])["approx_count"] in (6, "unknown")
    assert json.loads(ours.to_dict()["profile"] or "") == {"approx_count": 6}
    timeless = {"digest": ours.digest, "profile": ours.to_dict()["profile"]}
    assert ours.to_dict() == {**theirs["path"], **timeless}
    assert theirs["path"]["digest"] == spark_digest(theirs["path_hash"])
    literal = heron.data.from_spark(
        spark.sql("SELECT 1 AS one, 'a' AS s, 2.5D AS d"), sql="SELECT 1"
    )
    assert json.loads(theirs["sql"]["profile"])["approx_count"] in (1, "unknown")
    assert literal.to_dict() == {**theirs["sql"], "profile": literal.to_dict()["profile"]}
