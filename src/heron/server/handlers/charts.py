"""Heron's chart route: metric series sampled on the server."""

from __future__ import annotations

from heron.exceptions import InvalidParameter
from heron.protocol.charts import DEFAULT_BUCKETS, MAX_SAMPLED_RUNS
from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services


def chart_run_ids(request: Request, route: str) -> list[str]:
    """The request's ``run_ids`` without repeats, at most :data:`MAX_SAMPLED_RUNS`.

    Raises:
        InvalidParameter: Too many runs (the message names ``route``).
    """
    run_ids = list(dict.fromkeys(request["run_ids"]))
    if len(run_ids) > MAX_SAMPLED_RUNS:
        raise InvalidParameter(
            f"{route} request cannot specify more than {MAX_SAMPLED_RUNS} run_ids. "
            f"Received {len(run_ids)} run_ids."
        )
    return run_ids


@handles("GetSampledHistories")  # long series take a while: on the threads
def get_sampled_histories(request: Request, services: Services) -> Result:
    """Each named run's series of each key, whole when short, else sampled per bucket."""
    run_ids = chart_run_ids(request, "GetSampledHistories")
    series = services.tracking.get_sampled_histories(
        run_ids,
        request["metric_keys"],
        request.get("buckets", DEFAULT_BUCKETS),
        request.get("start_step"),
        request.get("end_step"),
        request.get("x") or "step",
    )
    return {"series": series}
