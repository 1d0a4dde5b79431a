"""``heron.pyfunc.spark_udf`` on a real local PySpark session (one JVM for the module):
scalar, array and struct results, columns from the signature, params, and a model scored
in its own uv environment."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import heron.pyfunc
from heron.models import infer_signature

pyspark = pytest.importorskip("pyspark", reason="pip install pyspark (the spark extra)")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
]


class Scores(heron.pyfunc.PythonModel):
    """``total = a + b``, ``label = "big"|"small"``, and ``both = [a, b]``."""

    def predict(self, context: Any, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        import pandas as pd

        factor = (params or {}).get("factor", 1.0)
        total = (model_input["a"] + model_input["b"]) * factor
        return pd.DataFrame(
            {
                "total": total,
                "label": ["big" if t > 5 else "small" for t in total],
                "both": [[a, b] for a, b in zip(model_input["a"], model_input["b"], strict=True)],
            }
        )


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("No Java runtime (tests/system-deps.sh installs openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    saved = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this venv's Python
    session = (
        SparkSession.builder.master("local[1]")
        .appName("heron-spark-udf-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    yield session
    session.stop()
    if saved is None:
        os.environ.pop("PYSPARK_PYTHON", None)
    else:
        os.environ["PYSPARK_PYTHON"] = saved


@pytest.fixture(scope="module")
def model_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    import pandas as pd

    frame = pd.DataFrame({"a": [1.0, 5.0], "b": [2.0, 3.0]})
    path = tmp_path_factory.mktemp("spark") / "model"
    signature = infer_signature(frame, Scores().predict(None, frame), params={"factor": 1.0})
    heron.pyfunc.save_model(path, python_model=Scores(), signature=signature)
    return str(path)


@pytest.fixture(scope="module")
def frame(spark: Any) -> Any:
    return spark.createDataFrame([(1.0, 2.0), (5.0, 3.0), (0.5, 0.5)], ["a", "b"])


def test_scalar_result_with_columns_from_the_signature(
    spark: Any, model_uri: str, frame: Any
) -> None:
    udf = heron.pyfunc.spark_udf(spark, model_uri, result_type="double")
    rows = frame.withColumn("prediction", udf()).collect()
    assert [row.prediction for row in rows] == [3.0, 8.0, 1.0]


def test_string_result_from_named_columns(spark: Any, model_uri: str, frame: Any) -> None:
    from pyspark.sql.functions import struct

    udf = heron.pyfunc.spark_udf(spark, model_uri, result_type="label string")
    rows = frame.withColumn("p", udf(struct("a", "b"))).collect()
    assert [row.p.label for row in rows] == ["small", "big", "small"]


def test_struct_and_array_results(spark: Any, model_uri: str, frame: Any) -> None:
    udf = heron.pyfunc.spark_udf(
        spark, model_uri, result_type="total double, both array<double>", params={"factor": 2.0}
    )
    rows = frame.withColumn("p", udf("a", "b")).collect()
    assert [row.p.total for row in rows] == [6.0, 16.0, 2.0]
    assert [row.p.both for row in rows] == [[1.0, 2.0], [5.0, 3.0], [0.5, 0.5]]


def test_result_type_defaults_from_the_output_signature(spark: Any, model_uri: str) -> None:
    from pyspark.sql.types import StructType

    udf = heron.pyfunc.spark_udf(spark, model_uri)
    frame = spark.createDataFrame([(1.0, 1.0)], ["a", "b"])
    result = frame.select(udf().alias("p"))
    assert isinstance(result.schema["p"].dataType, StructType)
    assert result.collect()[0].p.total == 2.0


def test_bad_result_type_is_a_clear_error(spark: Any, model_uri: str) -> None:
    with pytest.raises(heron.exceptions.InvalidParameter, match="Invalid result_type"):
        heron.pyfunc.spark_udf(spark, model_uri, result_type="no such type!")


def test_udf_in_the_models_uv_environment(
    spark: Any, model_uri: str, frame: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if (
        shutil.which("uv") is None
        and not Path(heron.__file__).parents[2].joinpath(".venv/bin/uv").exists()
    ):
        pytest.skip("uv is not installed")
    monkeypatch.setenv("HERON_ENV_ROOT", str(tmp_path / "envs"))
    udf = heron.pyfunc.spark_udf(spark, model_uri, result_type="double", env_manager="uv")
    rows = frame.withColumn("prediction", udf("a", "b")).collect()
    assert [row.prediction for row in rows] == [3.0, 8.0, 1.0]
