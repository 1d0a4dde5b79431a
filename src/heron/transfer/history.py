"""Reading full metric histories with few calls.

Stores read whole runs' histories with ``get_run_histories`` (one query in a SQL store,
Heron's ``GetRunHistories`` route on a Heron server). On other servers: a tracking server
answers the history of one metric for up to 100 runs in one call
(``/ajax-api/2.0/mlflow/metrics/get-history-bulk``, MLflow's UI route, which Heron and
MLflow servers both serve). :class:`HistoryReader` uses it for batches of runs, and falls
back to one call per run and metric when a store has no such route; a batch whose
answer reaches the route's 25000-point limit is halved and read again. Embedded stores
are read run by run: there, calls cost no round trip.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from heron.entities import Metric, Run, RunHistory
from heron.exceptions import EndpointNotFound, NotFound
from heron.protocol import decode_response, error_from_response, route_named
from heron.protocol.routes import Retry
from heron.store.http import HttpTransport
from heron.store.tracking.rest import RestStore
from heron.tracking.client import MlflowClient

BULK_PATH = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"
BULK_RUNS = 100
BULK_POINTS = 25000

CUT = object()
"""A bulk answer that may have been cut at :data:`BULK_POINTS`."""

Histories = dict[str, RunHistory]
"""Run id to every point of the run."""


class HistoryReader:
    """Full metric histories of runs of one store (safe to share by threads).

    Args:
        client: The store's client.
        whole_runs: Read with the store's ``get_run_histories`` where it has a fast one
            (False: MLflow's UI route even on a Heron server).
    """

    def __init__(self, client: MlflowClient, whole_runs: bool = True):
        self.client = client
        self.whole_runs = whole_runs
        self._transport: HttpTransport | None = None
        self._bulk = True
        self._lock = threading.Lock()

    def whole(self, run_ids: Sequence[str]) -> list[RunHistory] | None:
        """The runs' histories from a store that reads whole runs (a SQL store, a Heron
        server); None for other stores."""
        if not self.whole_runs:
            return None
        store = self.client.store
        if isinstance(store, RestStore):
            return store.heron_run_histories(run_ids)
        return store.get_run_histories(run_ids)

    def read(self, runs: Sequence[Run]) -> Histories:
        """Every point of every metric of ``runs``."""
        whole = self.whole([run.info.run_id for run in runs])
        if whole is not None:
            return {history.run_id: history for history in whole}
        return self.by_metric(runs)

    def by_metric(self, runs: Sequence[Run]) -> Histories:
        """Every point of ``runs``, read metric by metric (the keys their latest values
        name): MLflow's UI bulk route for batches of runs, else one call per run and key."""
        found: dict[str, dict[str, list[Metric]]] = {run.info.run_id: {} for run in runs}
        keys = sorted({key for run in runs for key in run.data.metrics})
        for key in keys:
            having = [run.info.run_id for run in runs if key in run.data.metrics]
            for start in range(0, len(having), BULK_RUNS):
                batch = having[start : start + BULK_RUNS]
                for run_id, points in self._read_key(batch, key).items():
                    found[run_id][key] = points
        return {run_id: RunHistory.from_points(run_id, points) for run_id, points in found.items()}

    def _read_key(self, run_ids: list[str], key: str) -> dict[str, list[Metric]]:
        if len(run_ids) > 1 and self._transport_or_none() is not None:
            bulk = self._read_bulk(run_ids, key)
            if bulk is CUT:  # long histories: halve the batch until each answer is whole
                middle = len(run_ids) // 2
                return {
                    **self._read_key(run_ids[:middle], key),
                    **self._read_key(run_ids[middle:], key),
                }
            if isinstance(bulk, dict):
                return bulk
        return {run_id: self.client.get_metric_history(run_id, key) for run_id in run_ids}

    def _transport_or_none(self) -> HttpTransport | None:
        store = self.client.store
        with self._lock:
            if self._bulk and self._transport is None and isinstance(store, RestStore):
                self._transport = HttpTransport(store.host_uri)
            return self._transport if self._bulk else None

    def _read_bulk(self, run_ids: list[str], key: str) -> dict[str, list[Metric]] | object | None:
        """One call for the key's points of all runs; :data:`CUT` when the answer may
        have been cut at the route's limit, None when the store has no such route."""
        transport = self._transport_or_none()
        if transport is None:
            return None
        params = [("run_id", run_id) for run_id in run_ids]
        params += [("metric_key", key), ("max_results", str(BULK_POINTS))]
        response = transport.request("GET", BULK_PATH, Retry.SAFE, params)
        if response.status_code != 200:
            error = error_from_response(response.status_code, None, response.text)
            if isinstance(error, (EndpointNotFound, NotFound)) or response.status_code == 404:
                with self._lock:
                    self._bulk = False  # an older server: read run by run from now on
                return None
            raise error
        points: list[Metric] = decode_response(
            route_named("GetMetricHistoryBulk"), response.content
        )["metrics"]
        if len(points) >= BULK_POINTS:
            return CUT
        grouped: dict[str, list[Metric]] = {run_id: [] for run_id in run_ids}
        for point in points:
            if point.run_id in grouped:
                grouped[point.run_id].append(point)
        return grouped
