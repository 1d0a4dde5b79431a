"""Metric history: one run's (paged), several runs' (the UI's bulk routes), sampled."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable

from heron.entities import Metric
from heron.exceptions import InvalidParameter
from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services
from heron.store.tracking.base import TrackingStore

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
    run_ids = request["run_id"]
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
    """One metric of up to 100 runs at no more than ``max_results`` sampled steps
    (the first and last step of each run always included)."""
    run_ids = request["run_ids"]
    _check_run_count(run_ids, "GetMetricHistoryBulkInterval")
    max_results = request.get("max_results", MAX_SAMPLED_STEPS)
    if not 1 <= max_results <= MAX_SAMPLED_STEPS:
        raise InvalidParameter(f"max_results must be between 1 and {MAX_SAMPLED_STEPS}.")
    start, end = request.get("start_step"), request.get("end_step")
    if (start is None) != (end is None):
        raise InvalidParameter(
            "If either start step or end step are specified, both must be specified."
        )
    if start is not None and end is not None and start > end:
        raise InvalidParameter(
            f"end_step must be greater than start_step. "
            f"Found start_step={start} and end_step={end}."
        )
    histories = _histories(services.tracking, run_ids, request["metric_key"])
    steps = sample_steps(histories.values(), max_results, start, end)
    points: list[Metric] = []
    for run_id, history in histories.items():
        chosen = [m for m in history if m.step in steps]
        points.extend(_with_run(chosen[: len(steps)], run_id))
    return {"metrics": points}


def _histories(store: TrackingStore, run_ids: list[str], key: str) -> dict[str, list[Metric]]:
    return {
        run_id: sorted(store.get_metric_history(run_id, key), key=lambda m: (m.step, m.timestamp))
        for run_id in dict.fromkeys(run_ids)
    }


def sample_steps(
    histories: Iterable[list[Metric]], max_results: int, start: int | None, end: int | None
) -> set[int]:
    """At most about ``max_results`` steps, evenly spread over the steps logged in
    ``[start, end]``, plus each run's first and last step in that range (MLflow's rule)."""
    runs = [[m.step for m in history] for history in histories]
    all_steps = sorted({step for steps in runs for step in steps})
    if start is None or end is None:
        start, end = 0, (all_steps[-1] if all_steps else 0)
    bounds = {s for steps in runs if steps for s in (min(steps), max(steps)) if start <= s <= end}
    low, high = bisect.bisect_left(all_steps, start), bisect.bisect_right(all_steps, end)
    if high - low <= max_results:
        return set(all_steps[low:high]) | bounds
    interval = (high - low) / max_results
    sampled = {all_steps[low + int(i * interval)] for i in range(max_results)}
    return sampled | {all_steps[high - 1]} | bounds
