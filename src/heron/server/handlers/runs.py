"""Runs: create, read, update, delete/restore, search."""

from __future__ import annotations

import time

from heron.entities import ViewType
from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services
from heron.store.tracking.base import DEFAULT_EXPERIMENT_ID, SEARCH_MAX_RESULTS_DEFAULT


@handles("CreateRun")
def create_run(request: Request, services: Services) -> Result:
    """Create a run (in experiment 0 by default; starting now when no start time is given)."""
    run = services.tracking.create_run(
        experiment_id=request.get("experiment_id") or DEFAULT_EXPERIMENT_ID,
        user_id=request.get("user_id", ""),
        start_time=request.get("start_time", int(time.time() * 1000)),
        tags=request.get("tags", ()),
        run_name=request.get("run_name") or None,
    )
    return {"run": run}


@handles("GetRun", quick_read=True)
def get_run(request: Request, services: Services) -> Result:
    """A run with its latest metrics, params and tags."""
    return {"run": services.tracking.get_run(request["run_id"])}


@handles("UpdateRun")
def update_run(request: Request, services: Services) -> Result:
    """Change the fields given: status, end time, name."""
    info = services.tracking.update_run_info(
        request["run_id"], request.get("status"), request.get("end_time"), request.get("run_name")
    )
    return {"run_info": info}


@handles("DeleteRun")
def delete_run(request: Request, services: Services) -> Result:
    """Soft-delete a run."""
    services.tracking.delete_run(request["run_id"])
    return None


@handles("RestoreRun")
def restore_run(request: Request, services: Services) -> Result:
    """Restore a deleted run."""
    services.tracking.restore_run(request["run_id"])
    return None


@handles("SearchRuns", quick_read=True)
def search_runs(request: Request, services: Services) -> Result:
    """One page of runs."""
    page = services.tracking.search_runs(
        experiment_ids=request.get("experiment_ids", []),
        filter_string=request.get("filter"),
        run_view_type=ViewType.coerce(request.get("run_view_type")),
        max_results=request.get("max_results", SEARCH_MAX_RESULTS_DEFAULT),
        order_by=request.get("order_by"),
        page_token=request.get("page_token") or None,
    )
    return {"runs": page, "next_page_token": page.token}
