"""heron.data.from_spark on a real local SparkSession (one JVM for the module): sources,
digest, schema, profile, logging and reloading, argument errors, evaluate on Spark data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import heron.data
from fixtures.spark import local_spark
from heron.data.digest import spark_digest
from heron.exceptions import InvalidParameter

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    with local_spark("heron-data-spark-test") as session:
        yield session


@pytest.fixture(scope="module")
def parquet(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("spark") / "rows.parquet")
    spark.createDataFrame(
        [(float(i), i % 2, f"s{i}", [float(i)], {"k": i}) for i in range(6)],
        "x double, y long, s string, arr array<double>, m map<string,int>",
    ).write.parquet(path)
    spark.read.parquet(path).createOrReplaceTempView("rows")
    return path


def test_path_source_schema_profile_and_digest(spark: Any, parquet: str) -> None:
    frame = spark.read.parquet(parquet)
    dataset = heron.data.from_spark(frame, path=parquet, targets="y", name="rows")
    fields = dataset.to_dict()
    assert (fields["name"], fields["source_type"]) == ("rows", "spark")
    assert json.loads(fields["source"] or "") == {"path": parquet}
    assert json.loads(fields["profile"] or "") == {"approx_count": 6}
    colspec = json.loads(fields["schema"] or "")["mlflow_colspec"]
    assert colspec == [
        {"type": "double", "name": "x", "required": True},
        {"type": "long", "name": "y", "required": True},
        {"type": "string", "name": "s", "required": True},
        {"type": "array", "items": {"type": "double"}, "name": "arr", "required": True},
        {
            "type": "object",
            "properties": {"k": {"type": "integer", "required": True}},
            "name": "m",
            "required": True,
        },
    ]
    # MLflow's digest: the plan's semantic hash, so the same plan gives the same digest
    # and another plan another one, without reading the rows.
    assert dataset.digest == spark_digest(frame.semanticHash())
    assert heron.data.from_spark(spark.read.parquet(parquet)).digest == dataset.digest
    assert heron.data.from_spark(frame.filter("x > 2")).digest != dataset.digest
    assert dataset.targets == "y"


def test_table_sql_and_code_sources(spark: Any, parquet: str) -> None:
    frame = spark.table("rows")
    table = heron.data.from_spark(frame, table_name="rows")
    assert (table.source.source_type, table.source.to_dict()) == ("spark", {"table_name": "rows"})
    query = heron.data.from_spark(frame, sql="SELECT * FROM rows WHERE y = 1")
    assert query.source.to_dict() == {"sql": "SELECT * FROM rows WHERE y = 1"}
    code = heron.data.from_spark(frame)
    assert code.source.source_type == "code"
    assert "mlflow.source.name" in code.source.to_dict()["tags"]


def test_bad_arguments_are_refused(spark: Any, parquet: str) -> None:
    frame = spark.read.parquet(parquet)
    with pytest.raises(InvalidParameter, match="at most one of"):
        heron.data.from_spark(frame, path=parquet, sql="SELECT 1")
    with pytest.raises(InvalidParameter, match="`version` may not be specified"):
        heron.data.from_spark(frame, sql="SELECT 1", version=3)
    with pytest.raises(InvalidParameter, match="does not refer to a Delta table"):
        heron.data.from_spark(frame, path=parquet, version=1)
    with pytest.raises(InvalidParameter, match="could not find a Delta table"):
        heron.data.from_spark(frame, table_name="rows", version=1)
    with pytest.raises(InvalidParameter, match="targets column 'nope'"):
        heron.data.from_spark(frame, targets="nope")
    with pytest.raises(InvalidParameter, match="exactly one of"):
        heron.data.load_delta()


def test_logged_spark_sources_load_back(fluent: ModuleType, spark: Any, parquet: str) -> None:
    frame = spark.read.parquet(parquet)
    with fluent.start_run() as run:
        fluent.log_input(heron.data.from_spark(frame, path=parquet, name="p"), context="train")
        fluent.log_input(heron.data.from_spark(frame, table_name="rows", name="t"), context="t")
        query = heron.data.from_spark(frame, sql="SELECT x FROM rows WHERE y = 1", name="q")
        fluent.log_input(query, context="eval")
    inputs = {i.dataset.name: i for i in fluent.get_run(run.info.run_id).inputs.dataset_inputs}
    assert {n: i.dataset.source_type for n, i in inputs.items()} == dict.fromkeys("ptq", "spark")
    assert heron.data.get_source(inputs["p"]).load().count() == 6
    assert heron.data.get_source(inputs["t"]).load().count() == 6
    assert sorted(r.x for r in heron.data.get_source(inputs["q"]).load().collect()) == [1, 3, 5]
    found = fluent.search_runs(filter_string="datasets.name = 'q'", output_format="list")
    assert [r.info.run_id for r in found] == [run.info.run_id]


def test_evaluate_on_a_spark_frame(fluent: ModuleType, spark: Any, parquet: str) -> None:
    frame = spark.read.parquet(parquet).select("x", "y")

    def model(features: Any) -> Any:
        return features["x"] * 0.1

    result = fluent.evaluate(model, frame, targets="y", model_type="regressor")
    expected = fluent.evaluate(model, frame.toPandas(), targets="y", model_type="regressor")
    assert result.metrics == expected.metrics
    run = fluent.get_run(result.run_id)
    logged = run.inputs.dataset_inputs[0].dataset
    assert (logged.source_type, logged.digest) == ("code", spark_digest(frame.semanticHash()))


def test_a_delta_directory_gives_a_delta_source(
    spark: Any, parquet: str, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    table = tmp_path / "table"
    (table / "_delta_log").mkdir(parents=True)  # what marks a Delta table directory
    frame = spark.read.parquet(parquet)
    dataset = heron.data.from_spark(frame, path=str(table), version=3)
    assert (dataset.source.source_type, dataset.source.to_dict()) == (
        "delta_table",
        {"path": str(table), "delta_table_version": 3},
    )
    # Without the Delta Lake jars the latest version is unknown: a warning, no version.
    latest = heron.data.from_spark(frame, path=str(table))
    assert latest.source.to_dict() == {"path": str(table)}
    assert "Failed to obtain version information" in caplog.text
    stored = heron.data.get_source(heron.data.from_spark(frame, path=str(table), version=3))
    assert stored.to_json() == json.dumps({"path": str(table), "delta_table_version": 3})
