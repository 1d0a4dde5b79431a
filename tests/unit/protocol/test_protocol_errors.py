"""Error bodies: MLflow's JSON from an error, and the same error class back from a body."""

from __future__ import annotations

import pytest

from heron.exceptions import (
    AlreadyExists,
    BadRequest,
    EndpointNotFound,
    HeronError,
    InvalidParameter,
    InvalidState,
    NotFound,
    PermissionDenied,
    TemporarilyUnavailable,
    Unauthenticated,
)
from heron.protocol import error_body, error_from_response


def test_error_body_has_mlflow_3_classification() -> None:
    assert error_body(NotFound("Run with id=x not found")) == {
        "error_code": "RESOURCE_DOES_NOT_EXIST",
        "message": "Run with id=x not found",
        "error_class": "RESOURCE_NOT_FOUND",
        "sqlstate": "KAM00",
    }


def test_unclassified_codes_omit_class_and_sqlstate() -> None:
    assert error_body(HeronError("x", error_code="RESOURCE_CONFLICT")) == {
        "error_code": "RESOURCE_CONFLICT",
        "message": "x",
    }


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidParameter("x"), 400),
        (BadRequest("x"), 400),
        (AlreadyExists("x"), 400),
        (NotFound("x"), 404),
        (EndpointNotFound("x"), 404),
        (PermissionDenied("x"), 403),
        (Unauthenticated("x"), 401),
        (InvalidState("x"), 500),
        (TemporarilyUnavailable("x"), 503),
    ],
)
def test_body_round_trips_to_the_same_class(error: HeronError, status: int) -> None:
    assert error.http_status == status
    back = error_from_response(status, error_body(error))
    assert type(back) is type(error)
    assert back.message == error.message


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequest),
        (401, Unauthenticated),
        (403, PermissionDenied),
        (404, EndpointNotFound),
        (503, TemporarilyUnavailable),
        (502, HeronError),
    ],
)
def test_non_json_bodies_are_named_by_status(status: int, cls: type[HeronError]) -> None:
    error = error_from_response(status, None, "<html>Bad Gateway</html>")
    assert type(error) is cls
    assert f"HTTP {status}" in error.message
    assert "Bad Gateway" in error.message


def test_numeric_and_unknown_codes() -> None:
    assert type(error_from_response(400, {"error_code": 3002, "message": "m"})) is NotFound
    assert type(error_from_response(404, {"error_code": 404, "message": "m"})) is EndpointNotFound
    unknown = error_from_response(500, {"error_code": "SOMETHING_NEW", "message": "m"})
    assert unknown.error_code == "INTERNAL_ERROR"
    assert unknown.message == "m"
