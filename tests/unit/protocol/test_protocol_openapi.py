"""The route table is consistent, and the OpenAPI document generated from it is valid."""

from __future__ import annotations

from collections import Counter

import pytest

from heron.protocol import ROUTES, Retry
from heron.protocol.openapi import openapi_document
from heron.protocol.schema import MESSAGES, Kind


def test_route_names_and_endpoints_are_unique() -> None:
    assert not [n for n, c in Counter(r.name for r in ROUTES).items() if c > 1]
    endpoints = Counter((m, r.url) for r in ROUTES for m in r.methods)
    assert not [e for e, c in endpoints.items() if c > 1]


def test_every_nested_message_is_defined() -> None:
    fields = [f for r in ROUTES for f in (*r.request.fields, *r.response.fields)]
    fields += [f for m in MESSAGES.values() for f in m.fields]
    missing = {f.message for f in fields if f.kind is Kind.MESSAGE and f.message not in MESSAGES}
    assert not missing


def test_path_parameters_are_request_fields() -> None:
    for route in ROUTES:
        names = {field.name for field in route.request.fields}
        assert set(route.path_params) <= names, route.name


def test_creates_are_not_retried_blindly() -> None:
    once = {r.name for r in ROUTES if r.retry is Retry.ONCE}
    assert {"CreateExperiment", "CreateRun", "CreateLoggedModel"} <= once
    safe = {r.name for r in ROUTES if r.retry is Retry.SAFE}
    assert {"LogBatch", "LogMetric", "LogParam", "SetTag", "UpdateRun", "SearchRuns"} <= safe


def test_document_lists_every_route_and_is_valid_openapi() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    document = openapi_document(ROUTES, "0.1.0", prefix="/heron")
    validator.validate(document)
    for route in ROUTES:
        operations = document["paths"]["/heron" + route.url]
        assert {m.lower() for m in route.methods} <= set(operations)
    create = document["components"]["schemas"]["CreateExperimentRequest"]
    assert create["required"] == ["name"]
    search = document["paths"]["/heron/api/2.0/mlflow/metrics/get-history-bulk-interval"]["get"]
    run_ids = next(p for p in search["parameters"] if p["name"] == "run_ids")
    assert run_ids["schema"]["type"] == "array"
    assert run_ids["required"] is True
