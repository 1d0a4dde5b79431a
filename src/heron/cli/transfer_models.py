"""The registered-model tools: ``export-model``, ``export-model-list``, ``import-model``,
``list-models`` and ``copy-model`` (console scripts and ``heron`` subcommands), with the
user guide's options, defaults and help texts."""

from __future__ import annotations

from typing import Any

import click

from heron.cli.transfer_options import (
    BUNDLE_FORMAT,
    DST_URI,
    EXPORT_METADATA_TAGS,
    INPUT_DIR,
    NOTEBOOK_FORMATS,
    NOTEBOOK_REVISION,
    OUTPUT_DIR,
    SRC_URI,
    bool_option,
    import_options,
    import_settings,
    notebook_note,
    reporter,
    tool,
    tracking_client,
    tracking_uri,
)

STAGES = click.option(
    "--stages",
    default=None,
    help="Stages to export (comma separated). Default is all stages. Values are "
    "Production, Staging, Archived and None.",
)
LATEST = bool_option(
    "--export-latest-versions", False, "Export latest registered model versions instead of all."
)
DELETED_RUNS = bool_option("--export-deleted-runs", False, "Export versions whose run is deleted.")
VERSIONS = click.option(
    "--versions", default=None, help="Export specified versions (comma separated)."
)
EXPERIMENT_NAME = click.option(
    "--experiment-name",
    required=True,
    help="Destination experiment name - will be created if it does not exist.",
)
DELETE_MODEL = bool_option(
    "--delete-model", False, "First delete the model if it exists and all its versions."
)
AWAIT_CREATION = click.option(
    "--await-creation-for", type=int, default=None, help="Await creation for specified seconds."
)


@click.command("export-model", short_help="Export a registered model and its versions' runs.")
@click.option("--model", required=True, help="Registered model name.")
@OUTPUT_DIR
@STAGES
@VERSIONS
@LATEST
@DELETED_RUNS
@EXPORT_METADATA_TAGS
@NOTEBOOK_FORMATS
@NOTEBOOK_REVISION
@BUNDLE_FORMAT
@tool
def export_model_command(
    model: str,
    output_dir: str,
    stages: str | None,
    versions: str | None,
    notebook_formats: str,
    export_notebook_revision: bool,
    **options: Any,
) -> None:
    """Export a registered model and its versions' runs to a directory."""
    from heron.transfer import export_model

    notebook_note(notebook_formats, export_notebook_revision)
    export_model(
        model,
        output_dir,
        stages=stages,
        versions=versions,
        client=tracking_client(),
        reporter=reporter(),
        **options,
    )


@click.command("export-model-list", short_help="Export several (or all) registered models.")
@click.option(
    "--models",
    required=True,
    help="Registered model names (comma delimited, a trailing '*' matches a prefix, or a "
    "'.txt' file of names). 'all' will export all models.",
)
@OUTPUT_DIR
@STAGES
@LATEST
@DELETED_RUNS
@EXPORT_METADATA_TAGS
@NOTEBOOK_FORMATS
@NOTEBOOK_REVISION
@BUNDLE_FORMAT
@tool
def export_model_list_command(
    models: str,
    output_dir: str,
    stages: str | None,
    notebook_formats: str,
    export_notebook_revision: bool,
    **options: Any,
) -> None:
    """Export several (or all) registered models to a directory."""
    from heron.transfer import export_models

    notebook_note(notebook_formats, export_notebook_revision)
    export_models(
        models, output_dir, stages=stages, client=tracking_client(), reporter=reporter(), **options
    )


@click.command("import-model")
@INPUT_DIR
@click.option("--model", required=True, help="New registered model name.")
@EXPERIMENT_NAME
@DELETE_MODEL
@AWAIT_CREATION
@bool_option("--verbose", False, "Verbose.")
@import_options(mlflow_tags_default=True)
@tool
def import_model_command(
    input_dir: str,
    model: str,
    experiment_name: str,
    delete_model: bool,
    await_creation_for: int | None,
    verbose: bool,
    **options: Any,
) -> None:
    """Import a registered model from a directory."""
    from heron.transfer import import_model

    import_model(
        input_dir,
        model,
        experiment_name,
        delete_model=delete_model,
        await_creation_for=await_creation_for,
        client=tracking_client(),
        reporter=reporter(),
        **import_settings(options),
    )


@click.command("list-models", short_help="List every registered model in a JSON file.")
@click.option(
    "--output-file",
    default="registered_models.json",
    show_default=True,
    help="Where to write the registered models.",
)
@tool
def list_models_command(output_file: str) -> None:
    """Write every registered model to registered_models.json."""
    from heron.transfer import list_models

    models = list_models(output_file, client=tracking_client())
    click.echo(f"Wrote {len(models)} registered models to '{output_file}'")


@click.command("copy-model", short_help="Copy a registered model to another server.")
@click.option("--model", required=True, help="Source registered model name.")
@click.option(
    "--dst-model", default=None, help="Destination registered model name (default: the source's)."
)
@EXPERIMENT_NAME
@SRC_URI
@DST_URI
@STAGES
@VERSIONS
@LATEST
@DELETED_RUNS
@DELETE_MODEL
@AWAIT_CREATION
@import_options(mlflow_tags_default=True)
@tool
def copy_model_command(
    model: str,
    dst_model: str | None,
    experiment_name: str,
    src_mlflow_uri: str | None,
    dst_mlflow_uri: str | None,
    stages: str | None,
    versions: str | None,
    export_latest_versions: bool,
    export_deleted_runs: bool,
    delete_model: bool,
    await_creation_for: int | None,
    **options: Any,
) -> None:
    """Copy a registered model, its versions and their runs straight to another tracking
    server (no directory in between)."""
    from heron.transfer import copy_model

    copy_model(
        model,
        experiment_name,
        dst_model,
        tracking_uri(src_mlflow_uri),
        tracking_uri(dst_mlflow_uri),
        stages=stages,
        versions=versions,
        export_latest_versions=export_latest_versions,
        export_deleted_runs=export_deleted_runs,
        delete_model=delete_model,
        await_creation_for=await_creation_for,
        reporter=reporter(),
        **import_settings(options),
    )
