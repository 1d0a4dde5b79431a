"""Projects with the real MLflow: ``import mlflow`` inside a ``heron run`` child logs into the
run, and ``mlflow run`` / ``heron run`` of one project leave runs with the same system tags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from processes import ServerProcess, clean_env

from heron.tracking.client import MlflowClient

pytestmark = [pytest.mark.compat, pytest.mark.integration]

MLPROJECT = """\
name: peers
entry_points:
  main:
    parameters:
      python: string
      alpha: {type: float, default: 0.1}
    command: "{python} log_mlflow.py {alpha}"
"""
SCRIPT = """\
import sys
import mlflow

with mlflow.start_run() as run:
    mlflow.log_metric("alpha_seen", float(sys.argv[1]))
    print("MLFLOW RUN", run.info.run_id)
"""


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "peers"
    project.mkdir()
    (project / "MLproject").write_text(MLPROJECT)
    (project / "log_mlflow.py").write_text(SCRIPT)
    return project


def _runs(server: ServerProcess, experiment: str) -> list:  # type: ignore[type-arg]
    client = MlflowClient(tracking_uri=server.url)
    found = client.get_experiment_by_name(experiment)
    assert found is not None
    return list(client.search_runs([found.experiment_id]))


def test_import_mlflow_in_the_child_logs_into_the_heron_run(
    heron_compat_server: ServerProcess, mlflow_venv: Path, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    command = [sys.executable, "-m", "heron", "--tracking-uri", heron_compat_server.url, "run",
               str(project), "-P", f"python={mlflow_venv}", "-P", "alpha=0.7",
               "--env-manager", "local", "--experiment-name", "projects-import-mlflow"]  # fmt: skip
    done = subprocess.run(
        command, cwd=tmp_path, env=clean_env(), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    (run,) = _runs(heron_compat_server, "projects-import-mlflow")
    assert f"MLFLOW RUN {run.info.run_id}" in done.stdout
    assert run.data.metrics == {"alpha_seen": 0.7}
    assert run.info.status == "FINISHED"


@pytest.mark.slow
def test_mlflow_run_and_heron_run_leave_the_same_system_tags(
    heron_compat_server: ServerProcess, mlflow_venv: Path, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    env = clean_env(MLFLOW_TRACKING_URI=heron_compat_server.url)
    args = [str(project), "-P", f"python={mlflow_venv}", "--env-manager", "local"]
    mlflow = [str(mlflow_venv.parent / "mlflow"), "run", *args, "--experiment-name", "peer-mlflow"]
    heron = [sys.executable, "-m", "heron", "run", *args, "--experiment-name", "peer-heron"]
    for command in (mlflow, heron):
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
    (theirs,) = _runs(heron_compat_server, "peer-mlflow")
    (ours,) = _runs(heron_compat_server, "peer-heron")
    system = {"mlflow.source.type", "mlflow.source.name", "mlflow.project.entryPoint",
              "mlflow.project.backend", "mlflow.user"}  # fmt: skip
    assert system <= set(theirs.data.tags)
    assert system <= set(ours.data.tags)
    for key in system:
        assert ours.data.tags[key] == theirs.data.tags[key], key
    # MLflow tags the environment only when it builds one; Heron tags "local" too
    assert ours.data.tags["mlflow.project.env"] == "local"
    assert ours.data.params == theirs.data.params
    assert ours.data.metrics == theirs.data.metrics == {"alpha_seen": 0.1}
    assert ours.info.status == theirs.info.status == "FINISHED"
