"""Heron's own routes for whole runs: write one in a call, read many runs' histories.

These are not MLflow's (an MLflow server answers 404 ENDPOINT_NOT_FOUND, and Heron's REST
store then falls back to MLflow's calls). Export/import and copy use them: a run of a
thousand points is one call to write and a fraction of one to read, and its histories
travel as columns (``{"key", "values", "timestamps", "steps"}``) rather than one object
per point.
"""

from __future__ import annotations

from typing import Any

from heron.entities import MetricSeries, RunHistory
from heron.protocol.codec import encode_message, register_codec
from heron.protocol.messages import RUN_STATUS, encode_metric
from heron.protocol.routes import Retry, Route, rpc
from heron.protocol.schema import define, double, enumeration, int64, nested, string

MAX_HISTORY_RUNS = 100
"""Runs one GetRunHistories call may name."""

_SERIES = define(
    "MetricSeries",
    string("key", required=True),
    double("values", repeated=True, doc='"NaN", "Infinity", "-Infinity" for the specials'),
    int64("timestamps", repeated=True),
    int64("steps", repeated=True),
    doc="Every plain point of one metric of a run, as three columns of equal length.",
)
define(
    "RunHistory",
    string("run_id"),
    nested("series", "MetricSeries", repeated=True),
    nested("metrics", "Metric", repeated=True, doc="points naming a logged model or dataset"),
    doc="Every metric point of one run.",
)


def _encode_series(series: MetricSeries) -> dict[str, Any]:
    # The generic encoding: well-typed columns pass as they are, specials get their spelling.
    return encode_message(_SERIES, dict(series))


def _decode_series(fields: dict[str, Any]) -> MetricSeries:
    get = fields.get
    return MetricSeries(get("key", ""), get("values", []), get("timestamps", []), get("steps", []))


def _encode_history(history: RunHistory) -> dict[str, Any]:
    out: dict[str, Any] = {"run_id": history.run_id}
    if history.series:
        out["series"] = [_encode_series(series) for series in history.series]
    if history.points:
        out["metrics"] = [encode_metric(point) for point in history.points]
    return out


def _decode_history(fields: dict[str, Any]) -> RunHistory:
    return RunHistory(fields.get("run_id", ""), fields.get("series", []), fields.get("metrics", []))


register_codec("MetricSeries", _encode_series, _decode_series)
register_codec("RunHistory", _encode_history, _decode_history)

BULK_ROUTES: tuple[Route, ...] = (
    rpc(
        "ImportRun",
        "POST",
        "/heron/runs/import",
        (
            string("experiment_id", required=True),
            string("user_id"),
            string("run_name"),
            int64("start_time"),
            int64("end_time"),
            enumeration("status", RUN_STATUS, doc="default RUNNING"),
            nested("tags", "RunTag", repeated=True),
            nested("params", "Param", repeated=True),
            nested("series", "MetricSeries", repeated=True),
            nested("metrics", "Metric", repeated=True, doc="points naming a model or dataset"),
        ),
        (nested("run", "Run"),),
        retry=Retry.ONCE,
        tag="Heron",
        summary="(Heron) Create a run with everything logged to it, in one transaction.",
    ),
    rpc(
        "GetRunHistories",
        "GET",
        "/heron/runs/get-histories",
        (string("run_ids", repeated=True, required=True, doc=f"at most {MAX_HISTORY_RUNS}"),),
        (nested("histories", "RunHistory", repeated=True),),
        tag="Heron",
        summary=(
            "(Heron) Every metric point of several runs. A long answer stops after a run: "
            "ask again for the runs it left out."
        ),
    ),
)
