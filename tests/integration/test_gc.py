"""``heron gc``: permanent deletion of what is in the deleted lifecycle stage."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from heron.cli.main import cli
from heron.entities import Metric
from heron.exceptions import NotFound
from heron.store.tracking.sql import SqlTrackingStore

pytestmark = pytest.mark.integration


def gc(db: Path, *options: str) -> Result:
    return CliRunner().invoke(cli, ["gc", "--backend-store-uri", f"sqlite:///{db}", *options])


def new_run(store: SqlTrackingStore, experiment_id: str, files: bool = True) -> str:
    run = store.create_run(experiment_id, "me", int(time.time() * 1000), [], "r")
    store.log_metric(run.info.run_id, Metric("loss", 0.5, 1, 0))
    if files:
        target = Path(run.info.artifact_uri.removeprefix("file://"))
        target.mkdir(parents=True)
        (target / "model.txt").write_text("weights")
    return run.info.run_id


def rows(db: Path, table: str, run_id: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(
            connection.execute(
                f"SELECT count(*) FROM {table} WHERE run_uuid = ?", (run_id,)
            ).fetchone()[0]
        )


@pytest.fixture
def store(tmp_path: Path) -> SqlTrackingStore:
    return SqlTrackingStore(f"sqlite:///{tmp_path / 'heron.db'}", str(tmp_path / "artifacts"))


def test_deleted_runs_go_with_their_artifacts(store: SqlTrackingStore, tmp_path: Path) -> None:
    doomed, kept = new_run(store, "0"), new_run(store, "0")
    store.delete_run(doomed)
    result = gc(tmp_path / "heron.db")
    assert result.exit_code == 0, result.output
    assert f"Run with ID {doomed} has been permanently deleted." in result.output
    with pytest.raises(NotFound):
        store.get_run(doomed)
    assert rows(tmp_path / "heron.db", "metrics", doomed) == 0
    assert not (tmp_path / "artifacts" / "0" / doomed).joinpath("artifacts", "model.txt").exists()
    assert store.get_run(kept).data.metrics == {"loss": 0.5}
    assert (tmp_path / "artifacts" / "0" / kept / "artifacts" / "model.txt").exists()


def test_deleted_experiment_goes_and_frees_its_name(
    store: SqlTrackingStore, tmp_path: Path
) -> None:
    experiment = store.create_experiment("reused")
    run_id = new_run(store, experiment)
    model = store.create_logged_model(experiment, name="m")
    store.delete_experiment(experiment)
    result = gc(tmp_path / "heron.db", "--experiment-ids", experiment)
    assert result.exit_code == 0, result.output
    assert f"Experiment with ID {experiment} has been permanently deleted." in result.output
    assert rows(tmp_path / "heron.db", "runs", run_id) == 0
    with pytest.raises(NotFound):
        store.get_logged_model(model.model_id)
    assert store.create_experiment("reused")


def test_dry_run_deletes_nothing(store: SqlTrackingStore, tmp_path: Path) -> None:
    run_id = new_run(store, "0")
    store.delete_run(run_id)
    result = gc(tmp_path / "heron.db", "--dry-run")
    assert f"Run with ID {run_id} would be permanently deleted." in result.output
    assert store.get_run(run_id).info.lifecycle_stage == "deleted"


def test_older_than_keeps_recent_deletions(store: SqlTrackingStore, tmp_path: Path) -> None:
    run_id = new_run(store, "0")
    store.delete_run(run_id)
    assert "deleted" not in gc(tmp_path / "heron.db", "--older-than", "1d").output
    refused = gc(tmp_path / "heron.db", "--older-than", "1d", "--run-ids", run_id)
    assert refused.exit_code == 1
    assert "is not older than the required age" in refused.output
    assert store.get_run(run_id).info.lifecycle_stage == "deleted"
    assert "Could not parse" in gc(tmp_path / "heron.db", "--older-than", "3x").output


def test_active_runs_are_refused(store: SqlTrackingStore, tmp_path: Path) -> None:
    run_id = new_run(store, "0")
    result = gc(tmp_path / "heron.db", "--run-ids", run_id)
    assert result.exit_code == 1
    assert "not in the deleted lifecycle stage" in result.output
    assert store.get_run(run_id).info.lifecycle_stage == "active"


def test_proxied_artifacts_are_deleted_under_the_destination(
    store: SqlTrackingStore, tmp_path: Path
) -> None:
    experiment = store.create_experiment("proxied", artifact_location="mlflow-artifacts:/proxied")
    run_id = new_run(store, experiment, files=False)
    stored = tmp_path / "served" / "proxied" / run_id / "artifacts"
    stored.mkdir(parents=True)
    (stored / "model.txt").write_text("weights")
    stale = tmp_path / "served" / "proxied" / ".heron-upload.partial"
    stale.write_text("half")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    store.delete_run(run_id)
    result = gc(tmp_path / "heron.db", "--artifacts-destination", str(tmp_path / "served"))
    assert result.exit_code == 0, result.output
    assert not (stored / "model.txt").exists()
    assert not stale.exists()
    assert "Removed 1 file(s) left by interrupted uploads." in result.output


@pytest.mark.s3
def test_s3_artifacts_are_deleted(
    store: SqlTrackingStore, tmp_path: Path, s3_env: Any, s3_bucket: str
) -> None:
    experiment = store.create_experiment("on-s3", artifact_location=f"s3://{s3_bucket}/runs")
    run_id = new_run(store, experiment, files=False)
    kept_id = new_run(store, experiment, files=False)
    for run in (run_id, kept_id):
        s3_env.client.put_object(Bucket=s3_bucket, Key=f"runs/{run}/artifacts/model.txt", Body=b"w")
    store.delete_run(run_id)
    result = gc(tmp_path / "heron.db")
    assert result.exit_code == 0, result.output
    listed = s3_env.client.list_objects_v2(Bucket=s3_bucket).get("Contents", [])
    assert [item["Key"] for item in listed] == [f"runs/{kept_id}/artifacts/model.txt"]
