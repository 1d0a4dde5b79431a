"""``POST /graphql`` (and GET): MLflow's GraphQL endpoint, on graphql-core.

Answers the queries MLflow's UI and tools send (``mlflowGetRun``, ``mlflowSearchRuns``,
``mlflowGetMetricHistoryBulkInterval``, ``mlflowListArtifacts``, ``mlflowSearchDatasets``,
``test``...) with MLflow's schema (:mod:`heron.server.graphql.sdl`) and answer shape
``{"data": ..., "errors": [messages] | null}``. As MLflow does, a document may hold at most
10 root fields and 10 aliases per selection (``HERON_``/``MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS``,
``..._MAX_ALIASES``); longer ones are refused before anything runs.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heron.exceptions import InvalidParameter
from heron.protocol.wire import dump_json, load_request_body
from heron.server.asgi import read_body
from heron.server.services import Services

MAX_BODY_BYTES = 1 << 20
DEFAULT_LIMIT = 10


def _limit(name: str) -> int:
    for prefix in ("HERON_", "MLFLOW_"):
        value = os.environ.get(prefix + name)
        if value and value.strip().isdigit():
            return int(value)
    return DEFAULT_LIMIT


@functools.cache
def _schema() -> Any:
    from graphql import build_schema

    from heron.server.graphql.resolvers import attach
    from heron.server.graphql.sdl import SDL

    schema = build_schema(SDL)
    attach(schema)
    return schema


def _too_big(document: Any) -> str | None:
    """MLflow's refusal message when a document has too many root fields or aliases."""
    from graphql import FieldNode, OperationDefinitionNode

    root_fields = 0
    most_aliases = 0
    stack = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root_fields += len(definition.selection_set.selections)
        if getattr(definition, "selection_set", None) is not None:
            stack.append(definition.selection_set)
    while stack:
        selections = stack.pop().selections
        aliases = sum(1 for s in selections if isinstance(s, FieldNode) and s.alias is not None)
        most_aliases = max(most_aliases, aliases)
        stack.extend(s.selection_set for s in selections if s.selection_set is not None)
    for what, count, name in (
        ("root fields", root_fields, "SERVER_GRAPHQL_MAX_ROOT_FIELDS"),
        ("aliases", most_aliases, "SERVER_GRAPHQL_MAX_ALIASES"),
    ):
        if count > _limit(name):
            return (
                f"GraphQL queries should have at most {_limit(name)} {what}, got {count} {what}. "
                f"To increase the limit, set the MLFLOW_{name} environment variable."
            )
    return None


def execute(services: Services, message: dict[str, Any]) -> dict[str, Any]:
    """Run one GraphQL request ``{"query", "variables", "operationName"}``."""
    from graphql import GraphQLError, execute_sync, parse, validate

    from heron.server.graphql.resolvers import field_resolver

    query = message.get("query")
    variables = message.get("variables")
    if not isinstance(query, str):
        raise InvalidParameter("A GraphQL request needs a 'query' string.")
    if variables is not None and not isinstance(variables, dict):
        raise InvalidParameter("GraphQL 'variables' must be an object.")
    try:
        document = parse(query)
    except GraphQLError as error:
        return {"data": None, "errors": [error.message]}
    refusal = _too_big(document)
    if refusal is not None:
        return {"data": None, "errors": [refusal]}
    schema = _schema()
    problems = validate(schema, document)
    if problems:
        return {"data": None, "errors": [problem.message for problem in problems]}
    result = execute_sync(
        schema,
        document,
        variable_values=variables,
        operation_name=message.get("operationName"),
        context_value={"services": services},
        field_resolver=field_resolver,
    )
    errors = [error.message for error in result.errors] if result.errors else None
    return {"data": result.data, "errors": errors}


def graphql_routes(services: Services) -> list[BaseRoute]:
    """The ``/graphql`` route (GET reads ``query`` etc. from the query string)."""
    from heron.server.ui.pages.support import mlflow_errors

    async def graphql(request: Request) -> Response:
        if request.method == "GET":
            message: dict[str, Any] = dict(request.query_params)
        else:
            message = load_request_body(await read_body(request.receive, MAX_BODY_BYTES))
        answer = await run_in_threadpool(execute, services, message)
        return Response(dump_json(answer), media_type="application/json")

    return [Route("/graphql", mlflow_errors(graphql), methods=["GET", "POST"])]
