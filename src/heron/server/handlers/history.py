"""Metric history: one run's (paged), several runs' (the UI's bulk routes), sampled."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from heron.entities import Metric
from heron.exceptions import InvalidParameter
from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services

MAX_RUNS_PER_REQUEST = 100
MAX_BULK_RESULTS = 25000
MAX_SAMPLED_STEPS = 2500


@handles("GetMetricHistory", quick_read=True)
def get_metric_history(request: Request, services: Services) -> Result:
    """Every point of one metric of one run, or one page of them."""
    max_results = request.get("max_results")
    if max_results is not None and max_results <= 0:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results' supplied. "
            f"It must be a positive integer."
        )
    page = services.tracking.get_metric_history(
        request["run_id"], request["metric_key"], max_results, request.get("page_token") or None
    )
    return {"metrics": page, "next_page_token": page.token}


def _check_run_count(run_ids: list[str], what: str) -> None:
    if len(run_ids) > MAX_RUNS_PER_REQUEST:
        raise InvalidParameter(
            f"{what} request cannot specify more than {MAX_RUNS_PER_REQUEST} run_ids. "
            f"Received {len(run_ids)} run_ids."
        )


def _with_run(points: Iterable[Metric], run_id: str) -> list[Metric]:
    return [dataclasses.replace(point, run_id=run_id) for point in points]


@handles("GetMetricHistoryBulk", quick_read=True)
def get_metric_history_bulk(request: Request, services: Services) -> Result:
    """The history of one metric for up to 100 runs (each run's points by time)."""
    run_ids = request.get("run_id") or []
    if not run_ids:
        raise InvalidParameter("GetMetricHistoryBulk request must specify at least one run_id.")
    if not request.get("metric_key"):
        raise InvalidParameter("GetMetricHistoryBulk request must specify a metric_key.")
    _check_run_count(run_ids, "GetMetricHistoryBulk")
    max_results = min(request.get("max_results", MAX_BULK_RESULTS), MAX_BULK_RESULTS)
    points: list[Metric] = []
    for run_id in sorted(set(run_ids)):
        history = services.tracking.get_metric_history(run_id, request["metric_key"])
        ordered = sorted(history, key=lambda m: (m.timestamp, m.step, m.value))
        points.extend(_with_run(ordered, run_id))
        if len(points) >= max_results:
            break
    return {"metrics": points[:max_results]}


@handles("GetMetricHistoryBulkInterval", quick_read=True)
def get_metric_history_bulk_interval(request: Request, services: Services) -> Result:
    """One metric of up to 100 runs, each run sampled to at most ``max_results`` points
    (MLflow 3.x's rule: the first point of each of ``max_results`` equal buckets of the run's
    points in the range, in order, with the run's last point always kept)."""
    run_ids = request["run_ids"]
    if len(run_ids) > MAX_RUNS_PER_REQUEST:
        raise InvalidParameter(
            f"GetMetricHistoryBulkInterval request must specify at most "
            f"{MAX_RUNS_PER_REQUEST} run_ids. Received {len(run_ids)} run_ids."
        )
    max_results = request.get("max_results", MAX_SAMPLED_STEPS)
    if not 1 <= max_results <= MAX_SAMPLED_STEPS:
        raise InvalidParameter(
            f"max_results must be between 1 and {MAX_SAMPLED_STEPS}. "
            "See the API docs for more information about request parameters."
        )
    start, end = request.get("start_step"), request.get("end_step")
    if start is not None and end is not None and start > end:
        raise InvalidParameter(
            f"end_step must be greater than start_step. "
            f"Found start_step={start} and end_step={end}."
        )
    if (start is None) != (end is None):
        raise InvalidParameter(
            "If either start step or end step are specified, both must be specified."
        )
    histories = [
        (run_id, services.tracking.get_metric_history(run_id, request["metric_key"]))
        for run_id in run_ids
    ]
    points: list[Metric] = []
    for run_id, history in histories:
        chosen = [m for m in history if start is None or end is None or start <= m.step <= end]
        points.extend(_with_run(sample_points(chosen, max_results), run_id))
    return {"metrics": points}


def sample_points(points: list[Metric], max_results: int) -> list[Metric]:
    """The first point of each of ``max_results`` buckets of ``points`` (SQL's NTILE: the
    first ``len % max_results`` buckets one point longer), the last point replacing the
    final one when it is not already kept; every point when there are few."""
    total = len(points)
    if total <= max_results:
        return points
    size, longer = divmod(total, max_results)
    kept = [points[i * size + min(i, longer)] for i in range(max_results)]
    kept[-1] = points[-1]
    return kept
