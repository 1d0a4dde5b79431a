"""``heron artifacts``: log, list and download a run's artifacts."""

from __future__ import annotations

import json
import posixpath
from urllib.parse import urlparse, urlunparse

import click

from heron.cli.state import CliState, pass_state
from heron.exceptions import InvalidParameter
from heron.tracking.uris import is_runs_uri, parse_runs_uri

RUN_ID = click.option("--run-id", "-r", required=True, help="The run's id.")


@click.group("artifacts")
def artifacts() -> None:
    """Log, list and download artifacts of runs."""


@artifacts.command("log-artifact")
@click.option("--local-file", "-l", required=True, help="The file to log.")
@RUN_ID
@click.option("--artifact-path", "-a", default=None, help="Directory to put it in.")
@pass_state
def log_artifact(state: CliState, local_file: str, run_id: str, artifact_path: str | None) -> None:
    """Log a local file as an artifact of a run."""
    state.client().log_artifact(run_id, local_file, artifact_path)
    click.echo(f"Logged artifact from local file {local_file} to artifact_path={artifact_path}")


@artifacts.command("log-artifacts")
@click.option("--local-dir", "-l", required=True, help="The directory whose files to log.")
@RUN_ID
@click.option("--artifact-path", "-a", default=None, help="Directory to put them in.")
@pass_state
def log_artifacts(state: CliState, local_dir: str, run_id: str, artifact_path: str | None) -> None:
    """Log the files of a local directory as artifacts of a run."""
    state.client().log_artifacts(run_id, local_dir, artifact_path)
    click.echo(f"Logged artifact from local dir {local_dir} to artifact_path={artifact_path}")


@artifacts.command("list")
@RUN_ID
@click.option("--artifact-path", "-a", default=None, help="Directory to list.")
@pass_state
def list_artifacts(state: CliState, run_id: str, artifact_path: str | None) -> None:
    """List a directory of a run's artifacts as JSON."""
    infos = state.client().list_artifacts(run_id, artifact_path)
    entries = [
        {"path": i.path, "is_dir": i.is_dir, **({} if i.is_dir else {"file_size": i.file_size})}
        for i in infos
    ]
    click.echo(json.dumps(entries, indent=2))


def split_artifact_uri(artifact_uri: str) -> tuple[str, str]:
    """Split ``<root>/<name>`` into the root URI and the last path segment, as MLflow does.

    Args:
        artifact_uri: A path or URI of a file or directory.
    """
    parsed = urlparse(artifact_uri)
    if len(parsed.scheme) <= 1:  # a plain path (or a Windows drive letter)
        return posixpath.dirname(artifact_uri) or ".", posixpath.basename(artifact_uri)
    root = parsed._replace(path=posixpath.dirname(parsed.path))
    return urlunparse(root), posixpath.basename(parsed.path)


@artifacts.command("download")
@click.option("--run-id", "-r", default=None, help="The run's id (with --artifact-path).")
@click.option("--artifact-path", "-a", default=None, help="Path under the run's artifacts.")
@click.option("--artifact-uri", "-u", default=None, help="URI of the artifact to download.")
@click.option("--dst-path", "-d", default=None, help="Local directory to download into.")
@pass_state
def download(
    state: CliState,
    run_id: str | None,
    artifact_path: str | None,
    artifact_uri: str | None,
    dst_path: str | None,
) -> None:
    """Download an artifact file or directory and print its local path."""
    if (run_id is None) == (artifact_uri is None):
        raise InvalidParameter("Exactly one of --run-id and --artifact-uri must be specified.")
    if artifact_uri is not None and artifact_path is not None:
        raise InvalidParameter("--artifact-path can only be used with --run-id.")
    if run_id is not None:
        local = state.client().download_artifacts(run_id, artifact_path or "", dst_path)
    elif is_runs_uri(str(artifact_uri)):
        uri_run_id, path = parse_runs_uri(str(artifact_uri))
        local = state.client().download_artifacts(uri_run_id, path, dst_path)
    else:
        from heron.store.artifacts import get_artifact_repository

        root, name = split_artifact_uri(str(artifact_uri))
        local = get_artifact_repository(root).download_artifacts(name, dst_path)
    click.echo(local)
