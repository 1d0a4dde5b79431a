"""``heron db upgrade`` takes a tracking-core (r0001) database to r0002 with its data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from heron.cli.main import cli
from heron.entities import LoggedModelOutput, Metric
from heron.exceptions import InvalidState
from heron.store.db import HEAD_REVISION, current_revision
from heron.store.db.migrate import run_migrations
from heron.store.tracking.sql import SqlTrackingStore

_R0001_ROWS = [
    "INSERT INTO experiments VALUES (0, 'Default', 'file:///a/0', 'active', 1, 1)",
    "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, "
    "lifecycle_stage, artifact_uri) VALUES ('r1', 0, 'old-run', 'ana', 'FINISHED', 5, "
    "'active', 'file:///a/0/r1/artifacts')",
    "INSERT INTO metrics VALUES ('r1', 'loss', 0, 7, 0.25, FALSE)",
    "INSERT INTO metrics VALUES ('r1', 'loss', 1, 8, 0.0, TRUE)",
    "INSERT INTO latest_metrics VALUES ('r1', 'loss', 1, 8, 0.0, TRUE)",
    "INSERT INTO params VALUES ('r1', 'alpha', '0.5')",
    "INSERT INTO tags VALUES ('r1', 'mlflow.runName', 'old-run')",
]


def _r0001_database(path: Path) -> str:
    uri = f"sqlite:///{path}"
    run_migrations(uri, "r0001_tracking_core")
    with sqlite3.connect(path) as connection:
        for statement in _R0001_ROWS:
            connection.execute(statement)
    return uri


def test_an_r0001_database_is_refused_until_upgraded(tmp_path: Path) -> None:
    uri = _r0001_database(tmp_path / "old.db")
    with pytest.raises(InvalidState, match="heron db upgrade"):
        SqlTrackingStore(uri, str(tmp_path))


def test_db_upgrade_keeps_the_data(tmp_path: Path) -> None:
    uri = _r0001_database(tmp_path / "old.db")
    result = CliRunner().invoke(cli, ["db", "upgrade", uri])
    assert result.exit_code == 0, result.output
    assert current_revision(uri) == HEAD_REVISION
    store = SqlTrackingStore(uri, str(tmp_path))
    try:
        run = store.get_run("r1")
        assert (run.info.run_name, run.info.status, run.data.params) == (
            "old-run",
            "FINISHED",
            {"alpha": "0.5"},
        )
        history = store.get_metric_history("r1", "loss")
        assert [(m.step, m.model_id) for m in history] == [(0, None), (1, None)]
        assert history[1].value != history[1].value  # NaN survives
        assert run.outputs.model_outputs == ()
    finally:
        store.close()


def test_an_upgraded_database_takes_logged_models(tmp_path: Path) -> None:
    uri = _r0001_database(tmp_path / "old.db")
    CliRunner().invoke(cli, ["db", "upgrade", uri])
    store = SqlTrackingStore(uri, str(tmp_path))
    try:
        model = store.create_logged_model("0", name="model", source_run_id="r1")
        assert model.artifact_location == f"file:///a/0/models/{model.model_id}/artifacts"
        store.log_metric("r1", Metric("loss", 0.25, 7, 0, model_id=model.model_id))
        store.log_outputs("r1", [LoggedModelOutput(model.model_id, 0)])
        assert len(store.get_logged_model(model.model_id).metrics) == 1
        assert len(store.get_metric_history("r1", "loss")) == 2
        assert store.get_run("r1").outputs.model_outputs == (LoggedModelOutput(model.model_id),)
    finally:
        store.close()


@pytest.mark.postgres
def test_db_upgrade_postgres(postgres_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    uri = postgres_cluster.create_database()
    run_migrations(uri, "r0001_tracking_core")
    with psycopg.connect(uri) as connection:
        for statement in _R0001_ROWS:
            connection.execute(statement)
    result = CliRunner().invoke(cli, ["db", "upgrade", uri])
    assert result.exit_code == 0, result.output
    store = SqlTrackingStore(uri, str(tmp_path))
    try:
        assert store.get_run("r1").data.params == {"alpha": "0.5"}
        assert [m.step for m in store.get_metric_history("r1", "loss")] == [0, 1]
        assert store.create_logged_model("0").status.value == "PENDING"
    finally:
        store.close()
