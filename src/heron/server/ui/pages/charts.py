"""The chart view of an experiment, or of runs of several: one card per metric.

``GET /experiments/<id>/charts`` picks its runs from ``runs`` (ids, repeated) or else from
the runs table's ``filter``, ``order_by`` and ``view`` (the first ``limit``, 10 by default,
at most 200) and shows one card per metric key (``keys``, repeated; all the runs' keys by
default), grouped in sections by the key's prefix (``train/``, ``val/``). Each card fetches
its series from ``GET /ajax-api/2.0/heron/metrics/sampled`` when it scrolls into view
(static/js/charts.js). ``GET /compare-experiments/charts`` is the same view over several
experiments (``experiments``, repeated: the runs table's filter across them) or over
``runs`` from any experiments (MLflow's "compare experiments"); a run's label then ends
with its experiment's name. Line options live in the URL too: ``x`` (``step``, ``time``,
``relative`` or ``metric:<key>``: another metric, whose value at each step is the x of the
points at that step, from ``GET /ajax-api/2.0/heron/metrics/paired``), ``smooth`` (EMA
weight, 0 to 0.99), ``log`` (``1``: log scale) and ``band`` (``1``: the min/max band of
sampled series).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heron.entities import Experiment, Run
from heron.exceptions import InvalidParameter
from heron.server.ui.compare_runs import read_experiments, read_runs
from heron.server.ui.context import UiContext
from heron.server.ui.readable import check_experiments
from heron.server.ui.runs_query import RunsView

SEVERAL_PATH = "/compare-experiments/charts"
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

    def config(
        self, runs: Sequence[Run], experiment_names: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """The charts' settings for static/js/charts.js (the page's ``#chart-config``); with
        ``experiment_names``, each run's label ends with its experiment's name."""

        def label(run: Run) -> str:
            name = run.info.run_name or run.info.run_id
            if experiment_names is None:
                return name
            return f"{name} ({experiment_names.get(run.info.experiment_id, '?')})"

        return {
            "runs": [
                {"id": run.info.run_id, "name": label(run), "start": run.info.start_time}
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
    """The chart view of an experiment, and of runs from several experiments."""
    services = ui.services
    links = ui.links

    def searched(request: Request, experiment_ids: list[str]) -> tuple[list[Run], str | None]:
        """The first ``limit`` runs of the runs table's filter and sort, or its error."""
        params = request.query_params
        view = RunsView.from_query(experiment_ids, params)
        try:
            found = services.tracking.search_runs(
                experiment_ids,
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
        run_ids = _run_ids(request)
        if run_ids:
            runs = [services.tracking.get_run(run_id) for run_id in run_ids]
            runs, error = [r for r in runs if r.info.experiment_id == experiment_id], None
        else:
            runs, error = searched(request, [experiment_id])
        table = (experiment.name, links.experiment(experiment_id, **_table_query(request)))
        action = links.charts(experiment_id)
        return render(request, runs, error, [experiment], table, action, None)

    @ui.page
    def several_page(request: Request) -> Response:
        ids = list(dict.fromkeys(i for i in request.query_params.getlist("experiments") if i))
        run_ids = _run_ids(request)
        if not ids and not run_ids:
            raise InvalidParameter("Choose at least one experiment or run to chart.")
        check_experiments(request, ids)
        if run_ids:
            runs, error = read_runs(services.tracking, run_ids, ids), None
            check_experiments(request, {run.info.experiment_id for run in runs})
        else:
            runs, error = searched(request, ids)
        experiments = {i: services.tracking.get_experiment(i) for i in ids}
        experiments.update(read_experiments(services.tracking, runs))
        shown = list(experiments.values())
        table_ids = ids or list(experiments)
        table_url = links.compare_experiments(table_ids, **_table_query(request))
        table = (f"{len(table_ids)} experiments", table_url)
        if len(table_ids) == 1:
            table = (shown[0].name, links.experiment(table_ids[0], **_table_query(request)))
        names = {i: e.name for i, e in experiments.items()} if len(experiments) > 1 else None
        action = links.path(SEVERAL_PATH)
        return render(request, runs, error, shown, table, action, names)

    def render(
        request: Request,
        runs: list[Run],
        error: str | None,
        experiments: list[Experiment],
        table: tuple[str, str],
        action: str,
        names: Mapping[str, str] | None,
    ) -> Response:
        asked = [k for k in request.query_params.getlist("keys") if k]
        metric_keys = sorted({key for run in runs for key in run.data.metrics})
        options = ChartOptions.from_query(request.query_params)
        context = {
            "section": "experiments",
            "experiments": experiments,
            "table_link": table,
            "form_action": action,
            "several": action.endswith(SEVERAL_PATH),
            "runs": runs,
            "chart_config": options.config(runs, names),
            "metric_keys": metric_keys,
            "sections": sections(asked or metric_keys),
            "options": options,
            "error": error,
            "query": request.query_params,
            "limit": _limit(request.query_params.get("limit")),
        }
        return ui.render(request, "charts/page.html", context)

    return [
        Route("/experiments/{experiment_id}/charts", charts_page, methods=["GET"]),
        Route(SEVERAL_PATH, several_page, methods=["GET"]),
    ]


def _run_ids(request: Request) -> list[str]:
    """The ``runs`` the URL names (the first :data:`MAX_RUNS`)."""
    return list(dict.fromkeys(r for r in request.query_params.getlist("runs") if r))[:MAX_RUNS]


def _table_query(request: Request) -> dict[str, Any]:
    """The runs table's parameters of this URL (its filter and sort)."""
    params = request.query_params
    return {"filter": params.get("filter"), "order_by": params.getlist("order_by")}
