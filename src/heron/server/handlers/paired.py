"""Heron's chart route for another metric on the x axis: series paired by step."""

from __future__ import annotations

from heron.exceptions import InvalidParameter
from heron.protocol.charts import DEFAULT_BUCKETS
from heron.server.handlers.charts import chart_run_ids
from heron.server.handlers.registry import Request, Result, handles
from heron.server.paired_series import pair_series
from heron.server.services import Services
from heron.store.tracking.sampling import check_sampling


@handles("GetPairedHistories")  # reads whole histories: on the threads
def get_paired_histories(request: Request, services: Services) -> Result:
    """Each named run's series of each key against ``x_key``, paired by step."""
    run_ids = chart_run_ids(request, "GetPairedHistories")
    x_key = request["x_key"]
    if not x_key:
        raise InvalidParameter("x_key must name a metric.")
    buckets = request.get("buckets", DEFAULT_BUCKETS)
    start, end = request.get("start_step"), request.get("end_step")
    check_sampling(buckets, start, end, "step")
    tracking = services.tracking
    series = []
    for run_id in run_ids:
        x_points = list(tracking.get_metric_history(run_id, x_key))
        for key in dict.fromkeys(request["metric_keys"]):
            y_points = x_points if key == x_key else tracking.get_metric_history(run_id, key)
            paired = pair_series(run_id, key, x_key, y_points, x_points, buckets, start, end)
            if paired is not None:
                series.append(paired)
    return {"series": series}
