"""MLflow's remaining classic commands: ``experiments get``, ``experiments csv``,
``runs create``, with MLflow's options and output."""

from __future__ import annotations

import json
from typing import Any

import click

from heron.cli.state import CliState, pass_state
from heron.entities import Experiment, PagedList, Run, ViewType
from heron.exceptions import NotFound
from heron.tracking.pages import read_pages

_PER_PAGE = 1000


@click.command("get")
@click.option("--experiment-id", "-x", default=None, help="ID of the experiment to retrieve.")
@click.option("--experiment-name", "-n", default=None, help="Name of the experiment to retrieve.")
@click.option(
    "--output",
    type=click.Choice(["json", "table"]),
    default="table",
    help="Output format: 'table' (default) or 'json'.",
)
@pass_state
def get_experiment(
    state: CliState, experiment_id: str | None, experiment_name: str | None, output: str
) -> None:
    """Get details of an experiment by ID or name: name, artifact location, lifecycle stage,
    tags, creation and last update time."""
    if (experiment_id is None) == (experiment_name is None):
        raise click.UsageError("Must specify exactly one of --experiment-id or --experiment-name.")
    client = state.client()
    if experiment_id is not None:
        experiment = client.get_experiment(experiment_id)
    else:
        found = client.get_experiment_by_name(str(experiment_name))
        if found is None:
            raise NotFound(f"Experiment with name '{experiment_name}' does not exist.")
        experiment = found
    if output == "json":
        click.echo(json.dumps(_experiment_dict(experiment), indent=2))
        return
    rows = [
        ("Experiment ID", experiment.experiment_id),
        ("Name", experiment.name),
        ("Artifact Location", experiment.artifact_location),
        ("Lifecycle Stage", experiment.lifecycle_stage),
        ("Creation Time", experiment.creation_time or "N/A"),
        ("Last Update Time", experiment.last_update_time or "N/A"),
        ("Tags", ", ".join(f"{k}={v}" for k, v in experiment.tags.items())),
    ]
    width = max(len(name) for name, _ in rows) + 2
    for name, value in rows:
        click.echo(f"{name.ljust(width)}: {value}")


def _experiment_dict(experiment: Experiment) -> dict[str, Any]:
    return {
        "experiment_id": experiment.experiment_id,
        "name": experiment.name,
        "artifact_location": experiment.artifact_location,
        "lifecycle_stage": experiment.lifecycle_stage,
        "tags": dict(experiment.tags),
        "creation_time": experiment.creation_time,
        "last_update_time": experiment.last_update_time,
    }


@click.command("csv")
@click.option("--experiment-id", "-x", required=True, help="The experiment's id.")
@click.option("--filename", "-o", default=None, help="Write here instead of standard output.")
@pass_state
def experiment_csv(state: CliState, experiment_id: str, filename: str | None) -> None:
    """Generate CSV with all runs for an experiment (the columns of ``search_runs``)."""
    from heron.tracking.dataframe import runs_to_dataframe

    client = state.client()

    def page(count: int, token: str | None) -> PagedList[Run]:
        return client.search_runs(
            [experiment_id], run_view_type=ViewType.ACTIVE_ONLY, max_results=count,
            page_token=token,
        )  # fmt: skip

    frame = runs_to_dataframe(read_pages(page, _PER_PAGE, None))
    if filename:
        frame.to_csv(filename, index=False)
        click.echo(
            f"Experiment with ID {experiment_id} has been exported as a CSV to file: {filename}."
        )
    else:
        click.echo(frame.to_csv(index=False))


def _parse_tags(tags: tuple[str, ...]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for tag in tags:
        key, equals, value = tag.partition("=")
        if not equals:
            raise click.UsageError(
                f"Invalid tag format: '{tag}'. Tags must be in key=value format."
            )
        if key in parsed:
            raise click.UsageError(f"Duplicate tag key: '{key}'")
        parsed[key] = value
    return parsed


@click.command("create")
@click.option(
    "--experiment-id",
    envvar=["HERON_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_ID"],
    default=None,
    help="ID of the experiment under which to create the run. "
    "Must specify either this or --experiment-name.",
)
@click.option(
    "--experiment-name",
    envvar=["HERON_EXPERIMENT_NAME", "MLFLOW_EXPERIMENT_NAME"],
    default=None,
    help="Name of the experiment under which to create the run (created if missing). "
    "Must specify either this or --experiment-id.",
)
@click.option("--run-name", default=None, help="Optional human-readable name for the run.")
@click.option("--description", default=None, help="Optional description of the run.")
@click.option("--tags", "-t", multiple=True, help="key=value; repeat for several tags.")
@click.option(
    "--status",
    type=click.Choice(["FINISHED", "FAILED", "KILLED"], case_sensitive=False),
    default="FINISHED",
    help="Final status of the run.",
)
@click.option("--parent-run-id", default=None, help="Create a nested run under this run.")
@pass_state
def create_run(
    state: CliState,
    experiment_id: str | None,
    experiment_name: str | None,
    run_name: str | None,
    description: str | None,
    tags: tuple[str, ...],
    status: str,
    parent_run_id: str | None,
) -> None:
    """Create a run and immediately end it with the given status; prints it as JSON."""
    from heron.tracking.context import resolve_tags

    if (experiment_id is None) == (experiment_name is None):
        raise click.UsageError("Must specify exactly one of --experiment-id or --experiment-name.")
    client = state.client()
    run_tags = resolve_tags(_parse_tags(tags))
    if description is not None:
        run_tags["mlflow.note.content"] = description
    if parent_run_id is not None:
        client.get_run(parent_run_id)  # NotFound for an unknown parent
        run_tags["mlflow.parentRunId"] = parent_run_id
    if experiment_name is not None:
        existing = client.get_experiment_by_name(experiment_name)
        experiment_id = (
            existing.experiment_id if existing else client.create_experiment(experiment_name)
        )
    assert experiment_id is not None
    run = client.create_run(experiment_id, tags=run_tags, run_name=run_name)
    client.set_terminated(run.info.run_id, status=status.upper())
    output = {
        "run_id": run.info.run_id,
        "experiment_id": run.info.experiment_id,
        "status": status.upper(),
        "run_name": run_name,
    }
    click.echo(json.dumps(output, indent=2))
