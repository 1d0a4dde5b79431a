"""The ``heron`` command: a click group per noun, each command thin (parse, call, print)."""

from __future__ import annotations

from typing import Any

import click

from heron.cli.artifacts import artifacts
from heron.cli.db import db
from heron.cli.experiments import experiments
from heron.cli.gc import gc
from heron.cli.models import add_models_commands
from heron.cli.registry import registered_models
from heron.cli.run import run
from heron.cli.runs import runs
from heron.cli.sections import format_sections
from heron.cli.server import server
from heron.cli.state import CliState
from heron.cli.transfer import add_transfer_commands
from heron.exceptions import HeronError
from heron.version import __version__


class HeronGroup(click.Group):
    """A group that reports Heron's errors as ``Error: <message>`` (exit 1), no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen subcommand, turning a :class:`HeronError` into a click error."""
        try:
            return super().invoke(ctx)
        except HeronError as error:
            raise click.ClickException(error.message) from error

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands in sections, MLflow's first (see :mod:`heron.cli.sections`)."""
        format_sections(self, ctx, formatter)


@click.group(cls=HeronGroup)
@click.version_option(__version__, prog_name="heron")
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
    ctx.obj = CliState(tracking_uri=tracking_uri)


for _group in (experiments, runs, artifacts, db, registered_models):
    cli.add_command(_group)
cli.add_command(server)
cli.add_command(gc)
cli.add_command(server, name="ui")
cli.add_command(run)
add_transfer_commands(cli)
add_models_commands(cli)
