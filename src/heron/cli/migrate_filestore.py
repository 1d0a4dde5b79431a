"""``heron migrate-filestore``: MLflow's command for moving an ``mlruns`` folder into a
database, run by ``heron db import-mlflow`` (copy, then verify)."""

from __future__ import annotations

from pathlib import Path

import click

from heron.exceptions import InvalidParameter


def mlruns_folder(source: Path) -> Path:
    """The ``mlruns`` folder of ``source``: ``source/mlruns`` when there is one, else
    ``source`` itself when it holds experiment folders (as MLflow resolves it).

    Raises:
        InvalidParameter: Neither holds an ``mlruns`` tree.
    """
    nested = source / "mlruns"
    if nested.is_dir():
        return nested
    if any(
        d.is_dir() and (d.name.isdigit() or d.name in (".trash", "models"))
        for d in source.iterdir()
    ):
        return source
    raise InvalidParameter(f"Cannot find mlruns directory in '{source}'")


@click.command("migrate-filestore")
@click.option(
    "--source",
    required=True,
    type=click.Path(exists=True, file_okay=False, resolve_path=True),
    help="Root directory containing mlruns/ FileStore data (or the mlruns folder itself).",
)
@click.option(
    "--target",
    required=True,
    help="The Heron database to fill: sqlite:///heron.db, postgresql://..., mysql://...",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    help="Show progress bars during the migration.",
)
@click.pass_context
def migrate_filestore(ctx: click.Context, source: str, target: str, progress: bool) -> None:
    """Migrate MLflow FileStore data to a database.

    The same as `heron db import-mlflow <mlruns> TARGET`: experiments, runs, metrics,
    logged models and the registry are copied, then verified; artifacts stay where they
    are. An existing database is added to, not overwritten, and an interrupted migration
    resumes when run again.
    """
    from heron.cli.import_mlflow import import_mlflow

    folder = mlruns_folder(Path(source))
    ctx.invoke(
        import_mlflow,
        source=str(folder),
        dest=target,
        copy_artifacts=None,
        no_progress=not progress,
    )
