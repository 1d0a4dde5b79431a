"""Docker projects: the generated build context and docker command lines (no engine needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heron.exceptions import ExecutionException
from heron.projects import docker
from heron.projects.spec import DockerEnv

RUN_ENV = {
    "MLFLOW_TRACKING_URI": "sqlite:////data/store/heron.db",
    "MLFLOW_RUN_ID": "abc",
    "MLFLOW_EXPERIMENT_ID": "1",
}


def test_build_context_copies_the_project_and_writes_the_dockerfile(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "train.py").write_text("print(1)\n")
    context = docker.write_build_context(project, "base:1", tmp_path / "out")
    assert (context / "train.py").read_text() == "print(1)\n"
    assert not (context / ".git").exists()
    dockerfile = (context / docker.DOCKERFILE_NAME).read_text()
    assert (
        dockerfile == "FROM base:1\nCOPY . /mlflow/projects/code/\nWORKDIR /mlflow/projects/code/\n"
    )
    assert docker.build_command(context, "proj:abc1234") == [
        "docker", "build", "--tag", "proj:abc1234", "--file",
        str(context / docker.DOCKERFILE_NAME), str(context),
    ]  # fmt: skip


def test_an_image_name_cannot_inject_dockerfile_lines() -> None:
    with pytest.raises(ExecutionException, match="Invalid docker image name"):
        docker.dockerfile("base\nRUN rm -rf /")


def test_image_uri_uses_the_commit() -> None:
    assert docker.image_uri("my-project", "0123456789abcdef") == "my-project:0123456"
    assert docker.image_uri(None, None) == "docker-project"
    assert docker.image_uri("My Project!", None) == "my-project"


def test_run_command_mounts_local_stores_and_passes_the_run(tmp_path: Path) -> None:
    env = DockerEnv("img", volumes=("/host:/in",), environment=(("A", "1"), "COPIED"))
    cmd = docker.run_command(
        "img:tag", env, command="python train.py --x 1", run_env=RUN_ENV,
        artifact_uri=str(tmp_path / "artifacts"), host_env={"COPIED": "yes"},
        docker_args={"gpus": "all", "t": True, "skip": False}, mount_project=None,
    )  # fmt: skip
    assert cmd[:6] == ["docker", "run", "--rm", "--gpus", "all", "-t"]
    assert "--skip" not in cmd
    mounts = [cmd[i + 1] for i, part in enumerate(cmd) if part == "-v"]
    assert mounts == [
        "/data/store:/mlflow/tmp/mlruns",
        f"{tmp_path}/artifacts:{tmp_path}/artifacts",
        "/host:/in",
    ]
    variables = [cmd[i + 1] for i, part in enumerate(cmd) if part == "-e"]
    assert "MLFLOW_TRACKING_URI=sqlite:////mlflow/tmp/mlruns/heron.db" in variables
    assert {"MLFLOW_RUN_ID=abc", "MLFLOW_EXPERIMENT_ID=1", "A=1", "COPIED=yes"} <= set(variables)
    assert cmd[-4:] == ["img:tag", "bash", "-c", "python train.py --x 1"]


def test_run_command_without_a_built_image_mounts_the_project(tmp_path: Path) -> None:
    cmd = docker.run_command(
        "img", DockerEnv("img"), command="true", run_env={"MLFLOW_TRACKING_URI": "http://h:5000"},
        artifact_uri="s3://b/p", host_env={}, mount_project=tmp_path,
    )  # fmt: skip
    assert f"{tmp_path}:/mlflow/projects/code/" in cmd
    assert cmd[cmd.index("-w") + 1] == "/mlflow/projects/code/"
    assert "MLFLOW_TRACKING_URI=http://h:5000" in cmd


def test_a_host_variable_that_is_not_set_is_named() -> None:
    with pytest.raises(ExecutionException, match="but MISSING was not set"):
        docker.run_command(
            "img", DockerEnv("img", environment=("MISSING",)), command="true", run_env={},
            artifact_uri="", host_env={},
        )  # fmt: skip
