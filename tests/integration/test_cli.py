"""The ``heron`` command end to end, as a subprocess against a SQLite file in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from heron.tracking.client import MlflowClient
from heron.version import __version__

pytestmark = pytest.mark.integration


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    clean["HERON_TRACKING_URI"] = f"sqlite:///{tmp_path / 'cli.db'}"
    clean["HERON_DEFAULT_ARTIFACT_ROOT"] = str(tmp_path / "artifacts")
    return clean


@pytest.fixture
def client(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", env["HERON_DEFAULT_ARTIFACT_ROOT"])
    return MlflowClient(tracking_uri=env["HERON_TRACKING_URI"])


def heron(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "heron", *args], env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode == 0) == ok, result.stderr
    return result


def test_version(env: dict[str, str]) -> None:
    assert heron(env, "--version").stdout.strip() == f"heron, version {__version__}"


def test_experiments_create_rename_delete_restore(env: dict[str, str]) -> None:
    created = heron(env, "experiments", "create", "-n", "wine").stdout
    assert created.startswith("Created experiment 'wine' with id ")
    experiment_id = created.split()[-1]
    heron(env, "experiments", "rename", "-x", experiment_id, "--new-name", "red")
    assert "red" in heron(env, "experiments", "search").stdout
    assert "deleted" in heron(env, "experiments", "delete", "-x", experiment_id).stdout
    assert "red" not in heron(env, "experiments", "search").stdout
    assert "red" in heron(env, "experiments", "search", "-v", "deleted_only").stdout
    heron(env, "experiments", "restore", "-x", experiment_id)
    assert "red" in heron(env, "experiments", "search", "--view", "active_only").stdout


def test_experiments_search_fits_80_columns(env: dict[str, str], tmp_path: Path) -> None:
    location = str(tmp_path / ("very-long-directory-name-" * 4))
    heron(env, "experiments", "create", "-n", "n" * 90, "--artifact-location", location)
    lines = heron(env, "experiments", "search").stdout.splitlines()
    assert lines[0].split() == ["Experiment", "Id", "Name", "Artifact", "Location"]
    assert max(len(line) for line in lines) <= 80
    assert any("..." in line for line in lines[2:])


def test_runs_list_describe_delete_restore(env: dict[str, str], client: MlflowClient) -> None:
    run = client.create_run("0", run_name="first")
    client.log_param(run.info.run_id, "alpha", "0.5")
    listed = heron(env, "runs", "list", "--experiment-id", "0").stdout
    assert "first" in listed
    assert run.info.run_id in listed
    described = json.loads(heron(env, "runs", "describe", "--run-id", run.info.run_id).stdout)
    assert described["info"]["run_id"] == run.info.run_id
    assert described["data"]["params"] == {"alpha": "0.5"}
    heron(env, "runs", "delete", "--run-id", run.info.run_id)
    assert run.info.run_id not in heron(env, "runs", "list", "--experiment-id", "0").stdout
    deleted = heron(env, "runs", "list", "--experiment-id", "0", "-v", "deleted_only").stdout
    assert run.info.run_id in deleted
    heron(env, "runs", "restore", "--run-id", run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "active"


def test_artifacts_log_list_download(
    env: dict[str, str], client: MlflowClient, tmp_path: Path
) -> None:
    run_id = client.create_run("0").info.run_id
    (tmp_path / "model.txt").write_text("weights")
    heron(env, "artifacts", "log-artifact", "-l", str(tmp_path / "model.txt"), "-r", run_id,
          "-a", "model")  # fmt: skip
    listed = json.loads(heron(env, "artifacts", "list", "-r", run_id).stdout)
    assert listed == [{"path": "model", "is_dir": True}]
    [entry] = json.loads(heron(env, "artifacts", "list", "-r", run_id, "-a", "model").stdout)
    assert entry == {"path": "model/model.txt", "is_dir": False, "file_size": 7}
    by_run = heron(env, "artifacts", "download", "-r", run_id, "-a", "model",
                   "-d", str(tmp_path / "d1")).stdout.strip()  # fmt: skip
    assert Path(by_run, "model.txt").read_text() == "weights"
    uri = client.get_run(run_id).info.artifact_uri + "/model/model.txt"
    by_uri = heron(env, "artifacts", "download", "-u", uri, "-d", str(tmp_path / "d2"))
    assert Path(by_uri.stdout.strip()).read_text() == "weights"


def test_missing_run_is_an_error_without_traceback(env: dict[str, str]) -> None:
    result = heron(env, "runs", "describe", "--run-id", "0" * 32, ok=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert "0" * 32 in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_experiment_is_an_error(env: dict[str, str]) -> None:
    result = heron(env, "experiments", "delete", "-x", "4242", ok=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert "4242" in result.stderr


def test_download_needs_run_or_uri(env: dict[str, str]) -> None:
    result = heron(env, "artifacts", "download", ok=False)
    assert result.stderr.strip() == (
        "Error: Exactly one of --run-id and --artifact-uri must be specified."
    )


def test_tracking_uri_option_beats_environment(env: dict[str, str], tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    heron(env, "--tracking-uri", other, "experiments", "create", "-n", "elsewhere")
    assert "elsewhere" not in heron(env, "experiments", "search").stdout
    assert "elsewhere" in heron(env, "--tracking-uri", other, "experiments", "search").stdout


def test_db_upgrade_creates_the_schema(env: dict[str, str], tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'fresh.db'}"
    heron(env, "db", "upgrade", uri)
    assert (tmp_path / "fresh.db").is_file()
    assert "Default" in heron(env, "--tracking-uri", uri, "experiments", "search").stdout
