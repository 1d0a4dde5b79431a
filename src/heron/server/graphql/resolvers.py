"""Resolvers of MLflow's GraphQL fields: each one is the REST call of the same name.

A query field such as ``mlflowGetRun(input: {runId: ...})`` becomes the ``GetRun`` request
``{"run_id": ...}``, handled by the very handler ``/api/2.0/mlflow/runs/get`` uses (same
checks, same errors), and its JSON answer is handed back with camelCase keys. Runs add
``experiment`` and ``modelVersions``, as MLflow's schema extension does.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLSchema

from heron.protocol import encode_response, parse_request, route_named
from heron.protocol.wire import dump_json
from heron.search.lexer import string_literal
from heron.server.handlers import HANDLERS
from heron.server.services import Services
from heron.server.ui.dataset_summaries import dataset_summaries

_CAMEL = re.compile(r"_([a-z0-9])")
_SNAKE = re.compile(r"(?<!^)([A-Z])")


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {_CAMEL.sub(lambda m: m.group(1).upper(), k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def _snake(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {_SNAKE.sub(r"_\1", key).lower(): value for key, value in fields.items()}


def rest_call(services: Services, name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON answer (camelCase keys) of the REST route ``name`` for snake_case fields."""
    route = route_named(name)
    body = dump_json({key: value for key, value in fields.items() if value is not None})
    request = parse_request(route, "POST", b"", body, "application/json")
    answer: dict[str, Any] = json.loads(encode_response(route, HANDLERS[name](request, services)))
    return dict(_camel(answer))


def _services(info: Any) -> Services:
    services: Services = info.context["services"]
    return services


def _rest_field(name: str) -> Callable[..., Any]:
    def resolve(_: Any, info: Any, input: Mapping[str, Any] | None = None) -> Any:
        return rest_call(_services(info), name, _snake(input or {}))

    return resolve


def _echo(_: Any, info: Any, inputString: str | None = None) -> Any:
    return {"output": inputString}


def _run_experiment(run: Mapping[str, Any], info: Any) -> Any:
    experiment_id = (run.get("info") or {}).get("experimentId")
    answer = rest_call(_services(info), "GetExperiment", {"experiment_id": experiment_id})
    return answer.get("experiment")


def _run_model_versions(run: Mapping[str, Any], info: Any) -> Any:
    run_id = str((run.get("info") or {}).get("runId") or "")
    query = {"filter": f"run_id = {string_literal(run_id)}"}
    return rest_call(_services(info), "SearchModelVersions", query).get("modelVersions") or []


def _metric_value(metric: Mapping[str, Any], info: Any) -> Any:
    value = metric.get("value")
    if isinstance(value, str):  # "NaN", "Infinity": not GraphQL floats
        return None
    return None if isinstance(value, float) and math.isnan(value) else value


def _search_datasets(_: Any, info: Any, input: Mapping[str, Any] | None = None) -> Any:
    ids = [str(i) for i in (input or {}).get("experimentIds") or []]
    return {"datasetSummaries": _camel(dataset_summaries(_services(info).tracking, ids))}


def _proto_default(field_type: Any) -> Any:
    """What MLflow's protobuf-backed answer holds for an unset field of this type."""
    from graphql import GraphQLEnumType, GraphQLList, GraphQLObjectType, get_nullable_type

    kind = get_nullable_type(field_type)
    if isinstance(kind, GraphQLList):
        return []
    if isinstance(kind, GraphQLObjectType):
        return {}
    if isinstance(kind, GraphQLEnumType):
        return None
    return {"String": "", "LongString": "0", "Int": 0, "Float": 0.0, "Boolean": False}.get(
        kind.name
    )


def field_resolver(source: Any, info: Any, **args: Any) -> Any:
    """Read a key of a REST answer; an absent one reads as protobuf's default, as in MLflow
    (``[]``, ``""``, ``"0"``...), except ``apiError`` (not part of MLflow's messages)."""
    if not isinstance(source, Mapping):
        return getattr(source, info.field_name, None)
    if info.field_name in source:
        return source[info.field_name]
    return None if info.field_name == "apiError" else _proto_default(info.return_type)


def _long_string(value: Any) -> str:
    return str(int(value))


def attach(schema: GraphQLSchema) -> None:
    """Set the resolvers on the fields of the schema built from the SDL."""
    query, mutation = schema.query_type, schema.mutation_type
    assert query is not None
    assert mutation is not None
    for field, name in {
        "mlflowGetExperiment": "GetExperiment",
        "mlflowGetMetricHistoryBulkInterval": "GetMetricHistoryBulkInterval",
        "mlflowGetRun": "GetRun",
        "mlflowListArtifacts": "ListArtifacts",
        "mlflowSearchModelVersions": "SearchModelVersions",
        "mlflowSearchRuns": "SearchRuns",
    }.items():
        query.fields[field].resolve = _rest_field(name)
    query.fields["test"].resolve = _echo
    mutation.fields["mlflowSearchRuns"].resolve = _rest_field("SearchRuns")
    mutation.fields["mlflowSearchDatasets"].resolve = _search_datasets
    # MLflow 3.17.2 answers testMutation with null (its resolver is never bound): so do we.
    mutation.fields["testMutation"].resolve = lambda *_, **__: None
    run_type: Any = schema.get_type("MlflowRunExtension")
    run_type.fields["experiment"].resolve = _run_experiment
    run_type.fields["modelVersions"].resolve = _run_model_versions
    metric_type: Any = schema.get_type("MlflowMetricExtension")
    metric_type.fields["value"].resolve = _metric_value
    long_string: Any = schema.get_type("LongString")
    # int64 as text, as MLflow's LongString scalar (graphql-core 3.3 names it coerce_output_value)
    long_string.serialize = _long_string
    if hasattr(long_string, "coerce_output_value"):
        long_string.coerce_output_value = _long_string
