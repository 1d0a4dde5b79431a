"""The reads the web UI's pages make, as part of the tracking-store contract.

:class:`PageReads` is a base of :class:`~heron.store.tracking.base.TrackingStore`: its
methods are concrete, built from the contract's own methods (see
:mod:`~heron.store.tracking.page_reads` and :mod:`~heron.store.tracking.sampling`), and
a backend that can answer one in a query overrides it (the SQL store does, for each).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from heron.entities import ViewType
from heron.entities.summary import (
    DatasetSummary,
    ExperimentActivity,
    MetricRange,
    RunKeys,
    SampledSeries,
)
from heron.store.tracking import page_reads, sampling

if TYPE_CHECKING:
    from heron.store.tracking.base import TrackingStore


class PageReads:
    """Summaries for the web UI: experiment activity, run counts, keys, metric ranges,
    sampled series and dataset summaries."""

    def _store(self) -> TrackingStore:
        return cast("TrackingStore", self)

    def get_experiment_activity(
        self, experiment_ids: Sequence[str]
    ) -> dict[str, ExperimentActivity]:
        """Run count and last activity of each experiment, keyed by id."""
        return page_reads.experiment_activity(self._store(), experiment_ids)

    def count_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        run_view_type: int = ViewType.ACTIVE_ONLY,
    ) -> int:
        """How many runs :meth:`search_runs` would return over all its pages."""
        return page_reads.count_runs(self._store(), experiment_ids, filter_string, run_view_type)

    def get_run_keys(
        self, experiment_ids: Sequence[str], run_view_type: int = ViewType.ACTIVE_ONLY
    ) -> RunKeys:
        """Every metric, param and tag key the runs of these experiments use."""
        return page_reads.run_keys(self._store(), experiment_ids, run_view_type)

    def get_metric_ranges(
        self, run_ids: Sequence[str], keys: Sequence[str]
    ) -> dict[str, dict[str, MetricRange]]:
        """Min and max of each metric key over each run's whole history."""
        return page_reads.metric_ranges(self._store(), run_ids, keys)

    def get_sampled_histories(
        self,
        run_ids: Sequence[str],
        keys: Sequence[str],
        buckets: int = 1000,
        start: int | None = None,
        end: int | None = None,
        x: str = "step",
    ) -> list[SampledSeries]:
        """Each run's series of each key for a chart, in the order of ``run_ids`` then
        ``keys`` (pairs without points left out): whole when short, else per bucket of the
        range ``[start, end]`` of steps (``x="step"``) or timestamps (``x="time"``) its
        first, last, smallest and largest points (the rule: :mod:`~heron.store.tracking.sampling`).

        Raises:
            NotFound: a run does not exist.
            InvalidParameter: ``buckets`` out of 1..10000, ``start`` after ``end`` or an
                unknown ``x``.
        """
        return sampling.sampled_histories(self._store(), run_ids, keys, buckets, start, end, x)

    def get_dataset_summaries(
        self, experiment_ids: Sequence[str], max_results: int = 1000
    ) -> list[DatasetSummary]:
        """Each distinct dataset (name, digest, context) the runs of these experiments used,
        deleted runs included; at most ``max_results``."""
        return page_reads.dataset_summaries(self._store(), experiment_ids, max_results)
