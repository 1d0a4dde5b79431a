"""MLflow's classic commands: ``experiments get``, ``experiments csv``, ``runs create``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from heron.cli.main import cli

pytestmark = pytest.mark.integration


def heron(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--tracking-uri", f"sqlite:///{db}", *args])


def test_runs_create_then_experiments_get_and_csv(tmp_path: Path) -> None:
    db = tmp_path / "heron.db"
    made = heron(db, "runs", "create", "--experiment-name", "cli", "--run-name", "base",
                 "-t", "env=prod", "--description", "first", "--status", "KILLED")  # fmt: skip
    assert made.exit_code == 0, made.output
    run = json.loads(made.output)
    assert (run["status"], run["run_name"]) == ("KILLED", "base")
    shown = json.loads(heron(db, "experiments", "get", "-n", "cli", "--output", "json").output)
    assert (shown["experiment_id"], shown["lifecycle_stage"]) == (run["experiment_id"], "active")
    table = heron(db, "experiments", "get", "-x", run["experiment_id"]).output
    assert "Name               : cli" in table
    rows = list(
        csv.DictReader(
            io.StringIO(heron(db, "experiments", "csv", "-x", run["experiment_id"]).output)
        )
    )
    assert [(r["run_id"], r["status"], r["tags.env"]) for r in rows] == [
        (run["run_id"], "KILLED", "prod")
    ]
    assert rows[0]["tags.mlflow.note.content"] == "first"


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "heron.db"
    both = heron(db, "experiments", "get", "-x", "0", "-n", "Default")
    assert "Must specify exactly one of --experiment-id or --experiment-name" in both.output
    assert (
        "Invalid tag format: 'nokey'"
        in heron(db, "runs", "create", "--experiment-id", "0", "-t", "nokey").output
    )
    assert "does not exist" in heron(db, "experiments", "get", "-n", "missing").output


def test_help_lists_mlflows_commands_first_in_sections() -> None:
    shown = CliRunner().invoke(cli, ["--help"]).output
    titles = ["Tracking (as mlflow):", "Serving and models (as mlflow):",
              "Export and import (as mlflow-export-import):"]  # fmt: skip
    positions = [shown.index(title) for title in titles]
    assert positions == sorted(positions)
    tracking = shown[positions[0] : positions[1]]
    assert all(
        f"  {name} " in tracking for name in ("experiments", "runs", "artifacts", "gc", "db")
    )
