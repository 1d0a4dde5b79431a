"""The run page (overview, description, tags, params, metrics), a metric's page, an
MLflow 3 logged model's page, and ``/runs/<id>``, all at MLflow's paths so that the links
the mlflow client prints open them.

Query parameters: the run page's ``params`` and ``metrics`` filter their tables (the
search boxes keep them up to date); ``part=metrics`` asks for the metrics table's rows with
min, max and sparklines, read from every point (HTMX fetches them after the first paint).
The metric page's ``key`` names the metric, ``x`` is ``step`` (default) or ``time``,
``page`` the table's page (from 1) and ``order`` ``asc`` (default) or ``desc``.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from heron.entities import Run
from heron.exceptions import NotFound
from heron.search import string_literal
from heron.server.ui.context import UiContext
from heron.server.ui.pages.charts import ChartOptions
from heron.server.ui.run_overview import (
    FILES_SHOWN,
    PARENT_TAG,
    logged_model_files,
    logged_model_versions,
    read_metric_rows,
    read_overview,
)
from heron.server.ui.sparklines import line_chart

POINTS_PER_PAGE = 100


def routes(ui: UiContext) -> list[BaseRoute]:
    """The run page, a metric's page, a logged model's page and ``/runs/<id>``."""
    services = ui.services
    links = ui.links

    def located_run(request: Request, suffix: str = "") -> Run | Response:
        """The run of the URL, or a redirect when it lives in another experiment."""
        run = services.tracking.get_run(request.path_params["run_id"])
        if run.info.experiment_id != request.path_params["experiment_id"]:
            url = links.run(run.info.experiment_id, run.info.run_id) + suffix
            if request.url.query:
                url += "?" + request.url.query
            return RedirectResponse(url, status_code=302)
        return run

    @ui.page
    def run_page(request: Request) -> Response:
        run = located_run(request)
        if isinstance(run, Response):
            return run
        experiment = services.tracking.get_experiment(run.info.experiment_id)
        metrics_filter = request.query_params.get("metrics", "")
        if request.query_params.get("part") == "metrics":  # after the first paint
            context = {
                "experiment": experiment,
                "run": run,
                "metric_rows": read_metric_rows(services, run),
                "metrics_filter": metrics_filter,
            }
            return ui.render(request, "run/_metric_rows.html", context)
        overview = read_overview(services, experiment, run)
        context = {
            "section": "experiments",
            "tab": "overview",
            "header_actions": "run/_actions.html",
            "experiment": experiment,
            "run": run,
            "overview": overview,
            "params_filter": request.query_params.get("params", ""),
            "metrics_filter": metrics_filter,
            "metric_rows": overview.metrics,
            "children_filter": f"tags.{PARENT_TAG} = {string_literal(run.info.run_id)}",
        }
        return ui.render(request, "run/page.html", context)

    @ui.page
    def run_by_id(request: Request) -> Response:
        run = services.tracking.get_run(request.path_params["run_id"])
        return RedirectResponse(links.run(run.info.experiment_id, run.info.run_id), 302)

    @ui.page
    def metric_page(request: Request) -> Response:
        run = located_run(request, "/metrics")
        if isinstance(run, Response):
            return run
        params = request.query_params
        key = params.get("key", "")
        if not key:  # MLflow's metric page without a metric: the run's metrics table
            return RedirectResponse(links.run(run.info.experiment_id, run.info.run_id), 302)
        experiment = services.tracking.get_experiment(run.info.experiment_id)
        if key not in run.data.metrics:
            raise NotFound(f"Run {run.info.run_id} has no metric {key!r}")
        history = list(services.tracking.get_metric_history(run.info.run_id, key))
        options = ChartOptions.from_query(params)
        if options.x == "relative":  # not offered here: steps
            options = replace(options, x="step")
        time_axis = options.x == "time"
        xs = [p.timestamp if time_axis else p.step for p in history]
        chart = line_chart(xs, [p.value for p in history], time_axis)
        descending = params.get("order") == "desc"
        pages = max(1, -(-len(history) // POINTS_PER_PAGE))
        page = min(max(_int(params.get("page"), 1), 1), pages)
        ordered = history[::-1] if descending else history
        shown = ordered[(page - 1) * POINTS_PER_PAGE : page * POINTS_PER_PAGE]
        query = {
            "x": params.get("x"),
            "smooth": params.get("smooth"),
            "log": params.get("log"),
            "order": params.get("order"),
            "page": page,
        }

        def metric_url(**changes: str | int | None) -> str:
            """This page with some query parameters changed (None drops one)."""
            values = {**query, **changes}
            return links.metric(run.info.experiment_id, run.info.run_id, key, **values)

        context = {
            "section": "experiments",
            "tab": "metrics",
            "metric_url": metric_url,
            "experiment": experiment,
            "run": run,
            "key": key,
            "chart": chart,
            "x": options.x_choice,
            "chart_config": options.config([run]),
            "options": options,
            "order": "desc" if descending else "asc",
            "points": shown,
            "total": len(history),
            "page": page,
            "pages": pages,
            "other_keys": sorted(run.data.metrics),
        }
        return ui.render(request, "run/metric.html", context)

    @ui.page
    def logged_model_page(request: Request) -> Response:
        model = services.tracking.get_logged_model(request.path_params["model_id"])
        if model.experiment_id != request.path_params["experiment_id"]:
            url = links.logged_model(model.experiment_id, model.model_id)
            return RedirectResponse(url, status_code=302)
        experiment = services.tracking.get_experiment(model.experiment_id)
        source_run = None
        if model.source_run_id:
            try:
                source_run = services.tracking.get_run(model.source_run_id)
            except NotFound:
                source_run = None
        context = {
            "section": "experiments",
            "experiment": experiment,
            "model": model,
            "source_run": source_run,
            "versions": logged_model_versions(services, model),
            "files": logged_model_files(services, model),
            "files_shown": FILES_SHOWN,
            "metrics": sorted(model.metrics, key=lambda m: (m.key, m.step, m.timestamp)),
        }
        return ui.render(request, "logged_model/page.html", context)

    run_path = "/experiments/{experiment_id}/runs/{run_id}"
    return [
        Route(run_path, run_page, methods=["GET"]),
        Route(run_path + "/metrics", metric_page, methods=["GET"]),
        Route("/runs/{run_id}", run_by_id, methods=["GET"]),
        Route("/experiments/{experiment_id}/models/{model_id}", logged_model_page, methods=["GET"]),
    ]


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default
