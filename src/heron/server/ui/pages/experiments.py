"""The experiments list (also the home page): search, run counts, last activity, and
create / rename / delete / restore (through the REST API); select several to see their
runs together."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from heron.entities import PagedList, ViewType
from heron.exceptions import InvalidParameter
from heron.server.ui.context import UiContext
from heron.server.ui.query import like_pattern, view_type
from heron.server.ui.readable import readable_page

PAGE_SIZE = 100
_ORDERS = {
    "name": "name ASC",
    "-name": "name DESC",
    "created": "creation_time ASC",
    "-created": "creation_time DESC",
    "updated": "last_update_time ASC",
    "-updated": "last_update_time DESC",
}


def routes(ui: UiContext) -> list[BaseRoute]:
    @ui.page
    def experiments_page(request: Request) -> Response:
        params = request.query_params
        query = params.get("q", "").strip()
        filter_string = params.get("filter", "").strip() or _name_filter(query)
        view = view_type(params.get("view"))
        sort = params.get("sort", "-updated")
        order_by = [_ORDERS.get(sort, _ORDERS["-updated"]), "experiment_id ASC"]
        store = ui.services.tracking
        error = None
        try:
            page = readable_page(
                request,
                "experiment",
                lambda size, token: store.search_experiments(
                    view, size, filter_string or None, order_by, token
                ),
                lambda experiment: experiment.experiment_id,
                PAGE_SIZE,
                params.get("page_token") or None,
            )
        except InvalidParameter as problem:  # a bad filter: said above the (empty) table
            page, error = PagedList([], None), problem.message
        activity = store.get_experiment_activity([e.experiment_id for e in page])
        context = {
            "error": error,
            "section": "experiments",
            "experiments": page,
            "activity": activity,
            "next_page_token": page.token,
            "q": query,
            "filter": params.get("filter", ""),
            "view": params.get("view", "active"),
            "sort": sort,
            "deleted_view": view != ViewType.ACTIVE_ONLY,
        }
        fragment = request.headers.get("hx-target") == "experiments-table"
        template = "experiments/_table.html" if fragment else "experiments/list.html"
        return ui.render(request, template, context, status=400 if error and not fragment else 200)

    def compare(request: Request) -> Response:
        """The form of the list posts the chosen ids here (GET): the runs of them all."""
        ids = [i for i in request.query_params.getlist("experiment_id") if i]
        if len(ids) == 1:
            return RedirectResponse(ui.links.experiment(ids[0]), status_code=303)
        return RedirectResponse(ui.links.compare_experiments(ids), status_code=303)

    return [
        Route("/", experiments_page, methods=["GET"]),
        Route("/experiments", experiments_page, methods=["GET"]),
        Route("/experiments-select", compare, methods=["GET"]),
    ]


def _name_filter(query: str) -> str:
    """A search box's text as a filter: a case-insensitive substring of the name or of the
    description."""
    if not query:
        return ""
    pattern = like_pattern(query)
    return f"name ILIKE {pattern} OR tags.`mlflow.note.content` ILIKE {pattern}"
