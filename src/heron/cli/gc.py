"""``heron gc``: permanently delete runs, experiments and logged models in the deleted stage."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from heron import config
from heron.cli.refusals import JOBS, WORKSPACES, refused_option

if TYPE_CHECKING:
    from heron.store.gc import ArtifactDeleter, GcPlan


def _ids(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _only_default_workspace(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value not in (None, "", "default"):
        raise click.UsageError(f"--workspace {value!r} is not supported by Heron: {WORKSPACES}")


@click.command("gc", short_help="Permanently delete runs in the `deleted` lifecycle stage.")
@click.option(
    "--older-than",
    default=None,
    help="Only what was deleted longer ago than this: #d#h#m#s, floats allowed "
    "(e.g. 30d, 1d2h3m4s, 1.5h).",
)
@click.option(
    "--backend-store-uri",
    metavar="URI",
    default=None,
    help="The Heron database or MLflow `mlruns` folder (a path or file: URI) to collect "
    "(default: the tracking URI, else "
    f"{config.DEFAULT_TRACKING_URI}).",
)
@click.option(
    "--artifacts-destination",
    envvar="MLFLOW_ARTIFACTS_DESTINATION",
    metavar="URI",
    default=None,
    help="Where a server with proxied artifacts keeps them: mlflow-artifacts: URIs are "
    "deleted there directly. Its interrupted uploads' leftovers are removed too.",
)
@click.option("--run-ids", default=None, help="Comma-separated runs to delete (all deleted).")
@click.option(
    "--experiment-ids",
    default=None,
    help="Comma-separated experiments to delete with all their runs (all deleted).",
)
@click.option("--logged-model-ids", default=None, help="Comma-separated logged models to delete.")
@click.option(
    "--tracking-uri",
    default=None,
    help="The tracking server that mlflow-artifacts: URIs are relative to "
    "(default: MLFLOW_TRACKING_URI).",
)
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
@click.option(
    "--jobs",
    is_flag=True,
    expose_value=False,
    help="Accepted for MLflow compatibility: Heron keeps no jobs, so none are deleted.",
)
@refused_option("--job-ids", reason=JOBS)
@click.option(
    "--workspace",
    envvar=["HERON_WORKSPACE", "MLFLOW_WORKSPACE"],
    expose_value=False,
    callback=_only_default_workspace,
    help="Accepted for MLflow compatibility: Heron has one workspace, 'default'.",
)
@click.option(
    "--all-workspaces",
    is_flag=True,
    expose_value=False,
    help="Accepted for MLflow compatibility: Heron has one workspace.",
)
def gc(
    older_than: str | None,
    backend_store_uri: str | None,
    artifacts_destination: str | None,
    run_ids: str | None,
    experiment_ids: str | None,
    logged_model_ids: str | None,
    tracking_uri: str | None,
    dry_run: bool,
) -> None:
    """Permanently delete runs, experiments and logged models in the `deleted` lifecycle
    stage: their metadata, metrics and artifacts. A deleted experiment's name is free
    again afterwards. Safe to interrupt: run it again to finish.

    \b
    heron gc --older-than 30d
    heron gc --run-ids 'run1,run2' --dry-run
    heron gc --experiment-ids '3,4'
    heron gc --backend-store-uri ./mlruns
    """
    from heron.store.gc import artifact_deleter, parse_age
    from heron.store.tracking.file.uris import is_folder_uri

    age = parse_age(older_than) if older_than is not None else None
    uri = backend_store_uri or config.tracking_uri(None)
    ids = (_ids(run_ids), _ids(experiment_ids), _ids(logged_model_ids))
    now = int(time.time() * 1000)
    deleter = artifact_deleter(tracking_uri or config.tracking_uri(None), artifacts_destination)
    if is_folder_uri(uri):
        _collect_folder(uri, now, age, ids, deleter, dry_run)
    else:
        _collect_database(uri, now, age, ids, deleter, dry_run)
    if not dry_run:
        _remove_partial_uploads(artifacts_destination)


_Ids = tuple[list[str] | None, list[str] | None, list[str] | None]


def _collect_database(
    uri: str, now: int, age: int | None, ids: _Ids, deleter: ArtifactDeleter, dry_run: bool
) -> None:
    from heron.store.db import Database, ensure_schema
    from heron.store.gc import plan_gc, sweep

    db = Database(uri)
    try:
        ensure_schema(db)
        plan = plan_gc(db, now, age, *ids)
        if dry_run:
            _list(plan)
        else:
            sweep(db, plan, deleter, click.echo)
    finally:
        db.close()


def _collect_folder(
    uri: str, now: int, age: int | None, ids: _Ids, deleter: ArtifactDeleter, dry_run: bool
) -> None:
    """An ``mlruns`` folder (a plain path or ``file:`` URI), collected in place."""
    from heron.store.tracking.file import check_mlruns_folder
    from heron.store.tracking.file.gc import plan_folder_gc, sweep_folder
    from heron.store.tracking.file.uris import mlruns_path

    root = mlruns_path(uri)
    check_mlruns_folder(root)
    plan = plan_folder_gc(root, now, age, *ids)
    if dry_run:
        _list(plan)
    else:
        sweep_folder(root, plan, deleter, click.echo)


def _list(plan: GcPlan) -> None:
    for run_id, _ in plan.run_ids:
        click.echo(f"Run with ID {run_id} would be permanently deleted.")
    for model_id, _ in plan.model_ids:
        click.echo(f"Logged model with ID {model_id} would be permanently deleted.")
    for experiment_id in plan.experiment_ids:
        click.echo(f"Experiment with ID {experiment_id} would be permanently deleted.")


def _remove_partial_uploads(artifacts_destination: str | None) -> None:
    from urllib.parse import urlparse

    from heron.store.artifacts.local import local_path_from_uri
    from heron.store.artifacts.staging import remove_partial_uploads

    if not artifacts_destination or urlparse(artifacts_destination).scheme not in ("", "file"):
        return
    removed = remove_partial_uploads(local_path_from_uri(artifacts_destination))
    if removed:
        click.echo(f"Removed {removed} file(s) left by interrupted uploads.")
