"""``heron.projects.run``: fetch a project, create its run, build its environment, launch it."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from heron.environments import EnvironmentSpec, prepare_environment, validate_env_manager
from heron.exceptions import ExecutionException, InvalidParameter
from heron.projects.parameters import compute_command, compute_parameters
from heron.projects.sources import FetchedProject, fetch_project
from heron.projects.spec import CONDA_ENV, DOCKER_ENV, EntryPoint, Project, load_project
from heron.projects.submitted import LocalSubmittedRun, SubmittedRun
from heron.projects.tracking import (
    absolute_tracking_uri,
    child_environ,
    parent_run_id,
    project_tags,
    resolve_experiment_id,
    start_project_run,
)

_logger = logging.getLogger(__name__)

BACKENDS = ("local",)
DOCKER_ARGS_KEY, STORAGE_DIR_KEY, BUILD_IMAGE_KEY = "DOCKER_ARGS", "STORAGE_DIR", "build_image"


def read_backend_config(backend_config: Mapping[str, Any] | str | None) -> dict[str, Any]:
    """A backend config given as a dict or as the path of a JSON file.

    Raises:
        InvalidParameter: The file is missing, is not JSON, or is not a JSON object.
    """
    if backend_config is None:
        return {}
    if isinstance(backend_config, Mapping):
        return dict(backend_config)
    path = Path(backend_config)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidParameter(f"Cannot read backend config {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise InvalidParameter(
            f"Backend config {path} is not valid JSON (line {error.lineno}): {error.msg}"
        ) from None
    if not isinstance(loaded, dict):
        raise InvalidParameter(f"Backend config {path} must be a JSON object.")
    return loaded


def _env_manager_for(project: Project, requested: str | None) -> str:
    if project.env_type == DOCKER_ENV:
        return "docker"
    if requested is not None:
        name = validate_env_manager(requested)
        if name == "conda" and project.env_type != CONDA_ENV and project.env_config_path:
            raise InvalidParameter(
                "python_env project cannot be executed using conda. Set `--env-manager` to "
                "'virtualenv' or 'local' to execute this project."
            )
        return name
    if project.env_config_path is None:
        return "local"  # nothing to install: the running interpreter, no build at all
    if project.env_type == CONDA_ENV:
        if shutil.which("conda") or os.environ.get("MLFLOW_CONDA_HOME"):
            return "conda"
        _logger.warning(
            "conda is not installed; building the conda.yaml's pip part with virtualenv"
        )
    return "virtualenv"


def _spec_of(project: Project) -> EnvironmentSpec:
    if project.env_config_path is None:
        return EnvironmentSpec(base_dir=project.directory)
    if project.env_type == CONDA_ENV:
        return EnvironmentSpec.from_conda(project.env_config_path)
    return EnvironmentSpec.from_python_env(project.env_config_path)


def run(
    uri: str,
    entry_point: str = "main",
    version: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    docker_args: Mapping[str, str | bool] | None = None,
    experiment_name: str | None = None,
    experiment_id: str | None = None,
    backend: str = "local",
    backend_config: Mapping[str, Any] | str | None = None,
    storage_dir: str | None = None,
    synchronous: bool = True,
    run_id: str | None = None,
    run_name: str | None = None,
    env_manager: str | None = None,
    build_image: bool = False,
    docker_auth: Mapping[str, Any] | None = None,
) -> SubmittedRun:
    """Run an MLflow project (a folder or a git URI, ``uri#subdir``), as ``mlflow.projects.run``.

    Args:
        uri: A local folder, or a git URI (``https://``, ``file://``, ``git://``, ``ssh``).
        entry_point: An entry point of the MLproject, or a ``.py`` / ``.sh`` file.
        version: A git branch, tag or commit to check out.
        parameters: Values of the entry point's parameters; others become ``--key value``.
        docker_args: Extra ``docker run`` arguments (docker projects).
        experiment_name: Experiment to run in (created when missing).
        experiment_id: Experiment id to run in.
        backend: ``local`` (the only one: Heron runs no Databricks or Kubernetes jobs).
        backend_config: A dict or a JSON file path (``DOCKER_ARGS``, ``STORAGE_DIR``,
            ``build_image``).
        storage_dir: Where remote ``path`` parameters are downloaded.
        synchronous: Wait for the run; a failure raises :class:`ExecutionException`.
        run_id: Resume this run instead of creating one.
        run_name: The new run's name.
        env_manager: ``local``, ``virtualenv``, ``uv`` or ``conda``; by default the project's
            environment file decides (``virtualenv`` for python_env, ``conda`` for conda.yaml,
            ``local`` when it has none).
        build_image: Docker projects: build an image with the project copied in.
        docker_auth: Accepted for MLflow compatibility; log in with ``docker login`` instead.

    Returns:
        The :class:`SubmittedRun` (already finished when ``synchronous``).

    Raises:
        ExecutionException: Bad project, parameters, environment, or (synchronous) a failed
            command; InvalidParameter: bad arguments. No run is left RUNNING.
    """
    if backend not in BACKENDS:
        raise InvalidParameter(
            f"Backend {backend!r} is not supported; use one of {list(BACKENDS)}."
        )
    config = read_backend_config(backend_config)
    docker_args = dict(docker_args or config.get(DOCKER_ARGS_KEY) or {})
    build_image = bool(build_image or config.get(BUILD_IMAGE_KEY))
    storage_dir = storage_dir or config.get(STORAGE_DIR_KEY)
    params = {str(k): v for k, v in (parameters or {}).items()}
    del docker_auth
    fetched = fetch_project(uri, version)
    try:
        project = load_project(fetched.directory)
        point = project.get_entry_point(entry_point)
        manager = _env_manager_for(project, env_manager)
        if manager == "docker":
            from heron.projects.docker import docker_available

            reason = docker_available()
            if reason is not None:
                raise ExecutionException(f"Cannot run docker project: {reason}.")
        declared, extra = compute_parameters(point, params, None)
    except BaseException:
        fetched.cleanup()
        raise
    return _launch(
        fetched, project, point, manager, params, {**declared, **extra},
        experiment_name=experiment_name, experiment_id=experiment_id, run_id=run_id,
        run_name=run_name, storage_dir=storage_dir, synchronous=synchronous,
        docker_args=docker_args, build_image=build_image,
    )  # fmt: skip


def _launch(
    fetched: FetchedProject,
    project: Project,
    point: EntryPoint,
    manager: str,
    params: Mapping[str, Any],
    resolved: Mapping[str, str],
    *,
    experiment_name: str | None,
    experiment_id: str | None,
    run_id: str | None,
    run_name: str | None,
    storage_dir: str | None,
    synchronous: bool,
    docker_args: Mapping[str, str | bool],
    build_image: bool,
) -> SubmittedRun:
    from heron.tracking import session

    tracking_uri = absolute_tracking_uri(session.get_tracking_uri())
    from heron.tracking.client import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    try:
        exp_id = resolve_experiment_id(client, experiment_name, experiment_id)
        tags = project_tags(fetched.source_name, point.name, fetched.git, manager, parent_run_id())
        active = start_project_run(
            client,
            run_id=run_id,
            experiment_id=exp_id,
            run_name=run_name,
            tags=tags,
            params=resolved,
        )
    except BaseException:
        fetched.cleanup()
        raise
    the_run_id = active.info.run_id
    downloads = Path(tempfile.mkdtemp(prefix="heron-project-params-", dir=_storage(storage_dir)))

    def finish(status: str) -> None:
        shutil.rmtree(downloads, ignore_errors=True)
        fetched.cleanup()
        client.set_terminated(the_run_id, status)

    try:
        command = compute_command(point, params, downloads)
        env = child_environ(os.environ, tracking_uri, exp_id, the_run_id)
        if manager == "docker":
            artifact_uri = active.info.artifact_uri or ""
            from heron.projects.docker import prepare_docker_command

            argv = prepare_docker_command(client, project, the_run_id, command, env, artifact_uri,
                                          docker_args, build_image)  # fmt: skip
        else:
            if manager != "local":
                _logger.info("=== Preparing the %s environment ===", manager)
            environment = prepare_environment(_spec_of(project), manager)
            env = environment.environ(env)
            argv = ["bash", "-c", command]
        _logger.info("=== Running command '%s' in run with ID '%s' ===", command, the_run_id)
        process = _start(argv, project.directory, env)
    except KeyboardInterrupt:
        finish("KILLED")
        raise
    except BaseException:
        finish("FAILED")
        raise
    submitted = LocalSubmittedRun(the_run_id, process, on_exit=finish)
    if synchronous:
        wait_or_cancel(submitted)
    return submitted


def _storage(storage_dir: str | None) -> str | None:
    if storage_dir is not None:
        os.makedirs(storage_dir, exist_ok=True)
    return storage_dir


def _start(argv: list[str], cwd: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    sys.stdout.flush()
    sys.stderr.flush()
    return subprocess.Popen(argv, cwd=cwd, env=dict(env), start_new_session=True)


def wait_or_cancel(submitted: SubmittedRun, on_interrupt: Callable[[], None] | None = None) -> None:
    """Wait for a run; on Ctrl-C cancel it (status KILLED) and re-raise; on failure raise.

    Raises:
        ExecutionException: The command exited non-zero (the run is FAILED).
    """
    try:
        succeeded = submitted.wait()
    except BaseException:
        submitted.cancel()
        if on_interrupt is not None:
            on_interrupt()
        raise
    if not succeeded:
        code = getattr(submitted, "returncode", None)
        raise ExecutionException(
            f"Run (ID '{submitted.run_id}') failed" + (f" with exit code {code}" if code else "")
        )
