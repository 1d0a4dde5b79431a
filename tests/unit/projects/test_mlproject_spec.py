"""MLproject parsing: MLflow's rules and messages, the seeds' files, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from heron.exceptions import ExecutionException
from heron.projects.spec import CONDA_ENV, DOCKER_ENV, PYTHON_ENV, load_project

SEED_003 = """\
name: My Project

conda_env: my_env.yaml
# Can have a docker_env instead of a conda_env, e.g.
# docker_env:
#    image:  mlflow-docker-example

entry_points:
  main:
    parameters:
      data_file: path
      regularization: {type: float, default: 0.1}
    command: "python train.py -r {regularization} {data_file}"
  validate:
    parameters:
      data_file: path
    command: "python validate.py {data_file}"
"""


def _project(tmp_path: Path, mlproject: str, **files: str) -> Path:
    (tmp_path / "MLproject").write_text(mlproject)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_seed_003_mlproject_parses_with_short_and_long_parameters(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, SEED_003, **{"my_env.yaml": "name: x\n"}))
    assert project.name == "My Project"
    assert project.env_type == CONDA_ENV
    assert project.env_config_path == (tmp_path / "my_env.yaml").resolve()
    main = project.get_entry_point("main")
    assert main.parameters["data_file"].type == "path"
    assert main.parameters["data_file"].default is None
    assert main.parameters["regularization"].type == "float"
    assert main.parameters["regularization"].default == 0.1
    assert set(project.entry_points) == {"main", "validate"}


def test_mlproject_file_name_is_case_insensitive(tmp_path: Path) -> None:
    (tmp_path / "mlproject").write_text("name: lower\nentry_points: {}\n")
    assert load_project(tmp_path).name == "lower"


def test_project_without_mlproject_runs_py_and_sh_files_by_name(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    assert project.env_type == PYTHON_ENV
    assert project.env_config_path is None
    assert project.get_entry_point("train.py").command == "python train.py"
    assert project.get_entry_point("it's.sh").command.endswith("'it'\"'\"'s.sh'")


def test_unknown_entry_point_lists_the_known_ones(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, SEED_003, **{"my_env.yaml": ""}))
    with pytest.raises(
        ExecutionException, match=r"Could not find nope among entry points \['main', 'validate'\]"
    ):
        project.get_entry_point("nope")


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ExecutionException, match="not valid YAML at line 3"):
        load_project(_project(tmp_path, "name: x\nentry_points:\n\tmain: 1\n"))


def test_several_environments_are_refused(tmp_path: Path) -> None:
    text = "python_env: a.yaml\ndocker_env:\n  image: x\n"
    with pytest.raises(ExecutionException, match="multiple environment fields"):
        load_project(_project(tmp_path, text, **{"a.yaml": ""}))


def test_missing_environment_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ExecutionException, match=r"python_env file .*gone\.yaml, but no such file"):
        load_project(_project(tmp_path, "python_env: gone.yaml\n"))
    with pytest.raises(ExecutionException, match=r"conda environment file .*c\.yaml, but no such"):
        load_project(_project(tmp_path, "conda_env: c.yaml\n"))


def test_environment_file_outside_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text("")
    inner = tmp_path / "p"
    inner.mkdir()
    with pytest.raises(ExecutionException, match="outside the project"):
        load_project(_project(inner, "python_env: ../outside.yaml\n"))


def test_default_environment_files_are_found(tmp_path: Path) -> None:
    (tmp_path / "conda.yaml").write_text("dependencies: []\n")
    assert load_project(tmp_path).env_type == CONDA_ENV
    (tmp_path / "python_env.yaml").write_text("dependencies: []\n")
    assert load_project(tmp_path).env_type == PYTHON_ENV


def test_docker_env_with_volumes_and_environment(tmp_path: Path) -> None:
    text = """\
docker_env:
  image: mlflow-docker-example-environment
  volumes: ["/local/path:/container/mount/path"]
  environment: [["NEW_ENV_VAR", "new_var_value"], "VAR_TO_COPY_FROM_HOST_ENVIRONMENT"]
entry_points:
  main:
    command: "python train.py"
"""
    project = load_project(_project(tmp_path, text))
    assert project.env_type == DOCKER_ENV
    assert project.docker_env is not None
    assert project.docker_env.image == "mlflow-docker-example-environment"
    assert project.docker_env.volumes == ("/local/path:/container/mount/path",)
    assert project.docker_env.environment == (
        ("NEW_ENV_VAR", "new_var_value"),
        "VAR_TO_COPY_FROM_HOST_ENVIRONMENT",
    )


@pytest.mark.parametrize(
    ("docker", "message"),
    [
        ("{volumes: []}", "no image attribute found"),
        ("{image: x, volumes: [1, 2]}", "Docker volumes must be a list of strings"),
        ("{image: x, environment: [[a, b, c]]}", "environment must be a list containing"),
    ],
)
def test_bad_docker_env_is_refused(tmp_path: Path, docker: str, message: str) -> None:
    with pytest.raises(ExecutionException, match=message):
        load_project(_project(tmp_path, f"docker_env: {docker}\n"))


@pytest.mark.parametrize(
    ("entry_points", "message"),
    [
        ("{main: {parameters: {a: int}, command: x}}", "unknown type 'int'"),
        ("{main: {parameters: {a: {type: float, dflt: 1}}, command: x}}", "unknown fields"),
        ("{main: {parameters: {}}}", "must have a 'command' string"),
        ("[main]", "must be a mapping"),
    ],
)
def test_malformed_entry_points_are_refused(
    tmp_path: Path, entry_points: str, message: str
) -> None:
    with pytest.raises(ExecutionException, match=message):
        load_project(_project(tmp_path, f"entry_points: {entry_points}\n"))
