"""``heron transfer diff``: compare what export, import and copy moved (exit 1 on any
difference)."""

from __future__ import annotations

import os

import click

from heron.cli.transfer_options import (
    DST_URI,
    SRC_URI,
    USE_SRC_USER,
    bool_option,
    import_mlflow_tags_option,
    tool,
    tracking_uri,
)


@click.group("transfer")
def transfer() -> None:
    """Compare what export, import and copy moved."""


@transfer.command("diff")
@click.option("--input-dir", default=None, help="The exported directory to compare with.")
@SRC_URI
@DST_URI
@click.option(
    "--experiments",
    default="all",
    show_default=True,
    help="With --src-mlflow-uri: experiment names or IDs (comma delimited).",
)
@click.option("--experiment-name", default=None, help="Destination experiment name.")
@click.option("--experiment-name-prefix", default="", help="Prefix the import added.")
@click.option(
    "--model",
    "models",
    default=None,
    help="Compare registered models instead of experiments: with --src-mlflow-uri, model "
    "names (comma delimited) or 'all'. Bundles of export-model(-list) are compared as "
    "models anyway.",
)
@click.option(
    "--dst-model", default=None, help="Destination registered model name (default: the source's)."
)
@USE_SRC_USER
@import_mlflow_tags_option(True)
@bool_option("--compare-artifacts", True, "Compare every artifact file's sha256.")
@tool
def diff_command(
    input_dir: str | None,
    src_mlflow_uri: str | None,
    dst_mlflow_uri: str | None,
    experiments: str,
    experiment_name: str | None,
    experiment_name_prefix: str,
    models: str | None,
    dst_model: str | None,
    use_src_user_id: bool,
    import_mlflow_tags: bool,
    compare_artifacts: bool,
) -> None:
    """Compare a source (--input-dir or --src-mlflow-uri) with the destination: exit 1 if
    any run, param, tag, metric point or artifact differs, or for registered models any
    version, stage, alias, tag, description or run behind a version."""
    from heron.transfer import ImportOptions, diff
    from heron.transfer.diff import report

    source = input_dir or src_mlflow_uri
    if not source or (input_dir and src_mlflow_uri):
        raise click.UsageError("Give exactly one of --input-dir and --src-mlflow-uri")
    if input_dir and not os.path.isdir(input_dir):
        raise click.UsageError(f"--input-dir '{input_dir}' is not a directory")
    options = ImportOptions(use_src_user_id=use_src_user_id, import_mlflow_tags=import_mlflow_tags)
    lines = diff(
        source,
        tracking_uri(dst_mlflow_uri),
        experiments,
        experiment_name,
        experiment_name_prefix,
        options,
        compare_artifacts,
        models,
        dst_model,
    )
    click.echo(report(lines))
    if lines:
        raise click.exceptions.Exit(1)
