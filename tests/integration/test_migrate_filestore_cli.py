"""``heron migrate-filestore`` (MLflow's command) moves an ``mlruns`` folder into a database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from heron.cli.main import cli
from heron.tracking.client import MlflowClient

pytestmark = pytest.mark.integration


def test_migrate_filestore_copies_and_verifies(tmp_path: Path) -> None:
    folder = tmp_path / "project" / "mlruns"
    source = MlflowClient(tracking_uri=str(folder))
    experiment_id = source.create_experiment("old")
    run = source.create_run(experiment_id)
    source.log_metric(run.info.run_id, "loss", 0.5, step=3)
    target = f"sqlite:///{tmp_path / 'heron.db'}"
    runner = CliRunner()
    arguments = ["migrate-filestore", "--target", target, "--no-progress", "--source"]
    result = runner.invoke(cli, [*arguments, str(tmp_path / "project")])
    assert result.exit_code == 0, result.output
    assert "the Heron database matches the MLflow database" in result.output
    moved = MlflowClient(tracking_uri=target).get_run(run.info.run_id)
    assert moved.data.metrics == {"loss": 0.5}
    assert moved.info.experiment_id == experiment_id
    again = runner.invoke(cli, [*arguments, str(folder)])  # the folder itself; idempotent
    assert again.exit_code == 0, again.output
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = runner.invoke(cli, [*arguments, str(empty)])
    assert refused.exit_code == 1
    assert f"Cannot find mlruns directory in '{empty}'" in refused.output
