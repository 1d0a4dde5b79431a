"""The export/import tools: ``export-run``, ``import-experiment-list``, ... (the model
tools are in :mod:`heron.cli.transfer_models`, ``heron transfer diff`` in
:mod:`heron.cli.transfer_diff`).

Each tool is a console script with the names, options, defaults and help texts of the
user guide (boolean options take a value: ``--import-mlflow-tags True``), and also a
``heron`` subcommand (``heron export-experiment ...``). The tracking URI comes from
``heron --tracking-uri``, else ``HERON_TRACKING_URI`` / ``MLFLOW_TRACKING_URI``: the
source when exporting, the destination when importing.
"""

from __future__ import annotations

import json
from typing import Any

import click

from heron.cli.transfer_options import (
    BUNDLE_FORMAT,
    DST_NOTEBOOK_DIR,
    DST_URI,
    EXPORT_METADATA_TAGS,
    INPUT_DIR,
    NOTEBOOK_FORMATS,
    NOTEBOOK_REVISION,
    OUTPUT_DIR,
    SRC_URI,
    WORKERS,
    bool_option,
    import_options,
    import_settings,
    notebook_note,
    reporter,
    tool,
    tracking_client,
    tracking_uri,
)


@click.command("export-run")
@click.option("--run-id", required=True, help="Run ID.")
@OUTPUT_DIR
@EXPORT_METADATA_TAGS
@NOTEBOOK_FORMATS
@NOTEBOOK_REVISION
@tool
def export_run_command(
    run_id: str,
    output_dir: str,
    export_metadata_tags: bool,
    notebook_formats: str,
    export_notebook_revision: bool,
) -> None:
    """Export a run to a directory."""
    from heron.transfer import export_run

    notebook_note(notebook_formats, export_notebook_revision)
    export_run(
        run_id,
        output_dir,
        client=tracking_client(),
        reporter=reporter(),
        export_metadata_tags=export_metadata_tags,
    )


@click.command("import-run")
@click.option(
    "--input-dir",
    "--input",
    "input_dir",
    required=True,
    help="Source input directory that contains the exported run.",
)
@click.option("--experiment-name", required=True, help="Destination experiment name.")
@click.option(
    "--run-id",
    default=None,
    help="Source run ID, when the input directory holds the run as a subdirectory.",
)
@import_options(mlflow_tags_default=False)
@DST_NOTEBOOK_DIR
@tool
def import_run_command(
    input_dir: str,
    experiment_name: str,
    run_id: str | None,
    dst_notebook_dir: str | None,
    **options: Any,
) -> None:
    """Import a run from a directory."""
    from heron.transfer import import_run

    notebook_note("", dst_notebook_dir)
    new_id = import_run(
        input_dir,
        experiment_name,
        client=tracking_client(),
        reporter=reporter(),
        run_id=run_id,
        **import_settings(options),
    )
    click.echo(f"Imported run '{new_id}' into experiment '{experiment_name}'")


@click.command("export-experiment")
@click.option("--experiment", required=True, help="Experiment name or ID.")
@OUTPUT_DIR
@EXPORT_METADATA_TAGS
@NOTEBOOK_FORMATS
@NOTEBOOK_REVISION
@click.option("--run-ids", default=None, help="Export only these runs (comma separated).")
@WORKERS
@BUNDLE_FORMAT
@tool
def export_experiment_command(
    experiment: str,
    output_dir: str,
    export_metadata_tags: bool,
    notebook_formats: str,
    export_notebook_revision: bool,
    run_ids: str | None,
    workers: int,
    bundle_format: str,
) -> None:
    """Export an experiment and its runs to a directory."""
    from heron.transfer import export_experiment

    notebook_note(notebook_formats, export_notebook_revision)
    ids = [i.strip() for i in run_ids.split(",") if i.strip()] if run_ids else None
    export_experiment(
        experiment,
        output_dir,
        client=tracking_client(),
        reporter=reporter(),
        run_ids=ids,
        export_metadata_tags=export_metadata_tags,
        workers=workers,
        bundle_format=bundle_format,
    )


@click.command("export-experiment-list", short_help="Export several (or all) experiments.")
@click.option(
    "--experiments",
    required=True,
    help="Experiment names or IDs (comma delimited). 'all' will export all experiments.",
)
@OUTPUT_DIR
@EXPORT_METADATA_TAGS
@NOTEBOOK_FORMATS
@NOTEBOOK_REVISION
@WORKERS
@BUNDLE_FORMAT
@tool
def export_experiment_list_command(
    experiments: str,
    output_dir: str,
    export_metadata_tags: bool,
    notebook_formats: str,
    export_notebook_revision: bool,
    workers: int,
    bundle_format: str,
) -> None:
    """Export several (or all) experiments to a directory."""
    from heron.transfer import export_experiments

    notebook_note(notebook_formats, export_notebook_revision)
    export_experiments(
        experiments,
        output_dir,
        client=tracking_client(),
        reporter=reporter(),
        export_metadata_tags=export_metadata_tags,
        workers=workers,
        bundle_format=bundle_format,
    )


def _peek(input_dir: str) -> None:
    from heron.transfer.experimentfile import read_experiment

    record = read_experiment(input_dir)
    experiment = record.experiment
    click.echo(
        json.dumps(
            {
                "experiment_id": experiment.experiment_id,
                "name": experiment.name,
                "tags": dict(experiment.tags),
                "runs": len(record.run_ids),
                "failed_runs": len(record.failed_run_ids),
            },
            indent=2,
        )
    )


@click.command("import-experiment", short_help="Import an experiment's runs from a directory.")
@click.option("--input-dir", "--input", "input_dir", required=True, help="Input path - directory")
@click.option("--experiment-name", required=True, help="Destination experiment name")
@bool_option("--just-peek", False, "Just display experiment metadata - do not import")
@import_options(mlflow_tags_default=True)
@DST_NOTEBOOK_DIR
@tool
def import_experiment_command(
    input_dir: str,
    experiment_name: str,
    just_peek: bool,
    dst_notebook_dir: str | None,
    **options: Any,
) -> None:
    """Import an experiment's runs from a directory (the experiment is created if it does
    not exist; if it does, the runs are added to it)."""
    from heron.transfer import import_experiment

    if just_peek:
        _peek(input_dir)
        return
    notebook_note("", dst_notebook_dir)
    import_experiment(
        input_dir,
        experiment_name,
        client=tracking_client(),
        reporter=reporter(),
        **import_settings(options),
    )


@click.command("import-experiment-list")
@INPUT_DIR
@click.option(
    "--experiment-name-prefix",
    default=None,
    help="If specified, added as prefix to experiment name.",
)
@import_options(mlflow_tags_default=True)
@tool
def import_experiment_list_command(
    input_dir: str, experiment_name_prefix: str | None, **options: Any
) -> None:
    """Import a list of experiments from a directory."""
    from heron.transfer import import_experiments

    import_experiments(
        input_dir,
        experiment_name_prefix,
        client=tracking_client(),
        reporter=reporter(),
        **import_settings(options),
    )


@click.command("copy-run", short_help="Copy a run to another tracking server.")
@click.option("--run-id", required=True, help="Run ID.")
@click.option("--experiment-name", required=True, help="Destination experiment name.")
@SRC_URI
@DST_URI
@import_options(mlflow_tags_default=True)
@tool
def copy_run_command(
    run_id: str,
    experiment_name: str,
    src_mlflow_uri: str | None,
    dst_mlflow_uri: str | None,
    **options: Any,
) -> None:
    """Copy a run straight to another tracking server (no directory in between)."""
    from heron.transfer import copy_run

    new_id = copy_run(
        run_id,
        experiment_name,
        tracking_uri(src_mlflow_uri),
        tracking_uri(dst_mlflow_uri),
        reporter=reporter(),
        **import_settings(options),
    )
    click.echo(f"Copied run '{run_id}' to '{new_id}' in experiment '{experiment_name}'")


@click.command("copy-experiment", short_help="Copy an experiment to another tracking server.")
@click.option("--experiment", required=True, help="Source experiment name or ID.")
@click.option(
    "--experiment-name", default=None, help="Destination experiment name (default: the source's)."
)
@SRC_URI
@DST_URI
@import_options(mlflow_tags_default=True)
@tool
def copy_experiment_command(
    experiment: str,
    experiment_name: str | None,
    src_mlflow_uri: str | None,
    dst_mlflow_uri: str | None,
    **options: Any,
) -> None:
    """Copy an experiment and its runs straight to another tracking server."""
    from heron.transfer import copy_experiment

    copy_experiment(
        experiment,
        experiment_name,
        tracking_uri(src_mlflow_uri),
        tracking_uri(dst_mlflow_uri),
        reporter=reporter(),
        **import_settings(options),
    )
