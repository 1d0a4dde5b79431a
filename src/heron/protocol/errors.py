"""Error bodies: a :class:`~heron.exceptions.HeronError` to MLflow's JSON, and back.

The server answers ``{"error_code", "message"}`` (plus MLflow 3.x's ``error_class`` and
``sqlstate`` where MLflow sets them) with the code's HTTP status; a REST client turns such
a body back into the same error class. A body that is not MLflow's JSON is mapped from its
HTTP status with the table MLflow's client uses.
"""

from __future__ import annotations

from typing import Any

from heron.exceptions import ERROR_CODE_NUMBERS, HeronError

# MLflow 3.x's (error_class, sqlstate) for the codes its server classifies.
_CLASSES: dict[str, tuple[str, str]] = {
    "INVALID_PARAMETER_VALUE": ("INVALID_PARAMETER_VALUE", "KAM00"),
    "BAD_REQUEST": ("INVALID_PARAMETER_VALUE", "KAM00"),
    "RESOURCE_DOES_NOT_EXIST": ("RESOURCE_NOT_FOUND", "KAM00"),
    "NOT_FOUND": ("RESOURCE_NOT_FOUND", "KAM00"),
    "ENDPOINT_NOT_FOUND": ("RESOURCE_NOT_FOUND", "KAM00"),
    "RESOURCE_ALREADY_EXISTS": ("RESOURCE_ALREADY_EXISTS", "KAM00"),
    "PERMISSION_DENIED": ("PERMISSION_DENIED", "KAM00"),
    "CUSTOMER_UNAUTHORIZED": ("PERMISSION_DENIED", "KAM00"),
    "FEATURE_DISABLED": ("FEATURE_DISABLED", "KAM00"),
    "INTERNAL_ERROR": ("CLIENT_INTERNAL_ERROR", "XXM00"),
    "INVALID_STATE": ("CLIENT_INTERNAL_ERROR", "XXM00"),
    "TEMPORARILY_UNAVAILABLE": ("CLIENT_INTERNAL_ERROR", "XXM00"),
}

# How MLflow's client names a non-JSON error response, by HTTP status.
_CODE_BY_STATUS: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "ENDPOINT_NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL_ERROR",
    501: "NOT_IMPLEMENTED",
    503: "TEMPORARILY_UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def error_body(error: HeronError) -> dict[str, Any]:
    """The JSON object MLflow's server answers for ``error``."""
    body: dict[str, Any] = {"error_code": error.error_code, "message": error.message}
    classified = _CLASSES.get(error.error_code)
    if classified is not None:
        body["error_class"], body["sqlstate"] = classified
    return body


def code_for_status(status: int) -> str:
    """The error code MLflow's client gives a non-JSON error response with ``status``."""
    return _CODE_BY_STATUS.get(status, "INTERNAL_ERROR")


def error_from_response(status: int, body: Any, text: str = "") -> HeronError:
    """The error a response stands for, as the class its ``error_code`` names.

    Args:
        status: The HTTP status.
        body: The parsed JSON body, if it parsed (anything else is ignored).
        text: The raw body, quoted in the message when it is not MLflow's JSON.
    """
    if isinstance(body, dict) and "error_code" in body:
        code = body["error_code"]
        if isinstance(code, int) or (isinstance(code, str) and code.isdigit()):
            number = int(code)
            code = code_for_status(number) if 100 <= number < 600 else number
        elif code not in ERROR_CODE_NUMBERS:
            code = "INTERNAL_ERROR"
        return HeronError.from_code(code, str(body.get("message", "")))
    snippet = text if len(text) <= 500 else text[:500] + "..."
    return HeronError.from_code(
        code_for_status(status),
        f"The server answered HTTP {status}. Response body: '{snippet}'",
    )
