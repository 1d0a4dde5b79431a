"""The model registry's place in the UI: the list of registered models, a model's versions
and a version's page, so the links the mlflow client prints (``/#/models/<name>``,
``/#/models/<name>/versions/<v>``) open."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heron.entities import PagedList
from heron.exceptions import InvalidParameter
from heron.server.ui.context import UiContext
from heron.server.ui.query import like_pattern

PAGE_SIZE = 100


def routes(ui: UiContext) -> list[BaseRoute]:
    @ui.page
    def models_page(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        filter_string = f"name ILIKE {like_pattern(query)}" if query else None
        error = None
        try:
            page = ui.services.registry.search_registered_models(
                filter_string, PAGE_SIZE, None, request.query_params.get("page_token") or None
            )
        except InvalidParameter as problem:
            page, error = PagedList([], None), problem.message
        context = {"section": "models", "models": page, "q": query, "error": error}
        return ui.render(request, "models/list.html", context)

    @ui.page
    def model_page(request: Request) -> Response:
        name = request.path_params["name"]
        registry = ui.services.registry
        model = registry.get_registered_model(name)
        versions = registry.search_model_versions(
            f"name = {_literal(name)}", 1000, ["version_number DESC"]
        )
        context = {"section": "models", "model": model, "versions": versions}
        return ui.render(request, "models/model.html", context)

    @ui.page
    def version_page(request: Request) -> Response:
        name = request.path_params["name"]
        registry = ui.services.registry
        version = registry.get_model_version(name, request.path_params["version"])
        context = {"section": "models", "version": version}
        return ui.render(request, "models/version.html", context)

    return [
        Route("/models", models_page, methods=["GET"]),
        Route("/models/{name}", model_page, methods=["GET"]),
        Route("/models/{name}/versions/{version}", version_page, methods=["GET"]),
    ]


def _literal(text: str) -> str:
    from heron.search import string_literal

    return string_literal(text)
