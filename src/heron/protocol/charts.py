"""Heron's route for charts: metric series sampled on the server, as columns.

``GET /api/2.0/heron/metrics/sampled`` answers, for up to 100 runs and some metric keys,
each series whole when short, else cut into ``buckets`` buckets along steps or time with
each bucket's first, last, smallest and largest points (so a spike is never lost). The
rule: :mod:`heron.store.tracking.sampling`.
"""

from __future__ import annotations

import math
from typing import Any

from heron.entities.summary import SampledSeries
from heron.protocol.codec import register_codec
from heron.protocol.routes import Route, rpc
from heron.protocol.schema import boolean, define, double, int32, int64, nested, string

MAX_SAMPLED_RUNS = 100
"""Runs one GetSampledHistories call may name."""
DEFAULT_BUCKETS = 1000

define(
    "SampledSeries",
    string("run_id"),
    string("key"),
    int64("steps", repeated=True),
    int64("timestamps", repeated=True),
    double("values", repeated=True, doc="null for NaN"),
    int64("count", doc="points of the series in the range"),
    boolean("sampled", doc="whether the series was cut into buckets"),
    int64(
        "bucket_start", doc="if sampled: bucket i holds x in [start + i*width, start + (i+1)*width)"
    ),
    int64("bucket_width", doc="if sampled: the width of the buckets along x"),
    doc="One metric of one run as columns of equal length, in x order.",
)


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def _encode_series(series: SampledSeries) -> dict[str, Any]:
    out: dict[str, Any] = {
        "run_id": series.run_id,
        "key": series.key,
        "steps": series.steps,
        "timestamps": series.timestamps,
        "values": [_number(v) for v in series.values],
        "count": series.count,
        "sampled": series.sampled,
    }
    if series.sampled:
        out["bucket_start"] = series.bucket_start
        out["bucket_width"] = series.bucket_width
    return out


def _decode_series(fields: dict[str, Any]) -> SampledSeries:
    get = fields.get

    def floats(name: str) -> tuple[float, ...]:
        return tuple(math.nan if v is None else float(v) for v in get(name, ()))

    return SampledSeries(
        get("run_id", ""),
        get("key", ""),
        tuple(get("steps", ())),
        tuple(get("timestamps", ())),
        floats("values"),
        get("count", 0),
        get("sampled", False),
        get("bucket_start"),
        get("bucket_width"),
    )


register_codec("SampledSeries", _encode_series, _decode_series)

CHART_ROUTES: tuple[Route, ...] = (
    rpc(
        "GetSampledHistories",
        "GET",
        "/heron/metrics/sampled",
        (
            string("run_ids", repeated=True, required=True, doc=f"at most {MAX_SAMPLED_RUNS}"),
            string("metric_keys", repeated=True, required=True),
            int32("buckets", doc=f"1..10000, default {DEFAULT_BUCKETS}"),
            int64("start_step", doc="first step (or time, in ms) of the range"),
            int64("end_step", doc="last step (or time, in ms) of the range"),
            string("x", doc='"step" (default) or "time": the axis the buckets cut'),
        ),
        (nested("series", "SampledSeries", repeated=True),),
        tag="Heron",
        summary=(
            "(Heron) Metric series for charts: whole when short, else each bucket's first, "
            "last, smallest and largest points."
        ),
    ),
)
