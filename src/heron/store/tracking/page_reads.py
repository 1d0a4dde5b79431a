"""Reads the web UI's pages make, in their generic form: built from the contract's own
methods, so every backend answers them. Backends that can do better (one SQL query)
override the matching :class:`~heron.store.tracking.base.TrackingStore` method.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from heron.entities import ViewType
from heron.entities.summary import DatasetSummary, ExperimentActivity, MetricRange, RunKeys
from heron.exceptions import InvalidParameter

if TYPE_CHECKING:
    from heron.entities import Run
    from heron.store.tracking.base import TrackingStore

_PAGE = 1000


def all_runs(
    store: TrackingStore,
    experiment_ids: Sequence[str],
    filter_string: str | None = None,
    run_view_type: int = ViewType.ACTIVE_ONLY,
    order_by: Sequence[str] | None = None,
) -> list[Run]:
    """Every run matching, page after page."""
    runs: list[Run] = []
    token: str | None = None
    while True:
        page = store.search_runs(
            experiment_ids, filter_string, run_view_type, _PAGE, order_by, token
        )
        runs.extend(page)
        token = page.token
        if not token:
            return runs


def experiment_activity(
    store: TrackingStore, experiment_ids: Sequence[str]
) -> dict[str, ExperimentActivity]:
    """Run count and last activity of each experiment (those without runs included)."""
    result: dict[str, ExperimentActivity] = {}
    for experiment_id in experiment_ids:
        try:
            runs = all_runs(store, [experiment_id])
        except InvalidParameter:  # an id that is no integer names no experiment: no runs
            runs = []
        times = [t for r in runs for t in (r.info.start_time, r.info.end_time) if t is not None]
        result[experiment_id] = ExperimentActivity(len(runs), max(times) if times else None)
    return result


def count_runs(
    store: TrackingStore,
    experiment_ids: Sequence[str],
    filter_string: str | None,
    run_view_type: int,
) -> int:
    """How many runs match."""
    return len(all_runs(store, experiment_ids, filter_string, run_view_type))


def run_keys(store: TrackingStore, experiment_ids: Sequence[str], run_view_type: int) -> RunKeys:
    """The keys of every metric, param and tag of the runs, each sorted."""
    metrics: set[str] = set()
    params: set[str] = set()
    tags: set[str] = set()
    for run in all_runs(store, experiment_ids, run_view_type=run_view_type):
        metrics.update(run.data.metrics)
        params.update(run.data.params)
        tags.update(run.data.tags)
    return RunKeys(tuple(sorted(metrics)), tuple(sorted(params)), tuple(sorted(tags)))


def metric_ranges(
    store: TrackingStore, run_ids: Sequence[str], keys: Sequence[str]
) -> dict[str, dict[str, MetricRange]]:
    """Min and max of each of ``keys`` for each run that logged it (NaN ignored)."""
    result: dict[str, dict[str, MetricRange]] = {}
    for run_id in run_ids:
        ranges: dict[str, MetricRange] = {}
        for key in keys:
            values = [m.value for m in store.get_metric_history(run_id, key) if m.value == m.value]
            if values:
                ranges[key] = MetricRange(min(values), max(values))
        result[run_id] = ranges
    return result


def dataset_summaries(
    store: TrackingStore, experiment_ids: Sequence[str], max_results: int
) -> list[DatasetSummary]:
    """Each distinct dataset (and context) the runs of these experiments used, deleted runs
    included, up to ``max_results``."""
    found: dict[DatasetSummary, None] = {}
    token: str | None = None
    while len(found) < max_results:
        page = store.search_runs(experiment_ids, None, ViewType.ALL, _PAGE, None, token)
        for run in page:
            for used in run.inputs.dataset_inputs:
                dataset = used.dataset
                summary = DatasetSummary(
                    run.info.experiment_id, dataset.name, dataset.digest, used.context
                )
                found.setdefault(summary, None)
        token = page.token
        if not token:
            break
    return list(found)[:max_results]
