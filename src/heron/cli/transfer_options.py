"""Options and helpers the export/import tools share (see :mod:`heron.cli.transfer`).

Boolean options take a value (``--import-mlflow-tags True``), as in mlflow-export-import;
help texts and defaults are those of its user guide.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from heron.cli.state import CliState
from heron.exceptions import HeronError

F = TypeVar("F", bound=Callable[..., Any])

DATABRICKS_ONLY = "Databricks only: no effect elsewhere."
USE_SRC_USER_ID = (
    "Set the destination user ID to the source user ID. Source user ID is ignored when "
    "importing into Databricks since setting it is not allowed."
)


def bool_option(name: str, default: bool, help_text: str) -> Callable[[F], F]:
    """A boolean option that takes a value (``--name True``), its default shown."""
    return click.option(name, type=bool, default=default, show_default=True, help=help_text)


OUTPUT_DIR = click.option("--output-dir", required=True, help="Output directory.")
EXPORT_METADATA_TAGS = bool_option(
    "--export-metadata-tags", False, "Export source run metadata tags."
)
NOTEBOOK_FORMATS = click.option(
    "--notebook-formats",
    default="",
    show_default=True,
    help="Notebook formats. Values are SOURCE, HTML, JUPYTER or DBC (comma separated). "
    + DATABRICKS_ONLY,
)
NOTEBOOK_REVISION = bool_option(
    "--export-notebook-revision",
    False,
    "Export the run's notebook revision. Experimental not yet publicly available. "
    + DATABRICKS_ONLY,
)
WORKERS = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Runs transferred at the same time.",
)
BUNDLE_FORMAT = click.option(
    "--bundle-format",
    type=click.Choice(["current", "1.2"]),
    default="current",
    show_default=True,
    help="Directory layout: mlflow-export-import's current one, or one its 1.2 release "
    "imports (runs directly in the experiment directory; model version sources as it "
    "reads them).",
)
USE_SRC_USER = bool_option("--use-src-user-id", False, USE_SRC_USER_ID)
IMPORT_METADATA_TAGS = bool_option(
    "--import-metadata-tags", False, "Import mlflow_export_import tags."
)
IMPORT_SOURCE_TAGS = bool_option(
    "--import-source-tags", False, "Add lineage tags mlflow_exim.* (as mlflow-export-import)."
)
MLMODEL_FIX = bool_option(
    "--mlmodel-fix",
    True,
    "Add correct run ID in destination MLmodel artifact. Can be expensive for deeply "
    "nested artifacts.",
)
VERIFY = bool_option(
    "--verify", False, "Compare the destination with the source afterwards; fail on any difference."
)
DST_NOTEBOOK_DIR = click.option(
    "--dst-notebook-dir", default=None, help="Notebook directory. " + DATABRICKS_ONLY
)
INPUT_DIR = click.option(
    "--input-dir", "--input", "input_dir", required=True, help="Input directory."
)


def import_mlflow_tags_option(default: bool) -> Callable[[F], F]:
    """``--import-mlflow-tags`` with a tool's default (False for import-run)."""
    return bool_option("--import-mlflow-tags", default, "Import mlflow tags.")


def import_options(mlflow_tags_default: bool) -> Callable[[F], F]:
    """The options every import and copy tool shares."""

    def decorate(command: F) -> F:
        for option in reversed(
            [
                USE_SRC_USER,
                import_mlflow_tags_option(mlflow_tags_default),
                IMPORT_METADATA_TAGS,
                IMPORT_SOURCE_TAGS,
                MLMODEL_FIX,
                WORKERS,
                VERIFY,
            ]
        ):
            command = option(command)
        return command

    return decorate


def tracking_uri(given: str | None = None) -> str | None:
    """``given``, else ``heron --tracking-uri``; None leaves it to the environment."""
    context = click.get_current_context(silent=True)
    state = context.find_object(CliState) if context is not None else None
    return given or (state.tracking_uri if state else None)


def tracking_client(uri: str | None = None) -> Any:
    """The client of :func:`tracking_uri`."""
    from heron.tracking.client import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri(uri))


def reporter() -> Any:
    """Progress lines on standard output, and a bar on a terminal."""
    from heron.transfer import Reporter

    return Reporter()


def tool(command: F) -> F:
    """Report Heron's errors as ``Error: <message>`` with exit status 1, no traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except HeronError as error:
            raise click.ClickException(error.message) from error

    return run  # type: ignore[return-value]


def import_settings(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The ImportOptions fields among a command's options."""
    names = (
        "use_src_user_id",
        "import_mlflow_tags",
        "import_metadata_tags",
        "import_source_tags",
        "mlmodel_fix",
        "workers",
        "verify",
    )
    return {name: kwargs[name] for name in names if name in kwargs}


def notebook_note(notebook_formats: str, *flags: Any) -> None:
    """Say that Databricks notebook options do nothing here, when any is given."""
    if notebook_formats or any(flags):
        click.echo("Note: notebook options apply to Databricks only and have no effect here.")


SRC_URI = click.option(
    "--src-mlflow-uri", default=None, help="Source tracking URI (default: the tracking URI)."
)
DST_URI = click.option(
    "--dst-mlflow-uri", default=None, help="Destination tracking URI (default: the tracking URI)."
)
