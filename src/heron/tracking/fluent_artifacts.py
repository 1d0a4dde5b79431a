"""Fluent artifact logging: files, directories, text, dictionaries, figures, images, tables.

Each function logs to the active run (starting one when none is active) unless given a
``run_id``; the client does the work.
"""

from __future__ import annotations

import os
from typing import Any

from heron.tracking import session
from heron.tracking.fluent_runs import active_run, active_run_id
from heron.tracking.uris import join_artifact_uri


def log_artifact(
    local_path: str | os.PathLike[str], artifact_path: str | None = None, run_id: str | None = None
) -> None:
    """Copy a local file into the run's artifacts.

    Args:
        local_path: The file to copy.
        artifact_path: The directory under the run's artifact root to put it in.
        run_id: Log to this run instead of the active one.
    """
    session.client().log_artifact(run_id or active_run_id(), os.fspath(local_path), artifact_path)


def log_artifacts(
    local_dir: str | os.PathLike[str], artifact_path: str | None = None, run_id: str | None = None
) -> None:
    """Copy the contents of a local directory into the run's artifacts.

    Args:
        local_dir: The directory whose contents to copy.
        artifact_path: The directory under the run's artifact root to put them in.
        run_id: Log to this run instead of the active one.
    """
    session.client().log_artifacts(run_id or active_run_id(), os.fspath(local_dir), artifact_path)


def log_text(text: str, artifact_file: str, run_id: str | None = None) -> None:
    """Save text as an artifact file.

    Args:
        text: The content.
        artifact_file: Its path under the run's artifact root, e.g. ``notes/readme.txt``.
        run_id: Log to this run instead of the active one.
    """
    session.client().log_text(run_id or active_run_id(), text, artifact_file)


def log_dict(dictionary: Any, artifact_file: str, run_id: str | None = None) -> None:
    """Save a dictionary as JSON (or YAML for ``.yaml``/``.yml``) artifact file.

    Args:
        dictionary: A JSON-serialisable value.
        artifact_file: Its path under the run's artifact root.
        run_id: Log to this run instead of the active one.
    """
    session.client().log_dict(run_id or active_run_id(), dictionary, artifact_file)


def log_figure(
    figure: Any, artifact_file: str, *, save_kwargs: dict[str, Any] | None = None
) -> None:
    """Save a matplotlib (or plotly) figure as an artifact file of the active run.

    Args:
        figure: The figure.
        artifact_file: Its path under the run's artifact root, e.g. ``plot.png``.
        save_kwargs: Extra arguments for the figure's save function.
    """
    session.client().log_figure(active_run_id(), figure, artifact_file, save_kwargs=save_kwargs)


def log_image(
    image: Any,
    artifact_file: str | None = None,
    key: str | None = None,
    step: int | None = None,
    timestamp: int | None = None,
    synchronous: bool | None = False,
) -> None:
    """Save an image (numpy array or PIL image) of the active run.

    Args:
        image: The image.
        artifact_file: Save it at this path; or give ``key`` (and ``step``) instead.
        key: Save it as a step of the image series ``key``.
        step: The step of a keyed image.
        timestamp: Milliseconds since the epoch of a keyed image; default now.
        synchronous: As for ``log_param``.
    """
    session.client().log_image(
        active_run_id(),
        image,
        artifact_file=artifact_file,
        key=key,
        step=step,
        timestamp=timestamp,
        synchronous=synchronous,
    )


def log_table(data: Any, artifact_file: str, run_id: str | None = None) -> None:
    """Save a table (a dict of columns or a pandas DataFrame) as a JSON artifact file.

    Args:
        data: The table.
        artifact_file: Its path under the run's artifact root; must end in ``.json``.
        run_id: Log to this run instead of the active one.
    """
    session.client().log_table(run_id or active_run_id(), data, artifact_file)


def get_artifact_uri(artifact_path: str | None = None) -> str:
    """The active run's artifact root URI, or the URI of ``artifact_path`` under it.

    Args:
        artifact_path: A path relative to the run's artifact root.
    """
    run = active_run()
    root = run.info.artifact_uri if run is not None else None
    if root is None:
        root = session.client().get_run(active_run_id()).info.artifact_uri or ""
    return join_artifact_uri(root, artifact_path)
