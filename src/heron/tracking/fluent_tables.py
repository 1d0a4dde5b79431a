"""``load_table``: the tables ``log_table`` wrote, read back from many runs as one DataFrame."""

from __future__ import annotations

import logging
import posixpath
import tempfile
from typing import Any

from heron.entities import Run
from heron.exceptions import InvalidParameter
from heron.search.lexer import string_literal
from heron.tracking import session
from heron.tracking.fluent_experiments import active_experiment_id
from heron.tracking.pages import read_pages

_logger = logging.getLogger(__name__)

LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts"
RUNS_PER_PAGE = 1000


def _runs_with_table(
    experiment_id: str, artifact_file: str, run_ids: list[str] | None
) -> list[Run]:
    # The runs whose loggedArtifacts tag names this file as a table (as MLflow filters).
    pattern = f'%"path"%:%"{artifact_file}",%"type"%:%"table"%'
    query = f"tags.`{LOGGED_ARTIFACTS_TAG}` LIKE {string_literal(pattern)}"
    if run_ids:
        query += f" AND attributes.run_id IN ({', '.join(map(string_literal, run_ids))})"
    client = session.client()
    runs = read_pages(
        lambda size, token: client.search_runs(
            [experiment_id], query, max_results=size, page_token=token
        ),
        RUNS_PER_PAGE,
        None,
    )
    if run_ids and len(run_ids) != len(runs):
        _logger.warning(
            "Not all runs have the specified table artifact. Some runs will be skipped."
        )
    return runs


def _run_value(run: Run, column: str) -> Any:
    """A run's value for an extra column: ``run_id``-like attributes, ``tags.x``, ``params.x``."""
    kind, _, key = column.partition(".")
    if key and kind in ("tags", "params", "metrics"):
        return getattr(run.data, kind).get(key)
    return getattr(run.info, column, None)


def load_table(
    artifact_file: str,
    run_ids: list[str] | None = None,
    extra_columns: list[str] | None = None,
) -> Any:
    """One DataFrame of a table artifact that runs of the active experiment logged.

    Args:
        artifact_file: The table's path under each run's artifact root (as given to
            ``log_table``).
        run_ids: Only these runs; every run of the active experiment that has the table if
            None.
        extra_columns: Run fields to add as columns, e.g. ``["run_id"]`` (a column already in
            the table gets a ``_`` suffix).

    Returns:
        A pandas DataFrame: the tables' rows, run after run.

    Raises:
        InvalidParameter: ``artifact_file`` is not a relative path.
    """
    from heron.extras import import_extra

    pd = import_extra("pandas", "pandas", "load_table")
    if not artifact_file or posixpath.isabs(artifact_file) or ".." in artifact_file.split("/"):
        raise InvalidParameter(f"Invalid artifact file path: {artifact_file!r}")
    client = session.client()
    frames = []
    for run in _runs_with_table(active_experiment_id(), artifact_file, run_ids):
        with tempfile.TemporaryDirectory(prefix="heron-table-") as temp:
            try:
                local = client.download_artifacts(run.info.run_id, artifact_file, temp)
            except Exception:  # listed in the tag, but the file is gone: skip like MLflow
                continue
            frame = pd.read_json(local, orient="split")
        for column in extra_columns or []:
            name = f"{column}_" if column in frame.columns else column
            frame[name] = _run_value(run, column)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
