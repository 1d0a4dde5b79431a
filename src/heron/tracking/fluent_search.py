"""Fluent ``search_runs``: every matching run of some experiments, as a DataFrame or a list."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from heron.entities import PagedList, Run, ViewType
from heron.exceptions import InvalidParameter
from heron.tracking import session
from heron.tracking.fluent_experiments import (
    active_experiment_id,
    get_experiment_by_name,
    search_experiments,
)
from heron.tracking.pages import read_pages

_logger = logging.getLogger(__name__)

SEARCH_MAX_RESULTS_PANDAS = 100000
RUNS_PER_PAGE = 10000


def _experiment_ids(
    experiment_ids: Sequence[str] | str | None,
    experiment_names: Sequence[str] | None,
    search_all_experiments: bool,
) -> list[str]:
    if experiment_ids and experiment_names:
        raise InvalidParameter("Only experiment_ids or experiment_names can be used, but not both")
    if isinstance(experiment_ids, str):
        return [experiment_ids]
    if experiment_ids:
        return [str(experiment_id) for experiment_id in experiment_ids]
    if experiment_names:
        ids = []
        for name in experiment_names:
            experiment = get_experiment_by_name(name)
            if experiment is None:
                _logger.warning("Cannot retrieve experiment by name %s", name)
            else:
                ids.append(experiment.experiment_id)
        return ids
    if search_all_experiments:
        return [experiment.experiment_id for experiment in search_experiments()]
    return [active_experiment_id()]


def search_runs(
    experiment_ids: Sequence[str] | str | None = None,
    filter_string: str = "",
    run_view_type: int = ViewType.ACTIVE_ONLY,
    max_results: int = SEARCH_MAX_RESULTS_PANDAS,
    order_by: Sequence[str] | None = None,
    output_format: str = "pandas",
    search_all_experiments: bool = False,
    experiment_names: Sequence[str] | None = None,
) -> Any:
    """Every run matching the filter (up to ``max_results``), all pages read.

    Args:
        experiment_ids: The experiments to search; default the active experiment.
        filter_string: A filter such as ``metrics.rmse < 0.7 and params.alpha = '0.5'``.
        run_view_type: ``ViewType.ACTIVE_ONLY`` (default), ``DELETED_ONLY`` or ``ALL``.
        max_results: At most this many runs.
        order_by: Keys such as ``["metrics.rmse ASC"]``; default newest first.
        output_format: ``"pandas"`` for a DataFrame (see
            :func:`heron.tracking.dataframe.runs_to_dataframe`) or ``"list"`` for runs.
        search_all_experiments: With no ids or names, search every active experiment.
        experiment_names: Search these experiments instead of ``experiment_ids``;
            unknown names are skipped with a warning.

    Returns:
        A pandas DataFrame, or a list of :class:`heron.entities.Run`.

    Raises:
        InvalidParameter: Both ids and names given, or a bad filter or order.
        ValueError: An unknown ``output_format``.
    """
    if output_format not in ("pandas", "list"):
        raise ValueError(
            f"Unsupported output format: {output_format}. "
            "Supported string values are 'pandas' or 'list'"
        )
    ids = _experiment_ids(experiment_ids, experiment_names, search_all_experiments)

    def page(count: int, token: str | None) -> PagedList[Run]:
        return session.client().search_runs(
            ids, filter_string, run_view_type, count, order_by, token
        )

    runs = read_pages(page, RUNS_PER_PAGE, max_results) if ids else []
    if output_format == "list":
        return runs
    from heron.tracking.dataframe import runs_to_dataframe

    return runs_to_dataframe(runs)
