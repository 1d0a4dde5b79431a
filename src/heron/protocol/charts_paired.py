"""Heron's route for charts with another metric on the x axis.

``GET /api/2.0/heron/metrics/paired`` answers, for up to 100 runs and some metric keys, each
run's points of each key paired with its points of ``x_key`` by step: the pair of step ``s``
is the last value (by timestamp) each metric has at ``s``. A step where the x metric has no
point, or a NaN one, gives no pair (no interpolation across the gap): ``unpaired`` counts
those steps. A NaN y value stays (null): the chart breaks its line there. Long series are
cut into buckets along the step, each keeping its first, last, smallest and largest y, as
``GET /heron/metrics/sampled`` does. The series come in step order.
"""

from __future__ import annotations

from heron.protocol.charts import DEFAULT_BUCKETS, MAX_SAMPLED_RUNS
from heron.protocol.routes import Route, rpc
from heron.protocol.schema import boolean, define, double, int32, int64, nested, string

define(
    "PairedSeries",
    string("run_id"),
    string("key", doc="the metric on the y axis"),
    string("x_key", doc="the metric on the x axis"),
    int64("steps", repeated=True),
    int64("timestamps", repeated=True, doc="the y points' times"),
    double("x_values", repeated=True, doc="the x metric's value at each step"),
    double("values", repeated=True, doc="the y metric's value at each step; null for NaN"),
    int64("count", doc="pairs in the range"),
    int64("unpaired", doc="steps of the y metric in the range without an x value"),
    boolean("sampled", doc="whether the pairs were cut into buckets along the step"),
    int64("bucket_start", doc="if sampled: bucket i holds steps [start + i*width, ...)"),
    int64("bucket_width", doc="if sampled: the width of the buckets in steps"),
    doc="One metric of one run against another, as columns of equal length, in step order.",
)

PAIRED_ROUTES: tuple[Route, ...] = (
    rpc(
        "GetPairedHistories",
        "GET",
        "/heron/metrics/paired",
        (
            string("run_ids", repeated=True, required=True, doc=f"at most {MAX_SAMPLED_RUNS}"),
            string("metric_keys", repeated=True, required=True, doc="the y metrics"),
            string("x_key", required=True, doc="the x metric"),
            int32("buckets", doc=f"1..10000, default {DEFAULT_BUCKETS}"),
            int64("start_step", doc="first step of the range"),
            int64("end_step", doc="last step of the range"),
        ),
        (nested("series", "PairedSeries", repeated=True),),
        tag="Heron",
        summary=(
            "(Heron) Metric series against another metric, paired by step: whole when "
            "short, else each step bucket's first, last, smallest and largest points."
        ),
    ),
)
