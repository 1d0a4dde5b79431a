"""Runs as a pandas DataFrame with MLflow's columns (pandas is imported here, on first use)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heron.entities import Run

INFO_COLUMNS = ("run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time")


def _spread(
    columns: dict[str, list[Any]], values: dict[str, Any], index: int, missing: Any
) -> None:
    """Append one run's ``values`` to ``columns``, padding keys absent on either side."""
    for key, column in columns.items():
        column.append(values.get(key, missing))
    for key in sorted(values.keys() - columns.keys()):
        columns[key] = [missing] * index + [values[key]]


def runs_to_dataframe(runs: Sequence[Run]) -> Any:
    """A DataFrame with one row per run, in the given order.

    Columns: ``run_id``, ``experiment_id``, ``status``, ``artifact_uri``, ``start_time`` and
    ``end_time`` (``datetime64[ns, UTC]``), then ``metrics.<key>`` (NaN when missing),
    ``params.<key>`` and ``tags.<key>`` (None when missing), keys in order of appearance.
    """
    from heron.extras import import_extra

    pd = import_extra("pandas", "pandas", "search_runs (a DataFrame)")
    import numpy as np

    info: dict[str, list[Any]] = {name: [] for name in INFO_COLUMNS}
    metrics: dict[str, list[Any]] = {}
    params: dict[str, list[Any]] = {}
    tags: dict[str, list[Any]] = {}
    for index, run in enumerate(runs):
        for name in INFO_COLUMNS:
            info[name].append(getattr(run.info, name))
        _spread(metrics, run.data.metrics, index, np.nan)
        _spread(params, run.data.params, index, None)
        _spread(tags, run.data.tags, index, None)
    data: dict[str, Any] = dict(info)
    for name in ("start_time", "end_time"):
        times = pd.to_datetime(pd.Series(info[name], dtype="float64"), unit="ms", utc=True)
        data[name] = times.astype("datetime64[ns, UTC]")
    data.update({f"metrics.{key}": pd.Series(v, dtype="float64") for key, v in metrics.items()})
    data.update({f"params.{key}": v for key, v in params.items()})
    data.update({f"tags.{key}": v for key, v in tags.items()})
    return pd.DataFrame(data)
