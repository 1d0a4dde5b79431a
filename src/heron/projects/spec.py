"""The MLproject file: name, one environment, entry points with typed parameters.

Parsing follows MLflow's rules and messages; on top of them a malformed file is named with
its line, and a ``float`` parameter that is not a number is refused before anything runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heron.environments import CONDA_ENV_FILE, PYTHON_ENV_FILE
from heron.exceptions import ExecutionException
from heron.projects.parameters import Parameter, parse_parameter

MLPROJECT_FILE_NAME = "mlproject"
PYTHON_ENV, CONDA_ENV, DOCKER_ENV = "python_env", "conda_env", "docker_env"
ENV_FIELDS = (PYTHON_ENV, CONDA_ENV, DOCKER_ENV)


@dataclass(frozen=True)
class DockerEnv:
    """A ``docker_env``: an image, volumes, and variables (names copied or ``[name, value]``)."""

    image: str
    volumes: tuple[str, ...] = ()
    environment: tuple[str | tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EntryPoint:
    """A named command with parameters; ``{name}`` placeholders take shell-quoted values."""

    name: str
    parameters: dict[str, Parameter]
    command: str


@dataclass(frozen=True)
class Project:
    """A loaded project folder.

    Attributes:
        directory: The project's root.
        name: The MLproject ``name`` (None without one).
        env_type: ``python_env``, ``conda_env`` or ``docker_env``.
        env_config_path: The python_env.yaml / conda.yaml file, None when the project has none.
        entry_points: The declared entry points.
        docker_env: The docker environment when ``env_type`` is ``docker_env``.
    """

    directory: Path
    name: str | None
    env_type: str
    env_config_path: Path | None
    entry_points: dict[str, EntryPoint] = field(default_factory=dict)
    docker_env: DockerEnv | None = None

    def get_entry_point(self, entry_point: str) -> EntryPoint:
        """A declared entry point, else a ``.py`` / ``.sh`` file of the project run by name.

        Raises:
            ExecutionException: Neither; the known entry points are listed.
        """
        if entry_point in self.entry_points:
            return self.entry_points[entry_point]
        runners = {".py": "python", ".sh": os.environ.get("SHELL", "bash")}
        extension = os.path.splitext(entry_point)[1]
        if extension in runners:
            import shlex

            return EntryPoint(entry_point, {}, f"{runners[extension]} {shlex.quote(entry_point)}")
        raise ExecutionException(
            f"Could not find {entry_point} among entry points {list(self.entry_points)} or "
            f"interpret {entry_point} as a runnable script. Supported script file extensions: "
            f"{list(runners)}"
        )


def find_mlproject(directory: Path) -> Path | None:
    """The MLproject file of ``directory`` (any letter case), else None."""
    for child in directory.iterdir():
        if child.name.lower() == MLPROJECT_FILE_NAME and child.is_file():
            return child
    return None


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "syntax error"
        raise ExecutionException(
            f"Project configuration (MLproject file) {path} is not valid YAML{where}: {problem}"
        ) from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ExecutionException(
            f"Project configuration (MLproject file) {path} must be a mapping."
        )
    return document


def load_project(directory: str | os.PathLike[str]) -> Project:
    """Load the project in ``directory`` (with or without an MLproject file).

    Raises:
        ExecutionException: Invalid YAML (with its line), several environments, a missing
            environment file, malformed entry points or parameters.
    """
    root = Path(directory)
    if not root.is_dir():
        raise ExecutionException(f"Project directory {root} does not exist.")
    mlproject = find_mlproject(root)
    document = _read_yaml(mlproject) if mlproject else {}
    env_fields = sorted(set(document).intersection(ENV_FIELDS))
    if len(env_fields) > 1:
        raise ExecutionException(
            f"Project cannot contain multiple environment fields: {env_fields}"
        )
    name = document.get("name")
    entry_points = _entry_points(document.get("entry_points") or {})
    if DOCKER_ENV in document:
        docker = _docker_env(document[DOCKER_ENV])
        return Project(root, _text(name), DOCKER_ENV, None, entry_points, docker)
    env_type, env_path = _env_file(root, document)
    return Project(root, _text(name), env_type, env_path, entry_points)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _env_file(root: Path, document: dict[str, Any]) -> tuple[str, Path | None]:
    for key, label in ((PYTHON_ENV, "python_env"), (CONDA_ENV, "conda environment")):
        if key in document:
            value = document[key]
            if not isinstance(value, str) or not value:
                raise ExecutionException(f"Project {key} must be a relative file path.")
            path = (root / value).resolve()
            if not path.is_relative_to(root.resolve()):
                raise ExecutionException(f"Project {key} file {value} is outside the project.")
            if not path.is_file():
                raise ExecutionException(
                    f"Project specified {label} file {path}, but no such file was found."
                )
            return key, path
    for file, key in ((PYTHON_ENV_FILE, PYTHON_ENV), (CONDA_ENV_FILE, CONDA_ENV)):
        if (root / file).is_file():
            return key, root / file
    return PYTHON_ENV, None


def _entry_points(section: Any) -> dict[str, EntryPoint]:
    if not isinstance(section, dict):
        raise ExecutionException("Project entry_points must be a mapping of name to entry point.")
    points: dict[str, EntryPoint] = {}
    for name, body in section.items():
        if not isinstance(body, dict) or not isinstance(body.get("command"), str):
            raise ExecutionException(f"Entry point '{name}' must have a 'command' string.")
        parameters = body.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise ExecutionException(f"Entry point '{name}': parameters must be a mapping.")
        parsed = {str(key): parse_parameter(str(key), value) for key, value in parameters.items()}
        points[str(name)] = EntryPoint(str(name), parsed, body["command"])
    return points


def _docker_env(section: Any) -> DockerEnv:
    prefix = "Project configuration (MLproject file) was invalid: "
    if not isinstance(section, dict) or not section.get("image"):
        raise ExecutionException(
            prefix + "Docker environment specified but no image attribute found."
        )
    volumes = section.get("volumes") or []
    if not isinstance(volumes, list) or not all(isinstance(v, str) for v in volumes):
        raise ExecutionException(
            prefix + "Docker volumes must be a list of strings, "
            """e.g.: '["/path1/:/path1", "/path2/:/path2"])"""
        )
    environment: list[str | tuple[str, str]] = []
    for item in section.get("environment") or []:
        if isinstance(item, str):
            environment.append(item)
        elif isinstance(item, list) and len(item) == 2 and all(isinstance(i, str) for i in item):
            environment.append((item[0], item[1]))
        else:
            raise ExecutionException(
                prefix + "environment must be a list containing either strings (to copy "
                "environment variables from host system) or lists of string pairs (to define "
                "new environment variables)."
                """E.g.: '[["NEW_VAR", "new_value"], "VAR_TO_COPY_FROM_HOST"])"""
            )
    return DockerEnv(str(section["image"]), tuple(volumes), tuple(environment))
