"""``heron run``: run an MLflow project (a folder or a git URI) as a Heron run."""

from __future__ import annotations

import json
import signal
import sys
from types import FrameType
from typing import Any

import click

from heron.cli.state import CliState, pass_state
from heron.environments import ENV_MANAGERS

ENV_MANAGER_CHOICE = click.Choice(list(ENV_MANAGERS), case_sensitive=False)


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint=option)
        pairs[name] = value
    return pairs


def _docker_args(values: tuple[str, ...]) -> dict[str, str | bool]:
    args: dict[str, str | bool] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not name:
            raise click.BadParameter(f"expected NAME or NAME=VALUE, got {item!r}", param_hint="-A")
        args[name] = value if sep else True
    return args


def _backend_config(text: str | None) -> dict[str, Any] | str | None:
    """A JSON file path (``*.json``) or a JSON object given inline, as MLflow accepts."""
    if text is None or text.endswith(".json"):
        return text
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise click.BadParameter(
            f"not a .json file nor a JSON object ({error.msg})", param_hint="--backend-config"
        ) from None
    if not isinstance(loaded, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--backend-config")
    return loaded


def _show_progress() -> None:
    """Print the projects' progress lines (environment built, command run) on stderr."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("heron.projects", "heron.environments"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)


def _terminate_as_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@click.command("run", short_help="Run an MLflow project (a folder or a git URI).")
@click.argument("uri")
@click.option(
    "--entry-point",
    "-e",
    default="main",
    show_default=True,
    metavar="NAME",
    help="Entry point of the MLproject, or a .py/.sh file of the project.",
)
@click.option(
    "--version",
    "-v",
    "version",
    default=None,
    metavar="REF",
    help="Git branch, tag or commit to run (git projects).",
)
@click.option(
    "--param-list",
    "-P",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter; repeat for several. Unknown ones become --NAME VALUE.",
)
@click.option(
    "--docker-args",
    "-A",
    multiple=True,
    metavar="NAME[=VALUE]",
    help="A `docker run` argument (-A gpus=all) or flag (-A t), docker projects.",
)
@click.option(
    "--experiment-name",
    envvar="MLFLOW_EXPERIMENT_NAME",
    default=None,
    help="Experiment to run in (created when missing).",
)
@click.option(
    "--experiment-id", envvar="MLFLOW_EXPERIMENT_ID", default=None, help="Experiment id to run in."
)
@click.option(
    "--backend",
    "-b",
    default="local",
    show_default=True,
    metavar="BACKEND",
    help="Execution backend; Heron runs projects locally.",
)
@click.option(
    "--backend-config",
    "-c",
    default=None,
    metavar="FILE|JSON",
    help="Backend config: a .json file or a JSON object.",
)
@click.option(
    "--env-manager",
    type=ENV_MANAGER_CHOICE,
    default=None,
    help="How to build the environment: local, virtualenv, uv or conda "
    "(default: from the project's environment file).",
)
@click.option(
    "--storage-dir",
    default=None,
    envvar=["HERON_TMP_DIR", "MLFLOW_TMP_DIR"],
    metavar="DIR",
    help="Where remote `path` parameters are downloaded.",
)
@click.option("--run-id", default=None, help="Resume this run instead of creating one.")
@click.option("--run-name", default=None, help="Name of the new run.")
@click.option(
    "--build-image",
    is_flag=True,
    default=False,
    help="Docker projects: build an image with the project copied in.",
)
@pass_state
def run(
    state: CliState,
    uri: str,
    entry_point: str,
    version: str | None,
    param_list: tuple[str, ...],
    docker_args: tuple[str, ...],
    experiment_name: str | None,
    experiment_id: str | None,
    backend: str,
    backend_config: str | None,
    env_manager: str | None,
    storage_dir: str | None,
    run_id: str | None,
    run_name: str | None,
    build_image: bool,
) -> None:
    """Run the project at URI (a folder, or a git URI with optional #subdirectory).

    The command's output streams live; its exit code is this command's. Ctrl-C (or SIGTERM)
    stops the command and marks the run KILLED.
    """
    from heron.exceptions import ExecutionException
    from heron.projects.execution import run as run_project
    from heron.projects.execution import wait_or_cancel

    if state.tracking_uri:
        from heron.tracking import session

        session.set_tracking_uri(state.tracking_uri)
    _show_progress()
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        submitted = run_project(
            uri, entry_point=entry_point, version=version,
            parameters=_pairs(param_list, "-P"), docker_args=_docker_args(docker_args),
            experiment_name=experiment_name, experiment_id=experiment_id, backend=backend,
            backend_config=_backend_config(backend_config), storage_dir=storage_dir,
            synchronous=False, run_id=run_id, run_name=run_name, env_manager=env_manager,
            build_image=build_image,
        )  # fmt: skip
        try:
            wait_or_cancel(submitted)
        except KeyboardInterrupt:
            click.echo(f"=== Run (ID '{submitted.run_id}') was interrupted: KILLED ===", err=True)
            sys.exit(130)
        except ExecutionException:
            code = getattr(submitted, "returncode", None) or 1
            click.echo(f"=== Run (ID '{submitted.run_id}') failed ===", err=True)
            sys.exit(code if 0 < code < 256 else 1)
        click.echo(f"=== Run (ID '{submitted.run_id}') succeeded ===", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
