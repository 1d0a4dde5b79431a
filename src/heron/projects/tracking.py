"""The Heron run behind a project run: experiment, tags, params, and the child's variables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from heron import config
from heron.entities import Param, Run, RunTag
from heron.exceptions import InvalidParameter, InvalidState
from heron.tracking.client import MlflowClient
from heron.tracking.context import current_user

SOURCE_NAME_TAG = "mlflow.source.name"
SOURCE_TYPE_TAG = "mlflow.source.type"
USER_TAG = "mlflow.user"
PARENT_RUN_ID_TAG = "mlflow.parentRunId"
ENTRY_POINT_TAG = "mlflow.project.entryPoint"
PROJECT_ENV_TAG = "mlflow.project.env"
PROJECT_BACKEND_TAG = "mlflow.project.backend"
DOCKER_IMAGE_URI_TAG = "mlflow.docker.image.uri"
DOCKER_IMAGE_ID_TAG = "mlflow.docker.image.id"


def absolute_tracking_uri(uri: str) -> str:
    """``uri`` with a relative local path made absolute, so a child in another folder (the
    project's) reaches the same store: ``sqlite:///heron.db`` -> ``sqlite:////cwd/heron.db``."""
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////"):
        rest = uri[len("sqlite:///") :]
        if rest and not rest.startswith(":memory:"):
            return "sqlite:///" + str(Path(rest).resolve())
        return uri
    if uri.startswith("file:") and not uri.startswith("file:/"):
        return Path(uri[len("file:") :]).resolve().as_uri()
    if "://" not in uri and not uri.startswith(("file:", "databricks")):
        return str(Path(uri).resolve())
    return uri


def resolve_experiment_id(
    client: MlflowClient, experiment_name: str | None, experiment_id: str | None
) -> str:
    """The experiment a project run goes to: by name (created when missing), else by id,
    else the environment's (HERON_/MLFLOW_EXPERIMENT_NAME or _ID), else ``"0"``.

    Raises:
        InvalidParameter: Both a name and an id were given.
    """
    if experiment_name and experiment_id:
        raise InvalidParameter("Specify only one of 'experiment_name' or 'experiment_id'.")
    if experiment_id:
        return client.get_experiment(str(experiment_id)).experiment_id
    name = experiment_name or config.EXPERIMENT_NAME.get()
    if name:
        existing = client.get_experiment_by_name(name)
        return existing.experiment_id if existing else client.create_experiment(name)
    from_env = config.EXPERIMENT_ID.get()
    if from_env:
        return client.get_experiment(from_env).experiment_id
    return "0"


def project_tags(
    source_name: str,
    entry_point: str,
    git: Mapping[str, str],
    env_name: str,
    parent_run_id: str | None,
) -> dict[str, str]:
    """MLflow's tags of a project run."""
    tags = {
        USER_TAG: current_user(),
        SOURCE_NAME_TAG: source_name,
        SOURCE_TYPE_TAG: "PROJECT",
        ENTRY_POINT_TAG: entry_point,
        PROJECT_ENV_TAG: env_name,
        PROJECT_BACKEND_TAG: "local",
        **git,
    }
    if parent_run_id:
        tags[PARENT_RUN_ID_TAG] = parent_run_id
    return tags


def start_project_run(
    client: MlflowClient,
    *,
    run_id: str | None,
    experiment_id: str,
    run_name: str | None,
    tags: Mapping[str, str],
    params: Mapping[str, str],
) -> Run:
    """Create the run (or resume ``run_id``: it must not be finished) and log its params."""
    if run_id:
        run = client.get_run(run_id)
        if run.info.lifecycle_stage != "active":
            raise InvalidState(f"Run {run_id} is deleted; restore it before resuming it.")
        client.update_run(run_id, status="RUNNING")
        resumed = [RunTag(k, v) for k, v in tags.items() if k != USER_TAG]
        client.log_batch(run_id, tags=resumed)
    else:
        run = client.create_run(experiment_id, tags=tags, run_name=run_name)
    if params:
        existing = client.get_run(run.info.run_id).data.params
        fresh = [Param(k, v) for k, v in params.items() if existing.get(k) != v]
        if fresh:
            client.log_batch(run.info.run_id, params=fresh)
    return client.get_run(run.info.run_id)


def child_environ(
    base: Mapping[str, str], tracking_uri: str, experiment_id: str, run_id: str
) -> dict[str, str]:
    """``base`` plus the variables that make ``import heron`` / ``import mlflow`` in the child
    log into the run: tracking URI, experiment id and run id, under both prefixes."""
    env = dict(base)
    for setting in (config.EXPERIMENT_NAME,):
        for name in setting.env_names:
            env.pop(name, None)
    for setting, value in (
        (config.TRACKING_URI, tracking_uri),
        (config.EXPERIMENT_ID, experiment_id),
        (config.RUN_ID, run_id),
    ):
        for name in setting.env_names:
            env[name] = value
    return env


def parent_run_id() -> str | None:
    """The active fluent run of this process (a workflow step's caller), if any."""
    from heron.tracking.fluent_runs import active_run

    active = active_run()
    return active.info.run_id if active is not None else None
