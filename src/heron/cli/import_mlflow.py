"""``heron db import-mlflow SOURCE DEST``: copy an MLflow database into a Heron database."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

_MAX_DIFFERENCES_SHOWN = 20


@click.command("import-mlflow")
@click.argument("source")
@click.argument("dest")
@click.option(
    "--copy-artifacts",
    "copy_artifacts",
    metavar="DIR",
    default=None,
    help="Copy each run's artifacts under DIR (DIR/<experiment id>/<run id>/artifacts) and "
    "each logged model's (DIR/<experiment id>/models/<model id>/artifacts), for database "
    "and mlruns-folder sources alike, and point them there. Without it, artifacts stay "
    "where they are.",
)
@click.option("--no-progress", is_flag=True, help="Do not draw progress bars.")
def import_mlflow(source: str, dest: str, copy_artifacts: str | None, no_progress: bool) -> None:
    """Copy the MLflow database SOURCE into the Heron database DEST, then verify it.

    SOURCE is an MLflow tracking database (sqlite:///mlflow.db, postgresql://...,
    mysql://...) of any MLflow schema revision from 1.x to 3.17, or an mlruns folder
    (./mlruns, file:///path/mlruns); DEST a Heron database
    URI (created if missing). Experiment ids are kept when DEST has none of them (an
    id past 2,147,483,647, as the file store makes, takes the next free one; printed).
    Experiments, runs with every metric point, params, tags, inputs, logged models and the
    model registry are copied; artifact locations are kept unless --copy-artifacts is given.
    Running it again resumes an interrupted import and changes nothing after a complete
    one. Exits 1 when the final verification finds a difference.
    """
    from heron.migration import open_import

    job = open_import(source, dest, copy_artifacts)
    try:
        click.echo(f"Importing {job.description} into {job.destination}", err=True)
        for run_dir in getattr(job, "half_written", []):
            click.echo(f"Skipping half-written run folder (no meta.yaml): {run_dir}", err=True)
        with _bar(len(job.runs), "Copying runs", no_progress) as bar:
            job.copy(bar.update)
        for line in job.mapping.renumbered():
            click.echo(line, err=True)
        with _bar(len(job.runs), "Verifying runs", no_progress) as bar:
            verification = job.verify(bar.update)
    finally:
        job.close()
    click.echo(job.summary())
    if not verification.ok:
        for line in verification.differences[:_MAX_DIFFERENCES_SHOWN]:
            click.echo(f"  {line}", err=True)
        raise click.ClickException(
            f"Verification failed: {len(verification.differences)} difference(s) between "
            f"the MLflow database and the Heron database; the import marker stays, run the "
            f"same command again to retry."
        )
    click.echo(
        f"Verified {verification.runs_checked} runs and {verification.points_checked} metric "
        f"points: the Heron database matches the MLflow database."
    )


def _bar(length: int, label: str, hidden: bool) -> ProgressBar[int]:
    return click.progressbar(
        length=length, label=label, file=sys.stderr, hidden=hidden, show_pos=True
    )
