"""``heron runs``: list, describe, delete and restore runs."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from heron.cli.state import VIEW_CHOICE, VIEW_HELP, CliState, pass_state
from heron.cli.table import render_table
from heron.entities import PagedList, Run, ViewType
from heron.tracking.pages import read_pages

PER_PAGE = 1000
RUN_ID = click.option("--run-id", required=True, help="The run's id.")


@click.group("runs")
def runs() -> None:
    """Manage runs."""


def _local_time(millis: int | None) -> str:
    if millis is None:
        return ""
    return datetime.fromtimestamp(millis / 1000).strftime("%Y-%m-%d %H:%M:%S")


@runs.command("list")
@click.option(
    "--experiment-id",
    envvar=["HERON_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_ID"],
    required=True,
    help="The experiment whose runs to list.",
)
@click.option(
    "--view", "-v", type=VIEW_CHOICE, default="active_only", show_default=True, help=VIEW_HELP
)
@pass_state
def list_runs(state: CliState, experiment_id: str, view: str) -> None:
    """List an experiment's runs in a table, newest first."""
    client = state.client()

    def page(count: int, token: str | None) -> PagedList[Run]:
        return client.search_runs(
            [experiment_id],
            run_view_type=ViewType.from_string(view),
            max_results=count,
            page_token=token,
        )

    found = read_pages(page, PER_PAGE, None)
    rows = [(_local_time(r.info.start_time), r.info.run_name, r.info.run_id) for r in found]
    click.echo(render_table(["Date", "Name", "ID"], rows))


def run_to_dict(run: Run) -> dict[str, Any]:
    """A run as plain JSON-ready data, shaped like MLflow's ``Run.to_dictionary()``."""
    info = dict(run.info)
    info["run_uuid"] = run.info.run_id
    inputs = [
        {"dataset": dict(d.dataset), "tags": [dict(tag) for tag in d.tags]}
        for d in run.inputs.dataset_inputs
    ]
    return {
        "info": dict(sorted(info.items())),
        "data": run.data.to_dictionary(),
        "inputs": {"dataset_inputs": inputs} if inputs else {},
    }


@runs.command("describe")
@RUN_ID
@pass_state
def describe(state: CliState, run_id: str) -> None:
    """Print a run (info, metrics, params, tags, inputs) as JSON."""
    click.echo(json.dumps(run_to_dict(state.client().get_run(run_id)), indent=4))


@runs.command("delete")
@RUN_ID
@pass_state
def delete(state: CliState, run_id: str) -> None:
    """Soft-delete a run."""
    state.client().delete_run(run_id)
    click.echo(f"Run with ID {run_id} has been deleted.")


@runs.command("restore")
@RUN_ID
@pass_state
def restore(state: CliState, run_id: str) -> None:
    """Restore a deleted run."""
    state.client().restore_run(run_id)
    click.echo(f"Run with id {run_id} has been restored.")


def _add_classic_commands() -> None:
    from heron.cli.classic import create_run

    runs.add_command(create_run)


_add_classic_commands()
