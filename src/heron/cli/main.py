"""The ``heron`` command: a click group per noun, each command thin (parse, call, print)."""

from __future__ import annotations

import os
from typing import Any

import click

from heron.cli.lazy import LazyCommand, LazyGroup
from heron.cli.sections import format_sections
from heron.cli.state import CliState
from heron.exceptions import HeronError
from heron.version import __version__

_TRANSFER = "heron.cli.transfer"
_TRANSFER_MODELS = "heron.cli.transfer_models"
_SERVER_HELP = "Serve the tracking REST API (MLflow's) and the artifact proxy."
_SERVER_SHORT_HELP = "Run the tracking server: REST API, artifacts, web UI."

#: Every subcommand: where it lives (imported on first use) and its one-line help.
COMMANDS: dict[str, LazyCommand] = {
    "experiments": LazyCommand("heron.cli.experiments:experiments", "Manage experiments."),
    "runs": LazyCommand("heron.cli.runs:runs", "Manage runs."),
    "artifacts": LazyCommand(
        "heron.cli.artifacts:artifacts", "Log, list and download artifacts of runs."
    ),
    "db": LazyCommand("heron.cli.db:db", "Manage the schema of a tracking database."),
    "gc": LazyCommand(
        "heron.cli.gc:gc", short_help="Permanently delete runs in the `deleted` lifecycle stage."
    ),
    "registered-models": LazyCommand(
        "heron.cli.registry:registered_models",
        "Manage registered models and their versions (the model registry).",
        short_help="Manage registered models and their versions.",
    ),
    "server": LazyCommand("heron.cli.server:server", _SERVER_HELP, _SERVER_SHORT_HELP),
    "ui": LazyCommand("heron.cli.server:server", _SERVER_HELP, _SERVER_SHORT_HELP),
    "run": LazyCommand(
        "heron.cli.run:run",
        "Run the project at URI (a folder, or a git URI with optional #subdirectory).",
        short_help="Run an MLflow project (a folder or a git URI).",
    ),
    "doctor": LazyCommand(
        "heron.cli.doctor:doctor",
        short_help="Prints out useful information for debugging issues.",
    ),
    "migrate-filestore": LazyCommand(
        "heron.cli.migrate_filestore:migrate_filestore",
        "Migrate MLflow FileStore data to a database.",
    ),
    "models": LazyCommand(
        "heron.cli.models:models",
        "Serve models, predict with them, and package them as Docker images.",
        short_help="Serve, predict with and package models (Docker).",
    ),
    "export-run": LazyCommand(f"{_TRANSFER}:export_run_command", "Export a run to a directory."),
    "import-run": LazyCommand(f"{_TRANSFER}:import_run_command", "Import a run from a directory."),
    "copy-run": LazyCommand(
        f"{_TRANSFER}:copy_run_command",
        "Copy a run straight to another tracking server (no directory in between).",
        short_help="Copy a run to another tracking server.",
    ),
    "export-experiment": LazyCommand(
        f"{_TRANSFER}:export_experiment_command",
        "Export an experiment and its runs to a directory.",
    ),
    "export-experiment-list": LazyCommand(
        f"{_TRANSFER}:export_experiment_list_command",
        "Export several (or all) experiments to a directory.",
        short_help="Export several (or all) experiments.",
    ),
    "import-experiment": LazyCommand(
        f"{_TRANSFER}:import_experiment_command",
        "Import an experiment's runs from a directory (the experiment is created if it does "
        "not exist; if it does, the runs are added to it).",
        short_help="Import an experiment's runs from a directory.",
    ),
    "import-experiment-list": LazyCommand(
        f"{_TRANSFER}:import_experiment_list_command",
        "Import a list of experiments from a directory.",
    ),
    "copy-experiment": LazyCommand(
        f"{_TRANSFER}:copy_experiment_command",
        "Copy an experiment and its runs straight to another tracking server.",
        short_help="Copy an experiment to another tracking server.",
    ),
    "export-model": LazyCommand(
        f"{_TRANSFER_MODELS}:export_model_command",
        "Export a registered model and its versions' runs to a directory.",
        short_help="Export a registered model and its versions' runs.",
    ),
    "export-model-list": LazyCommand(
        f"{_TRANSFER_MODELS}:export_model_list_command",
        "Export several (or all) registered models to a directory.",
        short_help="Export several (or all) registered models.",
    ),
    "import-model": LazyCommand(
        f"{_TRANSFER_MODELS}:import_model_command",
        "Import a registered model from a directory.",
    ),
    "list-models": LazyCommand(
        f"{_TRANSFER_MODELS}:list_models_command",
        "Write every registered model to registered_models.json.",
        short_help="List every registered model in a JSON file.",
    ),
    "copy-model": LazyCommand(
        f"{_TRANSFER_MODELS}:copy_model_command",
        "Copy a registered model, its versions and their runs straight to another tracking "
        "server (no directory in between).",
        short_help="Copy a registered model to another server.",
    ),
    "transfer": LazyCommand(
        "heron.cli.transfer_diff:transfer", "Compare what export, import and copy moved."
    ),
}


class HeronGroup(LazyGroup):
    """A group that reports Heron's errors as ``Error: <message>`` (exit 1), no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen subcommand, turning a :class:`HeronError` or an OS error (a
        missing input file, an output folder that does not exist) into a click error."""
        try:
            return super().invoke(ctx)
        except HeronError as error:
            raise click.ClickException(error.message) from error
        except BrokenPipeError:
            raise  # click ends quietly when stdout's reader went away (`heron ... | head`)
        except OSError as error:
            raise click.ClickException(_os_error_message(error)) from error

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands in sections, MLflow's first (see :mod:`heron.cli.sections`)."""
        format_sections(self, ctx, formatter)


def _os_error_message(error: OSError) -> str:
    """``No such file or directory: '/x.csv'``: the reason and the path, without errno."""
    if error.strerror and error.filename is not None:
        return f"{error.strerror}: {str(error.filename)!r}"
    return str(error)


def _load_env_file(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--env-file``: set the file's variables that are not set already (as MLflow does)."""
    if value is None:
        return
    import os

    if not os.path.isfile(value):
        raise click.BadParameter(f"Environment file '{value}' does not exist.", ctx, param)
    from dotenv import load_dotenv

    load_dotenv(value, override=False)
    click.echo(f"Loaded environment variables from: {value}", err=True)


@click.group(cls=HeronGroup, lazy_commands=COMMANDS)
@click.version_option(__version__, prog_name="heron")
@click.option(
    "--env-file",
    type=click.Path(dir_okay=False),
    callback=_load_env_file,
    expose_value=False,
    is_eager=True,
    help="Load environment variables from a dotenv file first (variables already set win).",
)
@click.option(
    "--tracking-uri",
    metavar="URI",
    default=None,
    help="Tracking store URI (default: HERON_TRACKING_URI, MLFLOW_TRACKING_URI, "
    "else sqlite:///heron.db).",
)
@click.pass_context
def cli(ctx: click.Context, tracking_uri: str | None) -> None:
    """Heron: track machine-learning experiments, runs and their artifacts."""
    if tracking_uri:
        # Every command follows it, also those that resolve runs:/ and models:/ URIs (models
        # serve, predict) and the processes they start (a model's environment, a project);
        # put back afterwards for callers that run the CLI in their own process.
        previous = os.environ.get(_TRACKING_URI_VARIABLE)
        os.environ[_TRACKING_URI_VARIABLE] = tracking_uri
        ctx.call_on_close(lambda: _restore_variable(_TRACKING_URI_VARIABLE, previous))
    ctx.obj = CliState(tracking_uri=tracking_uri)


_TRACKING_URI_VARIABLE = "HERON_TRACKING_URI"


def _restore_variable(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
