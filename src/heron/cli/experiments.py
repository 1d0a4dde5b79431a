"""``heron experiments``: create, search, delete, restore and rename experiments."""

from __future__ import annotations

import click

from heron.cli.refusals import TRACING, refused_option
from heron.cli.state import VIEW_CHOICE, VIEW_HELP, CliState, pass_state
from heron.cli.table import render_table
from heron.entities import Experiment, PagedList, ViewType
from heron.tracking.pages import read_pages

PER_PAGE = 1000

EXPERIMENT_ID = click.option("--experiment-id", "-x", required=True, help="The experiment's id.")


@click.group("experiments")
def experiments() -> None:
    """Manage experiments."""


@experiments.command("create")
@click.option("--experiment-name", "-n", required=True, help="A unique name.")
@click.option(
    "--artifact-location",
    "-l",
    default=None,
    help="Where the experiment's runs keep artifacts (default: under the artifact root).",
)
@refused_option("--trace-archival-retention", reason=TRACING)
@pass_state
def create(state: CliState, experiment_name: str, artifact_location: str | None) -> None:
    """Create an experiment."""
    experiment_id = state.client().create_experiment(experiment_name, artifact_location)
    click.echo(f"Created experiment '{experiment_name}' with id {experiment_id}")


@experiments.command("search")
@click.option(
    "--view", "-v", type=VIEW_CHOICE, default="active_only", show_default=True, help=VIEW_HELP
)
@click.option(
    "--max-results",
    type=click.IntRange(min=0),
    default=None,
    help="The most experiments to list (default: all).",
)
@pass_state
def search(state: CliState, view: str, max_results: int | None) -> None:
    """List experiments in a table."""
    client = state.client()

    def page(count: int, token: str | None) -> PagedList[Experiment]:
        return client.search_experiments(
            view_type=ViewType.from_string(view), max_results=count, page_token=token
        )

    found = read_pages(page, PER_PAGE, max_results)
    rows = sorted((e.experiment_id, e.name, e.artifact_location) for e in found)  # as MLflow
    click.echo(render_table(["Experiment Id", "Name", "Artifact Location"], rows))


@experiments.command("delete")
@EXPERIMENT_ID
@pass_state
def delete(state: CliState, experiment_id: str) -> None:
    """Soft-delete an experiment and its runs."""
    state.client().delete_experiment(experiment_id)
    click.echo(f"Experiment with ID {experiment_id} has been deleted.")


@experiments.command("restore")
@EXPERIMENT_ID
@pass_state
def restore(state: CliState, experiment_id: str) -> None:
    """Restore a deleted experiment and its runs."""
    state.client().restore_experiment(experiment_id)
    click.echo(f"Experiment with id {experiment_id} has been restored.")


@experiments.command("rename")
@EXPERIMENT_ID
@click.option("--new-name", required=True, help="The experiment's new name.")
@pass_state
def rename(state: CliState, experiment_id: str, new_name: str) -> None:
    """Rename an experiment."""
    state.client().rename_experiment(experiment_id, new_name)
    click.echo(f"Experiment with id {experiment_id} has been renamed to '{new_name}'.")


def _add_classic_commands() -> None:
    from heron.cli.classic import experiment_csv, get_experiment

    experiments.add_command(get_experiment)
    experiments.add_command(experiment_csv)


_add_classic_commands()
