"""The runs table of one experiment (``/experiments/{id}``) or of several
(``/compare-experiments?experiments=1&experiments=2``): filter, sort, columns, paging,
nested runs, CSV of every matching run, and the key catalogue for autocomplete.

Every choice is a URL parameter (see :class:`~heron.server.ui.runs_query.RunsView`);
edits (delete, restore, tags) go through the REST API from ``static/js/runs.js``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from heron.entities import Experiment, PagedList, Run
from heron.exceptions import HeronError, InvalidParameter
from heron.search import parse_filter, parse_order_by, string_literal
from heron.server.ui import runs_csv
from heron.server.ui.context import PageHandler, UiContext, is_fragment
from heron.server.ui.readable import check_experiments
from heron.server.ui.runs_columns import (
    NAME_ORDER,
    PARENT_TAG,
    Column,
    attribute_text,
    chooser_groups,
    data_text,
    default_columns,
    identifier,
    range_keys,
)
from heron.server.ui.runs_query import RunsView
from heron.store.tracking.base import TrackingStore

IdsOf = Callable[[Request], list[str]]
"""Reads the experiment ids a request names (path or query)."""

RESULTS_ID = "runs-results"
MAX_CHILDREN = 1000


def routes(ui: UiContext) -> list[BaseRoute]:
    """The runs table's pages, fragments, CSV and key catalogue."""

    def one(request: Request) -> list[str]:
        return [request.path_params["experiment_id"]]

    def several(request: Request) -> list[str]:
        ids = [i for i in request.query_params.getlist("experiments") if i]
        if not ids:
            raise InvalidParameter("Choose at least one experiment to compare.")
        check_experiments(request, ids)
        return ids

    def table_page(ids_of: IdsOf) -> PageHandler:
        @ui.page
        def handler(request: Request) -> Response:
            started = time.perf_counter()
            ids = ids_of(request)
            response = _table(ui, request, ids, several=ids_of is several)
            elapsed = (time.perf_counter() - started) * 1000
            response.headers["Server-Timing"] = f"page;dur={elapsed:.1f}"
            return response

        return handler

    def csv_download(ids_of: IdsOf) -> PageHandler:
        @ui.page
        def handler(request: Request) -> Response:
            ids = ids_of(request)
            view = RunsView.from_query(ids, request.query_params)
            store = ui.services.tracking
            # Errors before the stream starts: an unknown experiment, a bad filter or sort.
            for experiment_id in ids:
                store.get_experiment(experiment_id)
            parse_filter(view.store_filter, "runs")
            parse_order_by(view.store_order, "runs")
            keys = store.get_run_keys(ids, view.view_type)
            name = runs_csv.file_name(ids)
            return StreamingResponse(
                runs_csv.stream(store, view, keys),
                media_type="text/csv; charset=utf-8",
                headers={
                    "Content-Disposition": f'attachment; filename="{name}"',
                    "X-Content-Type-Options": "nosniff",
                    "Cache-Control": "no-store",
                },
            )

        return handler

    def keys_json(ids_of: IdsOf) -> PageHandler:
        def handler(request: Request) -> Response:
            headers = {"Cache-Control": "no-store"}
            try:
                view = RunsView.from_query(ids_of(request), request.query_params)
                ids = list(view.experiment_ids)
                keys = ui.services.tracking.get_run_keys(ids, view.view_type)
            except HeronError as error:  # MLflow's error body, as the REST API gives
                problem = {"error_code": error.error_code, "message": error.message}
                return JSONResponse(problem, status_code=error.http_status, headers=headers)
            body = {"metrics": keys.metrics, "params": keys.params, "tags": keys.tags}
            return JSONResponse(body, headers=headers)

        return handler

    def chooser(ids_of: IdsOf) -> PageHandler:
        @ui.page
        def handler(request: Request) -> Response:
            view = RunsView.from_query(ids_of(request), request.query_params)
            keys = ui.services.tracking.get_run_keys(list(view.experiment_ids), view.view_type)
            chosen = list(view.columns or ())
            context = {"groups": chooser_groups(keys, chosen), "complete": True}
            return ui.render(request, "runs/_chooser.html", context)

        return handler

    def children(ids_of: IdsOf) -> PageHandler:
        @ui.page
        def handler(request: Request) -> Response:
            view = RunsView.from_query(ids_of(request), request.query_params)
            parent = request.query_params.get("parent", "")
            ancestors = request.query_params.get("ancestors", "").split()
            store = ui.services.tracking
            child_filter = f"{identifier('tag', PARENT_TAG)} = {string_literal(parent)}"
            runs = store.search_runs(
                list(view.experiment_ids),
                child_filter,
                view.view_type,
                MAX_CHILDREN,
                view.store_order,
            )
            columns = list(view.columns or default_columns(runs, len(view.experiment_ids) > 1))
            context = {
                **_rows_context(ui, store, view, runs, columns, [*ancestors, parent]),
                "depth": len(ancestors) + 1,
                "ancestors": [*ancestors, parent],
            }
            return ui.render(request, "runs/_children.html", context)

        return handler

    return [
        Route("/experiments/{experiment_id}", table_page(one), methods=["GET"]),
        Route("/experiments/{experiment_id}/runs.csv", csv_download(one), methods=["GET"]),
        Route("/experiments/{experiment_id}/keys.json", keys_json(one), methods=["GET"]),
        Route("/experiments/{experiment_id}/columns", chooser(one), methods=["GET"]),
        Route("/experiments/{experiment_id}/children", children(one), methods=["GET"]),
        Route("/compare-experiments", table_page(several), methods=["GET"]),
        Route("/compare-experiments/runs.csv", csv_download(several), methods=["GET"]),
        Route("/compare-experiments/keys.json", keys_json(several), methods=["GET"]),
        Route("/compare-experiments/columns", chooser(several), methods=["GET"]),
        Route("/compare-experiments/children", children(several), methods=["GET"]),
    ]


def _table(ui: UiContext, request: Request, ids: list[str], several: bool) -> Response:
    """The page (or, for HTMX, the results fragment) of a runs table."""
    store = ui.services.tracking
    view = RunsView.from_query(ids, request.query_params)
    experiments = [store.get_experiment(experiment_id) for experiment_id in view.experiment_ids]
    error = None
    count = 0
    try:
        runs = store.search_runs(
            list(view.experiment_ids),
            view.store_filter,
            view.view_type,
            view.page_size,
            view.store_order,
            view.page_token or None,
        )
        count = store.count_runs(list(view.experiment_ids), view.store_filter, view.view_type)
    except InvalidParameter as problem:  # a bad filter or sort: said above the empty table
        runs, error = PagedList([], None), problem.message
    columns = list(view.columns) if view.columns is not None else default_columns(runs, several)
    base = _base_path(ui, view, several)
    context = {
        **_rows_context(ui, store, view, runs, columns),
        "section": "experiments",
        "experiments": experiments,
        "several": several,
        "title": _title(experiments),
        "view": view,
        "error": error,
        "count": count,
        "next_page_token": runs.token,
        "previous_token": view.previous_token(),
        "base": base,
        "url": lambda **changes: _url(ui, base, view, several, **changes),
        "sort_options": _sort_options(view, columns),
        "running": any(run.info.status == "RUNNING" for run in runs),
        "chooser_groups": chooser_groups(None, columns),
        "depth": 0,
        "ancestors": [],
    }
    fragment = is_fragment(request) and request.headers.get("hx-target") == RESULTS_ID
    template = "runs/_results.html" if fragment else "runs/page.html"
    status = 400 if error and not fragment else 200
    return ui.render(request, template, context, status=status)


def _rows_context(
    ui: UiContext,
    store: TrackingStore,
    view: RunsView,
    runs: Sequence[Run],
    columns: list[Column],
    view_ancestors: Sequence[str] = (),
) -> dict[str, Any]:
    """What the row template needs: columns, metric ranges, children counts, links."""
    wanted = range_keys(columns)
    run_ids = [run.info.run_id for run in runs]
    ranges = store.get_metric_ranges(run_ids, wanted) if wanted and run_ids else {}
    several = len(view.experiment_ids) > 1
    base = _base_path(ui, view, several)
    children_query = {**view.query(columns=tuple(columns)), "nested": "tree"}
    if several:
        children_query["experiments"] = list(view.experiment_ids)
    ancestors = " ".join(view_ancestors)
    experiment_names = (
        {i: store.get_experiment(i).name for i in view.experiment_ids} if several else {}
    )

    def children_link(run_id: str) -> str:
        query = {**children_query, "parent": run_id, "ancestors": ancestors}
        return ui.links.path(f"{base}/children", query)

    def attribute_cell(run: Run, name: str) -> str:
        return attribute_text(run, name, experiment_names)

    return {
        "runs": runs,
        "columns": columns,
        "ranges": ranges,
        "names": {run.info.run_id: run.info.run_name for run in runs},
        "child_counts": _child_counts(store, view, run_ids) if view.top_level else {},
        "children_link": children_link,
        "attribute_text": attribute_cell,
        "data_text": data_text,
        "top_level": view.top_level,
    }


def _child_counts(store: TrackingStore, view: RunsView, run_ids: list[str]) -> dict[str, int]:
    """How many child runs each of ``run_ids`` has, from one search of the experiments'
    child runs (the first :data:`MAX_CHILDREN` of them: the grammar has no ``IN`` for tags,
    and one ``=`` per run would probe every run's tags a hundred times)."""
    if not run_ids:
        return {}
    children = store.search_runs(
        list(view.experiment_ids),
        f"{identifier('tag', PARENT_TAG)} IS NOT NULL",
        view.view_type,
        MAX_CHILDREN,
    )
    wanted = set(run_ids)
    parents = (run.data.tags.get(PARENT_TAG, "") for run in children)
    return dict(Counter(parent for parent in parents if parent in wanted))


def _base_path(ui: UiContext, view: RunsView, several: bool) -> str:
    """The table's path without the prefix (``/experiments/1`` or ``/compare-experiments``)."""
    if several:
        return "/compare-experiments"
    return ui.links.experiment(view.experiment_ids[0])[len(ui.links.prefix) :]


def _url(ui: UiContext, base: str, view: RunsView, several: bool, **changes: Any) -> str:
    """This table's URL with some parameters changed (``suffix`` appends to the path)."""
    suffix = changes.pop("suffix", "")
    query = view.query(**changes)
    if several:
        query = {"experiments": list(view.experiment_ids), **query}
    return ui.links.path(base + suffix, query)


def _title(experiments: list[Experiment]) -> str:
    if len(experiments) == 1:
        return experiments[0].name
    return f"{len(experiments)} experiments"


def _sort_options(view: RunsView, columns: list[Column]) -> list[tuple[str, str]]:
    """``(order_by, label)`` choices of the sort selector, the current one included."""
    options = [
        ("attributes.start_time DESC", "Newest first"),
        ("attributes.start_time ASC", "Oldest first"),
        (f"{NAME_ORDER} ASC", "Run name A-Z"),
        (f"{NAME_ORDER} DESC", "Run name Z-A"),
    ]
    for column in columns:
        if column.order_by is None or column.kind == "attribute":
            continue
        options.append((f"{column.order_by} DESC", f"{column.label} (high to low)"))
        options.append((f"{column.order_by} ASC", f"{column.label} (low to high)"))
    current = view.store_order[0]
    if current not in {value for value, _ in options}:
        options.insert(0, (current, current))
    return options
