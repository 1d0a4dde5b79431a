"""The model registry's pages, at MLflow's paths (the mlflow client prints
``/#/models/<name>`` and ``/#/models/<name>/versions/<v>``):

- ``/models``: registered models; ``q`` (a substring of the name), ``filter`` (the
  registry's filter grammar, e.g. ``tags.team = 'nlp'``), ``sort`` (``name``, ``-name``,
  ``updated``, ``-updated``, ``created``, ``-created``), ``page_token``;
- ``/models/<name>``: a model with its versions (``page_token`` pages them);
- ``/models/<name>/versions/<v>``: a version, with its MLmodel's signature;
- ``/models/<name>/compare?versions=1&versions=2``: versions side by side (``diff=1``:
  only the rows that differ).

Pages only read; every edit they offer posts to the REST API (``static/js/heron.js`` and
``static/js/models.js``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heron.entities import PagedList
from heron.entities.registry import ModelVersion, ModelVersionStage
from heron.exceptions import InvalidParameter, NotFound
from heron.search import string_literal
from heron.server.ui.context import UiContext
from heron.server.ui.query import like_pattern
from heron.server.ui.readable import readable_page
from heron.server.ui.registry_compare import MAX_COMPARED, compare_versions
from heron.server.ui.registry_files import read_version_files, version_uri

PAGE_SIZE = 100
VERSIONS_PAGE_SIZE = 200
STAGES = [stage.value for stage in ModelVersionStage]
_ORDERS = {
    "name": "name ASC",
    "-name": "name DESC",
    "updated": "last_updated_timestamp ASC",
    "-updated": "last_updated_timestamp DESC",
    "created": "creation_timestamp ASC",
    "-created": "creation_timestamp DESC",
}
SORTS = [
    ("name", "Name A-Z"),
    ("-name", "Name Z-A"),
    ("-updated", "Last modified"),
    ("-created", "Newest"),
    ("created", "Oldest"),
]


def models_filter(query: str, extra: str) -> str | None:
    """The store filter of the list's two boxes: a name substring and a filter."""
    parts = [f"name ILIKE {like_pattern(query)}"] if query else []
    if extra:
        parts.append(extra)
    return " AND ".join(parts) or None


def routes(ui: UiContext) -> list[BaseRoute]:
    """The models list, a model's page, a version's page and the compare page."""
    services = ui.services

    @ui.page
    def models_page(request: Request) -> Response:
        params = request.query_params
        query, extra = params.get("q", "").strip(), params.get("filter", "").strip()
        sort = params.get("sort", "name") if params.get("sort") in _ORDERS else "name"
        error = None
        try:
            page = readable_page(
                request,
                "registered_model",
                lambda size, token: services.registry.search_registered_models(
                    models_filter(query, extra), size, [_ORDERS[sort]], token
                ),
                lambda model: model.name,
                PAGE_SIZE,
                params.get("page_token") or None,
            )
        except InvalidParameter as problem:  # a bad filter: said above the (empty) table
            page, error = PagedList([], None), problem.message
        context = {
            "section": "models",
            "models": page,
            "next_page_token": page.token,
            "q": query,
            "filter": extra,
            "sort": sort,
            "sorts": SORTS,
            "error": error,
        }
        fragment = request.headers.get("hx-target") == "models-table"
        template = "models/_table.html" if fragment else "models/list.html"
        return ui.render(request, template, context, status=400 if error and not fragment else 200)

    @ui.page
    def model_page(request: Request) -> Response:
        name = request.path_params["name"]
        model = services.registry.get_registered_model(name)
        versions = services.registry.search_model_versions(
            f"name = {string_literal(name)}",
            VERSIONS_PAGE_SIZE,
            ["version_number DESC"],
            request.query_params.get("page_token") or None,
        )
        context = {
            "section": "models",
            "model": model,
            "versions": versions,
            "next_page_token": versions.token,
            "max_compared": MAX_COMPARED,
        }
        return ui.render(request, "models/model.html", context)

    @ui.page
    def version_page(request: Request) -> Response:
        name = request.path_params["name"]
        version = services.registry.get_model_version(name, request.path_params["version"])
        model = services.registry.get_registered_model(name)
        context = {
            "section": "models",
            "registered": model,
            "version": version,
            "uri": version_uri(version),
            "logged_model_experiment": _logged_model_experiment(version),
            "files": read_version_files(services, ui.settings, version),
            "stages": STAGES,
        }
        return ui.render(request, "models/version.html", context)

    def _logged_model_experiment(version: ModelVersion) -> str | None:
        """The experiment of the version's logged model (its page's path needs it)."""
        if not version.model_id:
            return None
        try:
            return services.tracking.get_logged_model(version.model_id).experiment_id
        except (NotFound, InvalidParameter):
            return None

    @ui.page
    def compare_page(request: Request) -> Response:
        name = request.path_params["name"]
        model = services.registry.get_registered_model(name)
        numbers = request.query_params.getlist("versions")
        comparison = compare_versions(services, ui.settings, name, numbers)
        context = {
            "section": "models",
            "model": model,
            "comparison": comparison,
            "only_differences": request.query_params.get("diff") == "1",
        }
        return ui.render(request, "models/compare.html", context)

    return [
        Route("/models", models_page, methods=["GET"]),
        Route("/models/{name}", model_page, methods=["GET"]),
        Route("/models/{name}/compare", compare_page, methods=["GET"]),
        Route("/models/{name}/versions/{version}", version_page, methods=["GET"]),
    ]
