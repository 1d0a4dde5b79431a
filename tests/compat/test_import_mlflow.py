"""``heron db import-mlflow``: MLflow databases written by the real MLflow, read by Heron."""

from __future__ import annotations

import math
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from processes import run_script

from heron.cli.main import cli
from heron.entities import ViewType
from heron.exceptions import InvalidState
from heron.store.db.bootstrap import HEAD_REVISION
from heron.store.registry.sql import SqlRegistryStore
from heron.store.tracking.sql import SqlTrackingStore
from heron.store.tracking.sql.blocks import entries_of

pytestmark = pytest.mark.compat


@pytest.fixture(scope="module")
def mlflow_db(mlflow_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An MLflow 3.17.2 database filled by MLflow's own client, and what it holds."""
    root = tmp_path_factory.mktemp("mlflow-source")
    made = run_script(mlflow_venv, "mlflow_import_source.py", "full", str(root / "mlflow.db"))
    return {**made, "path": root / "mlflow.db", "uri": f"sqlite:///{root / 'mlflow.db'}"}


@pytest.fixture(scope="module")
def imported(mlflow_db: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Heron database the MLflow database was imported into (shared: copy it to change it)."""
    dest = tmp_path_factory.mktemp("heron-dest") / "heron.db"
    result = run_import(mlflow_db["uri"], f"sqlite:///{dest}")
    assert result.exit_code == 0, result.output
    assert "Verified 2 runs" in result.output
    return dest


def run_import(source: str, dest: str, *options: str) -> Result:
    return CliRunner().invoke(cli, ["db", "import-mlflow", source, dest, "--no-progress", *options])


def open_stores(path: Path) -> tuple[SqlTrackingStore, SqlRegistryStore]:
    uri = f"sqlite:///{path}"
    return SqlTrackingStore(uri, str(path.parent)), SqlRegistryStore(uri)


def test_runs_keep_their_ids_and_every_value(mlflow_db: dict[str, Any], imported: Path) -> None:
    tracking, _ = open_stores(imported)
    run = tracking.get_run(mlflow_db["run_id"])
    assert run.info.experiment_id == mlflow_db["experiment_id"]
    assert run.info.artifact_uri == mlflow_db["artifact_uri"]
    assert run.data.params == {"alpha": "0.5", "layers": "3"}
    assert run.data.tags["team"] == "vision"
    history = tracking.get_metric_history(run.info.run_id, "loss")
    assert [(m.step, m.value) for m in history] == [(s, 1.0 / (s + 1)) for s in range(30)]
    assert math.isnan(run.data.metrics["nan_metric"])
    assert run.data.metrics["inf_metric"] > 1e308
    assert [d.dataset.name for d in run.inputs.dataset_inputs] == ["train"]
    assert run.inputs.dataset_inputs[0].tags[0].value == "training"


def test_metric_blocks_summarise_the_imported_points(
    mlflow_db: dict[str, Any], imported: Path
) -> None:
    with sqlite3.connect(imported) as connection:
        points = connection.execute(
            "SELECT run_uuid, key, step, timestamp, value, is_nan FROM metrics "
            "ORDER BY run_uuid, key, step, timestamp, value, is_nan"
        ).fetchall()
        blocks = connection.execute(
            "SELECT * FROM metric_blocks ORDER BY run_uuid, key, block_shift, block_index"
        ).fetchall()
    assert {row[0] for row in blocks} == {mlflow_db["run_id"]}  # the run with metrics
    assert blocks == [tuple(row) for row in entries_of(points)]


def test_metric_blocks_lost_to_an_interruption_are_rebuilt(
    mlflow_db: dict[str, Any], imported: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "heron.db"
    shutil.copy(imported, dest)
    with sqlite3.connect(dest) as connection:
        expected = connection.execute("SELECT * FROM metric_blocks ORDER BY 1, 2, 3, 4").fetchall()
        connection.execute("DELETE FROM metric_blocks")  # the points committed, blocks not yet
        connection.execute("CREATE TABLE heron_mlflow_import (source TEXT, started BIGINT)")
        connection.execute("INSERT INTO heron_mlflow_import VALUES (?, 0)", (mlflow_db["uri"],))
    result = run_import(mlflow_db["uri"], f"sqlite:///{dest}")
    assert result.exit_code == 0, result.output
    assert "0 copied now" in result.output
    with sqlite3.connect(dest) as connection:
        found = connection.execute("SELECT * FROM metric_blocks ORDER BY 1, 2, 3, 4").fetchall()
    assert found == expected
    assert expected


def test_deleted_runs_and_experiments_stay_deleted(
    mlflow_db: dict[str, Any], imported: Path
) -> None:
    tracking, _ = open_stores(imported)
    assert tracking.get_run(mlflow_db["removed_run_id"]).info.lifecycle_stage == "deleted"
    gone = tracking.get_experiment(mlflow_db["gone_experiment_id"])
    assert (gone.name, gone.lifecycle_stage) == ("import-gone", "deleted")
    names = {e.name for e in tracking.search_experiments(view_type=ViewType.ALL)}
    assert names == {"Default", "import-a", "import-gone"}


def test_logged_models_keep_params_tags_and_metrics(
    mlflow_db: dict[str, Any], imported: Path
) -> None:
    tracking, _ = open_stores(imported)
    model = tracking.get_logged_model(mlflow_db["model_id"])
    assert (model.name, model.params, model.tags["k"]) == ("external", {"p": "1"}, "v")
    assert [(m.key, m.value, m.run_id) for m in model.metrics] == [
        ("accuracy", 0.9, mlflow_db["run_id"])
    ]
    point = tracking.get_metric_history(mlflow_db["run_id"], "accuracy")[0]
    assert point.model_id == mlflow_db["model_id"]


def test_registry_keeps_stages_aliases_and_tags(imported: Path) -> None:
    _, registry = open_stores(imported)
    model = registry.get_registered_model("import-model")
    assert (model.description, model.tags, model.aliases) == (
        "desc",
        {"owner": "me"},
        {"champion": 2},
    )
    first = registry.get_model_version("import-model", "1")
    assert (first.current_stage, first.tags) == ("Production", {"t": "1"})
    assert registry.get_model_version_by_alias("import-model", "champion").source == (
        "s3://bucket/model"
    )


def test_rerun_changes_nothing(mlflow_db: dict[str, Any], imported: Path, tmp_path: Path) -> None:
    dest = tmp_path / "heron.db"
    shutil.copy(imported, dest)
    result = run_import(mlflow_db["uri"], f"sqlite:///{dest}")
    assert result.exit_code == 0, result.output
    assert "0 copied now" in result.output


def test_interrupted_import_resumes(
    mlflow_db: dict[str, Any], imported: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "heron.db"
    shutil.copy(imported, dest)
    run_id = mlflow_db["run_id"]
    with sqlite3.connect(dest) as connection:  # as a crash before this run's chunk left it
        for table in ("metrics", "latest_metrics", "params", "tags", "run_outputs", "runs"):
            connection.execute(f"DELETE FROM {table} WHERE run_uuid = ?", (run_id,))
        connection.execute("DELETE FROM logged_model_metrics WHERE run_uuid = ?", (run_id,))
        connection.execute("DELETE FROM inputs WHERE destination_id = ?", (run_id,))
        connection.execute("CREATE TABLE heron_mlflow_import (source TEXT, started BIGINT)")
        connection.execute("INSERT INTO heron_mlflow_import VALUES (?, 0)", (mlflow_db["uri"],))
    result = run_import(mlflow_db["uri"], f"sqlite:///{dest}")
    assert result.exit_code == 0, result.output
    assert "1 copied now, 33 metric points" in result.output
    with sqlite3.connect(dest) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "heron_mlflow_import" not in tables
    tracking, _ = open_stores(dest)
    assert len(tracking.get_metric_history(run_id, "loss")) == 30


def test_verification_fails_on_a_difference(
    mlflow_db: dict[str, Any], imported: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "heron.db"
    shutil.copy(imported, dest)
    with sqlite3.connect(dest) as connection:
        connection.execute("UPDATE metrics SET value = value + 1 WHERE key = 'loss' AND step = 3")
    result = run_import(mlflow_db["uri"], f"sqlite:///{dest}")
    assert result.exit_code == 1
    assert f"run {mlflow_db['run_id']} differs: metric" in result.output
    assert "Verification failed: 1 difference" in result.output


def test_verification_counts_registry_and_logged_models(
    mlflow_db: dict[str, Any], imported: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "heron.db"
    shutil.copy(imported, dest)
    with sqlite3.connect(dest) as connection:
        connection.execute("DELETE FROM registered_model_aliases")
        connection.execute("DELETE FROM model_versions WHERE version = 1")
    result = run_import(mlflow_db["uri"], f"sqlite:///{dest}")
    assert result.exit_code == 0  # the rerun puts back what is missing
    with sqlite3.connect(dest) as connection:
        connection.execute("DELETE FROM registered_model_aliases")
        connection.execute("CREATE TRIGGER no_alias BEFORE INSERT ON registered_model_aliases "
                           "BEGIN SELECT RAISE(IGNORE); END")  # fmt: skip
    refused = run_import(mlflow_db["uri"], f"sqlite:///{dest}")
    assert refused.exit_code == 1
    assert "1 of 1 aliases missing in Heron: ('import-model', 'champion', 2)" in refused.output


def test_another_sources_unfinished_import_is_refused(
    mlflow_db: dict[str, Any], imported: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "heron.db"
    shutil.copy(imported, dest)
    with sqlite3.connect(dest) as connection:
        connection.execute("CREATE TABLE heron_mlflow_import (source TEXT, started BIGINT)")
        connection.execute("INSERT INTO heron_mlflow_import VALUES ('sqlite:///other.db', 0)")
    result = run_import(mlflow_db["uri"], f"sqlite:///{dest}")
    assert result.exit_code == 1
    assert "holds an unfinished import of sqlite:///other.db" in result.output


def test_copy_artifacts_moves_them_under_the_directory(
    mlflow_db: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "artifacts"
    dest = tmp_path / "heron.db"
    result = run_import(mlflow_db["uri"], f"sqlite:///{dest}", "--copy-artifacts", str(target))
    assert result.exit_code == 0, result.output
    assert_artifacts_copied(dest, target, mlflow_db)


def assert_artifacts_copied(dest: Path, target: Path, made: dict[str, Any]) -> None:
    """The run's and the logged model's artifacts are under ``target`` (by Heron experiment
    id: a folder's ids past 32 bits get new ones), their URIs there."""
    tracking, _ = open_stores(dest)
    run = tracking.get_run(made["run_id"])
    experiment_id = run.info.experiment_id
    expected = target / experiment_id / made["run_id"] / "artifacts"
    assert run.info.artifact_uri == expected.as_uri()
    assert (expected / "notes" / "a.txt").read_text() == "hello"
    model = tracking.get_logged_model(made["model_id"])
    in_target = target / experiment_id / "models" / made["model_id"] / "artifacts"
    assert model.artifact_location == in_target.as_uri()
    assert (in_target / "weights.txt").read_text() == "w"
    assert not list(target.rglob("*.partial"))


@pytest.mark.parametrize("revision", ["451aebb31d03", "0c779009ac13"])
def test_old_mlflow_schemas_are_read(mlflow_venv: Path, tmp_path: Path, revision: str) -> None:
    source = tmp_path / "old.db"
    made = run_script(mlflow_venv, "mlflow_import_source.py", "revision", str(source), revision)
    result = run_import(f"sqlite:///{source}", f"sqlite:///{tmp_path / 'heron.db'}")
    assert result.exit_code == 0, result.output
    assert f"schema revision {revision}" in result.output
    tracking, _ = open_stores(tmp_path / "heron.db")
    run = tracking.get_run(made["run_id"])
    assert (run.info.experiment_id, run.data.params) == ("7", {"lr": "0.1"})
    assert len(tracking.get_metric_history(made["run_id"], "loss")) == 3


def test_unknown_revision_and_non_mlflow_sources_are_refused(
    mlflow_db: dict[str, Any], imported: Path, tmp_path: Path
) -> None:
    unknown = tmp_path / "unknown.db"
    shutil.copy(mlflow_db["path"], unknown)
    with sqlite3.connect(unknown) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    dest = f"sqlite:///{tmp_path / 'heron.db'}"
    answers = {
        "unknown": run_import(f"sqlite:///{unknown}", dest).output,
        "heron": run_import(f"sqlite:///{imported}", dest).output,
        "missing": run_import(f"sqlite:///{tmp_path / 'missing.db'}", dest).output,
    }
    assert "revision 'ffffffffffff', which is not one of MLflow's" in answers["unknown"]
    assert f"is a Heron database (revision {HEAD_REVISION}), not an MLflow one" in answers["heron"]
    assert "does not exist" in answers["missing"]
    assert not (tmp_path / "missing.db").exists()


def test_heron_names_the_import_command_for_an_mlflow_database(
    mlflow_db: dict[str, Any], tmp_path: Path
) -> None:
    with pytest.raises(InvalidState, match=r"is an MLflow database .*'heron db import-mlflow "):
        SqlTrackingStore(mlflow_db["uri"], str(tmp_path))


@pytest.mark.postgres
def test_postgresql_destination(mlflow_db: dict[str, Any], fresh_postgres_uri: str) -> None:
    result = run_import(mlflow_db["uri"], fresh_postgres_uri)
    assert result.exit_code == 0, result.output
    tracking = SqlTrackingStore(fresh_postgres_uri, "/tmp/unused")
    assert tracking.get_run(mlflow_db["run_id"]).data.params["alpha"] == "0.5"
    created = tracking.create_experiment("after-import")
    assert int(created) > int(mlflow_db["gone_experiment_id"])  # the id sequence moved on


@pytest.fixture(scope="module")
def mlruns_folder(mlflow_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An ``mlruns`` folder written by MLflow 3.17.2's file store, and what it holds."""
    folder = tmp_path_factory.mktemp("mlflow-folder") / "mlruns"
    made = run_script(
        mlflow_venv, "mlflow_import_source.py", "full", f"file://{folder}",
        MLFLOW_ALLOW_FILE_STORE="true",
    )  # fmt: skip
    return {**made, "path": folder}


def test_mlruns_folder_is_imported(mlruns_folder: dict[str, Any], tmp_path: Path) -> None:
    folder, made = mlruns_folder["path"], mlruns_folder
    half_written = folder / "0" / "half-written-run"
    half_written.mkdir()
    try:
        result = run_import(str(folder), f"sqlite:///{tmp_path / 'heron.db'}")
    finally:
        half_written.rmdir()
    assert result.exit_code == 0, result.output
    assert "Skipping half-written run folder" in result.output
    tracking, registry = open_stores(tmp_path / "heron.db")
    run = tracking.get_run(made["run_id"])
    assert run.data.params == {"alpha": "0.5", "layers": "3"}
    assert run.info.artifact_uri == made["artifact_uri"]  # left where it is
    assert len(tracking.get_metric_history(made["run_id"], "loss")) == 30
    # MLflow's file store makes 18-digit experiment ids: past 32 bits, the next free one.
    assert int(made["experiment_id"]) > 2**31
    moved = f"MLflow id {made['experiment_id']} is Heron experiment {run.info.experiment_id}"
    assert moved in result.output
    assert registry.get_registered_model("import-model").aliases == {"champion": 2}
    assert tracking.get_logged_model(made["model_id"]).params == {"p": "1"}
    again = run_import(str(folder), f"sqlite:///{tmp_path / 'heron.db'}")
    assert "0 copied now" in again.output


def test_mlruns_folder_copy_artifacts(mlruns_folder: dict[str, Any], tmp_path: Path) -> None:
    target, dest = tmp_path / "artifacts", tmp_path / "heron.db"
    folder = str(mlruns_folder["path"])
    result = run_import(folder, f"sqlite:///{dest}", "--copy-artifacts", str(target))
    assert result.exit_code == 0, result.output
    assert_artifacts_copied(dest, target, mlruns_folder)
    again = run_import(folder, f"sqlite:///{dest}", "--copy-artifacts", str(target))
    assert again.exit_code == 0, again.output
    assert "0 copied now" in again.output
    assert_artifacts_copied(dest, target, mlruns_folder)


def copy_tables(sqlite_path: Path, target: Any, quote: str, double: str) -> None:
    """MLflow's tables and rows, as MLflow's SQLite database has them, through a DBAPI
    connection to another database (column types mapped, constraints left out: enough for
    a reader of MLflow's schema)."""
    types = {"INTEGER": "BIGINT", "BIGINT": "BIGINT", "FLOAT": double, "BOOLEAN": "BOOLEAN"}
    source = sqlite3.connect(sqlite_path)
    tables = [row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    with target.cursor() as cursor:
        for table in tables:
            columns = [(row[1], str(row[2]).upper()) for row in source.execute(
                f'PRAGMA table_info("{table}")')]  # fmt: skip
            cursor.execute(
                f"CREATE TABLE {quote}{table}{quote} ("
                + ", ".join(
                    f"{quote}{name}{quote} {types.get(kind, 'TEXT')}" for name, kind in columns
                )
                + ")"
            )
            booleans = [kind == "BOOLEAN" for _, kind in columns]
            rows = [
                [
                    bool(v) if flag and v is not None else v
                    for v, flag in zip(row, booleans, strict=True)
                ]
                for row in source.execute(f'SELECT * FROM "{table}"')
            ]
            if rows:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote}{table}{quote} VALUES ({marks})", rows)
    target.commit()
    source.close()


@pytest.mark.postgres
def test_postgresql_source(
    mlflow_db: dict[str, Any], fresh_postgres_uri: str, tmp_path: Path
) -> None:
    import psycopg

    with psycopg.connect(fresh_postgres_uri) as connection:
        copy_tables(mlflow_db["path"], connection, '"', "DOUBLE PRECISION")
    result = run_import(fresh_postgres_uri, f"sqlite:///{tmp_path / 'heron.db'}")
    assert result.exit_code == 0, result.output
    assert "Verified 2 runs and 33 metric points" in result.output
    tracking, registry = open_stores(tmp_path / "heron.db")
    assert len(tracking.get_metric_history(mlflow_db["run_id"], "loss")) == 30
    assert math.isnan(tracking.get_run(mlflow_db["run_id"]).data.metrics["nan_metric"])
    assert registry.get_registered_model("import-model").aliases == {"champion": 2}


@pytest.mark.mysql
def test_mysql_source(mlflow_db: dict[str, Any], fresh_mysql_uri: str, tmp_path: Path) -> None:
    import pymysql

    host, database = fresh_mysql_uri.rsplit("@", 1)[1].split("/")
    connection = pymysql.connect(host="127.0.0.1", port=int(host.split(":")[1]), user="root",
                                 database=database, charset="utf8mb4")  # fmt: skip
    copy_tables(mlflow_db["path"], connection, "`", "DOUBLE")
    connection.close()
    result = run_import(fresh_mysql_uri, f"sqlite:///{tmp_path / 'heron.db'}")
    assert result.exit_code == 0, result.output
    assert "Verified 2 runs and 33 metric points" in result.output
    tracking, registry = open_stores(tmp_path / "heron.db")
    assert len(tracking.get_metric_history(mlflow_db["run_id"], "loss")) == 30
    assert registry.get_model_version("import-model", "1").current_stage == "Production"
