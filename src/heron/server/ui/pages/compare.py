"""The compare-runs page at MLflow's path, ``/compare-runs?runs=<id>&runs=<id>``: the runs'
details, params, latest metrics and tags side by side, and plots of them (parallel
coordinates, scatter, box, contour) drawn by ``static/js/compare.js`` with ECharts.

The URL holds every choice (see :mod:`heron.server.ui.compare_query`). The runs are read
with one search (per 500 ids), whatever their experiments. With the runs as rows, the page
holds the first :data:`FIRST_ROWS`; ``part=rows`` answers the others' rows, which HTMX
fetches once the page is shown (the browser parses a 200-run table in one go otherwise,
and the plot waits for it). ``/compare-runs/contour.json``
answers the contour plot's grid for other choices of params and metric (same parameters
as the page), with MLflow's error body on a bad request.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from heron.entities import Experiment, Run
from heron.exceptions import HeronError
from heron.server.ui.compare_plots import (
    RUN_COLOURS,
    choice_lists,
    contour_data,
    plot_fields,
    plot_state,
)
from heron.server.ui.compare_query import PLOTS, CompareView
from heron.server.ui.compare_runs import read_experiments, read_runs
from heron.server.ui.compare_table import compare_sections
from heron.server.ui.context import UiContext
from heron.server.ui.links import Links
from heron.server.ui.readable import check_experiments

FIRST_ROWS = 30
"""Runs as rows: the rows in the page; the others come in a fragment once it is shown."""
PLOT_TITLES = {
    "parallel": "Parallel coordinates",
    "scatter": "Scatter",
    "box": "Box plot",
    "contour": "Contour",
}


def routes(ui: UiContext) -> list[BaseRoute]:
    """The compare page and its contour grid."""
    store = ui.services.tracking
    links = ui.links

    @ui.page
    def compare_page(request: Request) -> Response:
        started = time.perf_counter()
        view = CompareView.from_query(request.query_params)
        runs = read_runs(store, view.run_ids, view.experiment_ids)
        check_experiments(request, {run.info.experiment_id for run in runs})
        experiments = read_experiments(store, runs)
        names = {experiment_id: e.name for experiment_id, e in experiments.items()}
        sections = compare_sections(runs, names, view.differences_only)
        if request.query_params.get("part") == "rows":  # after the first screen of rows
            shown = [section for section in sections if section.rows]
            context = {"runs": runs, "shown": shown, "start": FIRST_ROWS, "stop": len(runs)}
            return ui.render(request, "compare/_run_rows.html", context)
        fields = plot_fields(runs)
        state = plot_state(view, fields)
        data = {
            "runs": [_run_json(links, run) for run in runs],
            "fields": [field.as_json() for field in fields],
            "state": state,
            "contour": contour_data(fields, state) if view.plot == "contour" else None,
            "contour_url": links.path("/compare-runs/contour.json"),
        }

        def url(**changes: Any) -> str:
            """This page with some parameters changed (None drops one)."""
            return links.compare_runs(view.run_ids, **view.query(**changes))

        context = {
            "section": "experiments",
            "view": view,
            "runs": runs,
            "experiments": list(experiments.values()),
            "sections": sections,
            "first_rows": FIRST_ROWS,
            "transposed": view.transposed(len(runs)),
            "choices": choice_lists(fields),
            "state": state,
            "plots": [(plot, PLOT_TITLES[plot]) for plot in PLOTS],
            "run_colours": RUN_COLOURS,
            "data": data,
            "url": url,
            "table_link": _table_link(links, list(experiments.values())),
            "charts_link": links.several_charts(experiments, runs=view.run_ids),
        }
        response = ui.render(request, "compare/page.html", context)
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"page;dur={elapsed:.1f}"
        return response

    def contour(request: Request) -> Response:
        headers = {"Cache-Control": "no-store"}
        try:
            view = CompareView.from_query(request.query_params)
            runs = read_runs(store, view.run_ids, view.experiment_ids)
            check_experiments(request, {run.info.experiment_id for run in runs})
            fields = plot_fields(runs)
            body = contour_data(fields, plot_state(view, fields))
        except HeronError as error:  # MLflow's error body, as the REST API gives
            problem = {"error_code": error.error_code, "message": error.message}
            return JSONResponse(problem, status_code=error.http_status, headers=headers)
        return JSONResponse(body, headers=headers)

    return [
        Route("/compare-runs", compare_page, methods=["GET"]),
        Route("/compare-runs/contour.json", contour, methods=["GET"]),
    ]


def _run_json(links: Links, run: Run) -> dict[str, str]:
    info = run.info
    return {
        "id": info.run_id,
        "name": info.run_name or info.run_id,
        "url": links.run(info.experiment_id, info.run_id),
    }


def _table_link(links: Links, experiments: Sequence[Experiment]) -> tuple[str, str]:
    """The runs table these runs come from: ``(label, url)`` for the breadcrumbs."""
    if len(experiments) == 1:
        return experiments[0].name, links.experiment(experiments[0].experiment_id)
    ids = [experiment.experiment_id for experiment in experiments]
    return f"{len(experiments)} experiments", links.compare_experiments(ids)
