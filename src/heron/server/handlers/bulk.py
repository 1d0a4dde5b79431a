"""Heron's whole-run routes: import a run in one call, read many runs' histories."""

from __future__ import annotations

from heron.entities import RunContent, RunHistory
from heron.exceptions import InvalidParameter
from heron.protocol.bulk import MAX_HISTORY_RUNS
from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services

MAX_HISTORY_POINTS = 200_000
"""Points after which a GetRunHistories answer stops (after a whole run)."""
_READ_AT_ONCE = 10


@handles("ImportRun")
def import_run(request: Request, services: Services) -> Result:
    """Create a run with its tags, params, metric points, status and end time."""
    content = RunContent(
        user_id=request.get("user_id", ""),
        start_time=request.get("start_time"),
        run_name=request.get("run_name"),
        status=request.get("status"),
        end_time=request.get("end_time"),
        tags=request.get("tags", ()),
        params=request.get("params", ()),
        series=request.get("series", ()),
        points=request.get("metrics", ()),
    )
    return {"run": services.tracking.import_run(request["experiment_id"], content)}


@handles("GetRunHistories")
def get_run_histories(request: Request, services: Services) -> Result:
    """Every point of the named runs, in their order; stops after the run that takes the
    answer past :data:`MAX_HISTORY_POINTS` (the caller asks again for the rest)."""
    run_ids = list(dict.fromkeys(request["run_ids"]))
    if len(run_ids) > MAX_HISTORY_RUNS:
        raise InvalidParameter(
            f"GetRunHistories request cannot specify more than {MAX_HISTORY_RUNS} run_ids. "
            f"Received {len(run_ids)} run_ids."
        )
    histories: list[RunHistory] = []
    points = 0
    for start in range(0, len(run_ids), _READ_AT_ONCE):
        read = services.tracking.get_run_histories(run_ids[start : start + _READ_AT_ONCE])
        histories.extend(read)
        points += sum(history.size for history in read)
        if points >= MAX_HISTORY_POINTS:
            break
    return {"histories": histories}
