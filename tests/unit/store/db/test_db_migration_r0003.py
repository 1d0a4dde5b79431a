"""``heron db upgrade`` takes a logged-models (r0002) database to r0003, which adds the model
registry; and a fresh database comes up whole whichever store opens it first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from heron.cli.main import cli
from heron.entities.registry import ModelVersionTag, RegisteredModelTag
from heron.exceptions import InvalidState
from heron.store.db import HEAD_REVISION, current_revision
from heron.store.db.migrate import run_migrations
from heron.store.registry.sql import SqlRegistryStore
from heron.store.tracking.sql import SqlTrackingStore

_R0002_ROWS = [
    "INSERT INTO experiments VALUES (0, 'Default', 'file:///a/0', 'active', 1, 1)",
    "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, "
    "lifecycle_stage, artifact_uri) VALUES ('r1', 0, 'old-run', 'ana', 'FINISHED', 5, "
    "'active', 'file:///a/0/r1/artifacts')",
    "INSERT INTO logged_models VALUES ('m-1', 0, 'clf', 'file:///a/0/models/m-1/artifacts', "
    "5, 5, 'READY', NULL, 'active', NULL, 'r1')",
]
_REGISTRY_TABLES = {
    "registered_models",
    "registered_model_tags",
    "model_versions",
    "model_version_tags",
    "registered_model_aliases",
}


def _r0002_database(path: Path) -> str:
    uri = f"sqlite:///{path}"
    run_migrations(uri, "r0002_logged_models")
    with sqlite3.connect(path) as connection:
        for statement in _R0002_ROWS:
            connection.execute(statement)
    return uri


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}


def test_an_r0002_database_is_refused_until_upgraded(tmp_path: Path) -> None:
    uri = _r0002_database(tmp_path / "old.db")
    assert not _tables(tmp_path / "old.db") & _REGISTRY_TABLES
    with pytest.raises(InvalidState, match="heron db upgrade"):
        SqlRegistryStore(uri)


def test_db_upgrade_adds_the_registry(tmp_path: Path) -> None:
    uri = _r0002_database(tmp_path / "old.db")
    result = CliRunner().invoke(cli, ["db", "upgrade", uri])
    assert result.exit_code == 0, result.output
    assert current_revision(uri) == HEAD_REVISION
    assert _tables(tmp_path / "old.db") >= _REGISTRY_TABLES
    tracking = SqlTrackingStore(uri, str(tmp_path))
    registry = SqlRegistryStore(uri)
    try:
        assert tracking.get_run("r1").info.run_name == "old-run"
        registry.create_registered_model("clf", [RegisteredModelTag("k", "v")])
        version = registry.create_model_version(
            "clf", "models:/m-1", tags=[ModelVersionTag("k", "v")], model_id="m-1"
        )
        assert (version.version, version.run_id) == (1, "r1")
        assert registry.get_registered_model("clf").tags == {"k": "v"}
    finally:
        tracking.close()
        registry.close()


@pytest.mark.postgres
def test_db_upgrade_postgres(postgres_cluster) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    uri = postgres_cluster.create_database()
    run_migrations(uri, "r0002_logged_models")
    with psycopg.connect(uri) as connection:
        for statement in _R0002_ROWS:
            connection.execute(statement)
    result = CliRunner().invoke(cli, ["db", "upgrade", uri])
    assert result.exit_code == 0, result.output
    registry = SqlRegistryStore(uri)
    try:
        registry.create_registered_model("clf")
        assert registry.create_model_version("clf", "s3://b/m", model_id="m-1").run_id == "r1"
    finally:
        registry.close()


def test_registry_store_first_then_tracking(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'fresh.db'}"
    registry = SqlRegistryStore(uri)
    registry.create_registered_model("m")
    tracking = SqlTrackingStore(uri, str(tmp_path))
    try:
        assert current_revision(uri) == HEAD_REVISION
        assert tracking.get_experiment("0").name == "Default"
        run = tracking.create_run("0", "ana", 1, [], "r")
        registry.create_model_version("m", f"runs:/{run.info.run_id}/model", run.info.run_id)
        assert registry.get_model_version("m", 1).run_id == run.info.run_id
    finally:
        tracking.close()
        registry.close()


def test_tracking_store_first_then_registry(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'fresh.db'}"
    tracking = SqlTrackingStore(uri, str(tmp_path))
    registry = SqlRegistryStore(uri)
    try:
        assert registry.create_registered_model("m").name == "m"
        assert _tables(tmp_path / "fresh.db") >= _REGISTRY_TABLES
    finally:
        tracking.close()
        registry.close()
