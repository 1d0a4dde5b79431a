"""The chart view of an experiment: one card per metric, for some of its runs.

``GET /experiments/<id>/charts`` picks its runs from ``runs`` (ids, repeated) or else from
the runs table's ``filter``, ``order_by`` and ``view`` (the first ``limit``, 10 by default,
at most 200) and shows one card per metric key (``keys``, repeated; all the runs' keys by
default), grouped in sections by the key's prefix (``train/``, ``val/``). Each card fetches
its series from ``GET /ajax-api/2.0/heron/metrics/sampled`` when it scrolls into view
(static/js/charts.js). Line options live in the URL too: ``x`` (``step``, ``time``,
``relative`` or ``metric:<key>``: another metric, whose value at each step is the x of the
points at that step, from ``GET /ajax-api/2.0/heron/metrics/paired``), ``smooth`` (EMA
weight, 0 to 0.99), ``log`` (``1``: log scale) and ``band`` (``1``: the min/max band of
sampled series).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heron.entities import Run
from heron.exceptions import InvalidParameter
from heron.server.ui.context import UiContext
from heron.server.ui.runs_query import RunsView

DEFAULT_RUNS = 10
MAX_RUNS = 200
X_AXES = ("step", "time", "relative")
METRIC_AXIS = "metric:"
"""``x=metric:<key>``: the metric ``key`` on the x axis."""


@dataclass(frozen=True)
class ChartOptions:
    """The line options of the URL."""

    x: str = "step"
    x_metric: str | None = None
    smooth: float = 0.0
    log: bool = False
    band: bool = True

    @classmethod
    def from_query(cls, params: Any) -> ChartOptions:
        """Options from a query string (bad values fall back to the defaults)."""
        x = params.get("x", "step")
        x_metric = x[len(METRIC_AXIS) :] if x.startswith(METRIC_AXIS) else ""
        try:
            smooth = float(params.get("smooth", "0"))
        except ValueError:
            smooth = 0.0
        smooth = min(max(smooth, 0.0), 0.99) if math.isfinite(smooth) else 0.0
        return cls(
            x="metric" if x_metric else x if x in X_AXES else "step",
            x_metric=x_metric or None,
            smooth=smooth,
            log=params.get("log") == "1",
            band=params.get("band", "1") != "0",
        )

    @property
    def x_choice(self) -> str:
        """The x axis as the URL's ``x`` names it (``metric:<key>`` for a metric)."""
        return METRIC_AXIS + self.x_metric if self.x_metric else self.x

    def config(self, runs: Sequence[Run]) -> dict[str, Any]:
        """The charts' settings for static/js/charts.js (the page's ``#chart-config``)."""
        return {
            "runs": [
                {
                    "id": run.info.run_id,
                    "name": run.info.run_name or run.info.run_id,
                    "start": run.info.start_time,
                }
                for run in runs
            ],
            "x": self.x,
            "x_metric": self.x_metric,
            "smooth": self.smooth,
            "log": self.log,
            "band": self.band,
        }


def sections(keys: Sequence[str]) -> list[tuple[str, list[str]]]:
    """Keys grouped by their prefix before the first ``/`` (keys without one first)."""
    groups: dict[str, list[str]] = {}
    for key in sorted(keys):
        prefix = key.split("/", 1)[0] if "/" in key else ""
        groups.setdefault(prefix, []).append(key)
    return sorted(groups.items(), key=lambda item: (item[0] != "", item[0]))


def _limit(value: str | None) -> int:
    try:
        return min(max(int(value or DEFAULT_RUNS), 1), MAX_RUNS)
    except ValueError:
        return DEFAULT_RUNS


def routes(ui: UiContext) -> list[BaseRoute]:
    """The chart view of an experiment."""
    services = ui.services

    def chosen_runs(request: Request, experiment_id: str) -> tuple[list[Run], str | None]:
        params = request.query_params
        run_ids = list(dict.fromkeys(r for r in params.getlist("runs") if r))[:MAX_RUNS]
        if run_ids:
            runs = [services.tracking.get_run(run_id) for run_id in run_ids]
            return [r for r in runs if r.info.experiment_id == experiment_id], None
        view = RunsView.from_query([experiment_id], params)
        try:
            found = services.tracking.search_runs(
                [experiment_id],
                view.store_filter,
                view.view_type,
                _limit(params.get("limit")),
                view.store_order,
            )
        except InvalidParameter as problem:  # a bad filter or sort: said on the page
            return [], problem.message
        return list(found), None

    @ui.page
    def charts_page(request: Request) -> Response:
        experiment_id = request.path_params["experiment_id"]
        experiment = services.tracking.get_experiment(experiment_id)
        runs, error = chosen_runs(request, experiment_id)
        asked = [k for k in request.query_params.getlist("keys") if k]
        keys = asked or sorted({key for run in runs for key in run.data.metrics})
        options = ChartOptions.from_query(request.query_params)
        context = {
            "section": "experiments",
            "experiment": experiment,
            "runs": runs,
            "chart_config": options.config(runs),
            "metric_keys": sorted({key for run in runs for key in run.data.metrics}),
            "sections": sections(keys),
            "options": options,
            "error": error,
            "query": request.query_params,
            "limit": _limit(request.query_params.get("limit")),
        }
        return ui.render(request, "charts/page.html", context)

    return [Route("/experiments/{experiment_id}/charts", charts_page, methods=["GET"])]
