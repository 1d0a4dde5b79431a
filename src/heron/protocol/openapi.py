"""An OpenAPI 3 document generated from the route table (served as ``/openapi.json``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from heron.protocol.routes import Route
from heron.protocol.schema import MESSAGES, Field, Kind, Message

OPENAPI_VERSION = "3.0.3"
_REF = "#/components/schemas/"
_SCALARS: dict[Kind, dict[str, Any]] = {
    Kind.STRING: {"type": "string"},
    Kind.INT64: {"type": "integer", "format": "int64"},
    Kind.INT32: {"type": "integer", "format": "int32"},
    Kind.BOOL: {"type": "boolean"},
    Kind.DOUBLE: {
        "oneOf": [
            {"type": "number", "format": "double"},
            {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]},
        ]
    },
}
_ERROR = {
    "type": "object",
    "required": ["error_code", "message"],
    "properties": {
        "error_code": {"type": "string", "example": "RESOURCE_DOES_NOT_EXIST"},
        "message": {"type": "string"},
        "error_class": {"type": "string"},
        "sqlstate": {"type": "string"},
    },
}


def field_schema(field: Field) -> dict[str, Any]:
    """The JSON schema of one field's value."""
    if field.kind is Kind.MESSAGE:
        item: dict[str, Any] = {"$ref": _REF + str(field.message)}
    elif field.kind is Kind.ENUM:
        item = {"type": "string", "enum": list(field.enum.values) if field.enum else []}
    else:
        item = dict(_SCALARS[field.kind])
    if field.repeated:
        item = {"type": "array", "items": item}
    if field.doc and "$ref" not in item:
        item["description"] = field.doc
    return item


def message_schema(message: Message) -> dict[str, Any]:
    """The JSON schema of a message: an object of its fields."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {field.name: field_schema(field) for field in message.fields},
    }
    required = [field.name for field in message.fields if field.required]
    if required:
        schema["required"] = required
    if message.doc:
        schema["description"] = message.doc
    return schema


def _parameters(route: Route, method: str) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.path_params
    ]
    if method != "GET":
        return params
    for field in route.request.fields:
        if field.name not in route.path_params:
            params.append(
                {
                    "name": field.name,
                    "in": "query",
                    "required": field.required,
                    "schema": field_schema(field),
                    **({"style": "form", "explode": True} if field.repeated else {}),
                }
            )
    return params


def _operation(route: Route, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.name if method == route.method else f"{route.name}{method.title()}",
        "tags": [route.tag],
        "summary": route.summary or route.name,
        "parameters": _parameters(route, method),
        "responses": {
            "200": {
                "description": "Success",
                "content": {"application/json": {"schema": {"$ref": _REF + route.response.name}}},
            },
            "default": {
                "description": "An error, with the HTTP status of its error_code",
                "content": {"application/json": {"schema": {"$ref": _REF + "Error"}}},
            },
        },
    }
    if method != "GET":
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": _REF + route.request.name}}},
        }
    return operation


def _plain(summary: str, content_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "operationId": summary.split(maxsplit=1)[0],
            "tags": ["Server"],
            "summary": summary,
            "responses": {
                "200": {"description": "OK", "content": {content_type: {"schema": schema}}}
            },
        }
    }


def openapi_document(routes: Iterable[Route], version: str, prefix: str = "") -> dict[str, Any]:
    """The OpenAPI document for ``routes``.

    Args:
        routes: The routes to describe (each also served under ``/ajax-api``).
        version: Heron's version, for ``info.version``.
        prefix: The server's static prefix, prepended to every path.
    """
    routes = list(routes)
    paths: dict[str, Any] = {
        f"{prefix}/health": _plain("Health: answers OK", "text/plain", {"type": "string"}),
        f"{prefix}/version": _plain(
            "Version: the MLflow API version served", "text/plain", {"type": "string"}
        ),
    }
    for route in routes:
        item = paths.setdefault(prefix + route.url, {})
        for method in route.methods:
            item[method.lower()] = _operation(route, method)
    schemas = {name: message_schema(message) for name, message in MESSAGES.items()}
    for route in routes:
        schemas[route.request.name] = message_schema(route.request)
        schemas[route.response.name] = message_schema(route.response)
    schemas["Error"] = _ERROR
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Heron tracking server",
            "version": version,
            "description": "MLflow's REST API. Every /api/... path is also served under "
            "/ajax-api/...; GET parameters may also come as a JSON body.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
