"""Whole runs over REST: Heron's own routes when the server has them, else MLflow's calls.

A Heron server writes a run in one ``ImportRun`` call and reads many runs' histories in
one ``GetRunHistories`` call (see :mod:`heron.protocol.bulk`). An MLflow server answers
those routes 404 ENDPOINT_NOT_FOUND; the store then remembers it and uses the generic
versions of :class:`~heron.store.tracking.base.TrackingStore` (MLflow's calls) from there on.
"""

from __future__ import annotations

from collections.abc import Sequence

from heron.entities import Run, RunContent, RunHistory
from heron.exceptions import EndpointNotFound, HeronError
from heron.protocol.bulk import MAX_HISTORY_RUNS
from heron.store.rpc import RpcClient
from heron.store.tracking.base import TrackingStore

IMPORT_MAX_POINTS = 100_000
"""Metric points one ImportRun call carries at most; a longer run takes MLflow's calls."""


class WholeRunCalls(RpcClient, TrackingStore):
    """:meth:`import_run` and :meth:`get_run_histories` of the REST store."""

    _whole_runs = True  # until a server answers that it has no such routes

    def import_run(self, experiment_id: str, content: RunContent) -> Run:
        """See :meth:`TrackingStore.import_run` (one call to a Heron server)."""
        if self._whole_runs and content.size <= IMPORT_MAX_POINTS:
            try:
                run: Run = self.call(
                    "ImportRun",
                    experiment_id=experiment_id,
                    user_id=content.user_id,
                    run_name=content.run_name,
                    start_time=content.start_time,
                    end_time=content.end_time,
                    status=content.status,
                    tags=content.tags,
                    params=content.params,
                    series=content.series,
                    metrics=content.points,
                )["run"]
                return run
            except EndpointNotFound:
                self._whole_runs = False
        return super().import_run(experiment_id, content)

    def get_run_histories(self, run_ids: Sequence[str]) -> list[RunHistory]:
        """See :meth:`TrackingStore.get_run_histories` (few calls to a Heron server)."""
        histories = self.heron_run_histories(run_ids)
        return super().get_run_histories(run_ids) if histories is None else histories

    def heron_run_histories(self, run_ids: Sequence[str]) -> list[RunHistory] | None:
        """The histories through Heron's ``GetRunHistories`` route; None when the server
        has no such route (callers then pick their own way to read them)."""
        if not self._whole_runs:
            return None
        found: dict[str, RunHistory] = {}
        remaining = list(dict.fromkeys(run_ids))
        try:
            while remaining:
                asked = remaining[:MAX_HISTORY_RUNS]
                answered = self.call("GetRunHistories", run_ids=asked)["histories"]
                found.update((history.run_id, history) for history in answered)
                if not any(run_id in found for run_id in asked):
                    raise HeronError(f"The server returned no history for runs {asked[:3]}...")
                remaining = [run_id for run_id in remaining if run_id not in found]
        except EndpointNotFound:
            self._whole_runs = False
            return None
        return [found[run_id] for run_id in run_ids]
