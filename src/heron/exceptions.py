"""The whole error tree.

Every error carries MLflow's ``error_code`` name and the HTTP status MLflow's server maps
that code to, so a server can turn any error into ``{"error_code", "message"}`` and a REST
client can turn that body back into the same class (:meth:`HeronError.from_code`).
"""

from __future__ import annotations

from typing import Any, ClassVar

# MLflow's error code names with their protobuf numbers (databricks_pb2.ErrorCode).
ERROR_CODE_NUMBERS: dict[str, int] = {
    "INTERNAL_ERROR": 1,
    "TEMPORARILY_UNAVAILABLE": 2,
    "IO_ERROR": 3,
    "BAD_REQUEST": 4,
    "DEADLINE_EXCEEDED": 7,
    "CANCELLED": 8,
    "RESOURCE_EXHAUSTED": 9,
    "ABORTED": 10,
    "NOT_FOUND": 11,
    "ALREADY_EXISTS": 12,
    "UNAUTHENTICATED": 13,
    "INVALID_PARAMETER_VALUE": 1000,
    "ENDPOINT_NOT_FOUND": 1001,
    "MALFORMED_REQUEST": 1002,
    "INVALID_STATE": 1003,
    "PERMISSION_DENIED": 1004,
    "FEATURE_DISABLED": 1005,
    "CUSTOMER_UNAUTHORIZED": 1006,
    "REQUEST_LIMIT_EXCEEDED": 1007,
    "RESOURCE_CONFLICT": 1008,
    "NOT_IMPLEMENTED": 1010,
    "DATA_LOSS": 1011,
    "INVALID_STATE_TRANSITION": 2001,
    "RESOURCE_ALREADY_EXISTS": 3001,
    "RESOURCE_DOES_NOT_EXIST": 3002,
    "QUOTA_EXCEEDED": 4001,
}

# MLflow's server mapping of error codes to HTTP statuses; anything else is 500.
HTTP_STATUS: dict[str, int] = {
    "INVALID_PARAMETER_VALUE": 400,
    "BAD_REQUEST": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "NOT_FOUND": 404,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "CUSTOMER_UNAUTHORIZED": 401,
    "ABORTED": 409,
    "RESOURCE_CONFLICT": 409,
    "ALREADY_EXISTS": 409,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
    "INTERNAL_ERROR": 500,
    "INVALID_STATE": 500,
    "DATA_LOSS": 500,
    "NOT_IMPLEMENTED": 501,
    "TEMPORARILY_UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
}

_NUMBER_TO_CODE = {number: name for name, number in ERROR_CODE_NUMBERS.items()}


def _code_name(error_code: str | int) -> str:
    if isinstance(error_code, int):
        return _NUMBER_TO_CODE.get(error_code, "INTERNAL_ERROR")
    return error_code


class HeronError(Exception):
    """Base of every error Heron raises on purpose.

    Args:
        message: What went wrong, for a person.
        error_code: MLflow's error code name (or its protobuf number). Subclasses fix it.
    """

    error_code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(self, message: object, error_code: str | int | None = None, **kwargs: Any):
        super().__init__(str(message))
        self.message = str(message)
        if error_code is not None:
            self.error_code = _code_name(error_code)  # type: ignore[misc]
        self.json_kwargs = kwargs

    @property
    def http_status(self) -> int:
        """The HTTP status MLflow's server answers for this error code."""
        return HTTP_STATUS.get(self.error_code, 500)

    def get_http_status_code(self) -> int:
        """MLflow's name for :attr:`http_status`."""
        return self.http_status

    def serialize_as_json(self) -> str:
        """The error body MLflow's server sends."""
        import json

        return json.dumps({"error_code": self.error_code, "message": self.message})

    @staticmethod
    def from_code(error_code: str | int, message: str) -> HeronError:
        """Build the most specific error class for an MLflow error code."""
        name = _code_name(error_code)
        cls = _CLASS_BY_CODE.get(name, HeronError)
        return cls(message, error_code=name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (HeronError.from_code, (self.error_code, self.message))


class InvalidParameter(HeronError):
    """A request argument is malformed or out of range (INVALID_PARAMETER_VALUE, 400)."""

    error_code = "INVALID_PARAMETER_VALUE"


class BadRequest(HeronError):
    """A request is not acceptable as a whole (BAD_REQUEST, 400)."""

    error_code = "BAD_REQUEST"


class NotFound(HeronError):
    """The named resource does not exist (RESOURCE_DOES_NOT_EXIST, 404)."""

    error_code = "RESOURCE_DOES_NOT_EXIST"


class EndpointNotFound(HeronError):
    """No such REST endpoint (ENDPOINT_NOT_FOUND, 404)."""

    error_code = "ENDPOINT_NOT_FOUND"


class AlreadyExists(HeronError):
    """A resource with that name already exists (RESOURCE_ALREADY_EXISTS, 400)."""

    error_code = "RESOURCE_ALREADY_EXISTS"


class InvalidState(HeronError):
    """The resource is in a state that forbids the operation (INVALID_STATE, 500)."""

    error_code = "INVALID_STATE"


class PermissionDenied(HeronError):
    """The caller may not do this (PERMISSION_DENIED, 403)."""

    error_code = "PERMISSION_DENIED"


class Unauthenticated(HeronError):
    """The caller did not prove who they are (UNAUTHENTICATED, 401)."""

    error_code = "UNAUTHENTICATED"


class TemporarilyUnavailable(HeronError):
    """The backend is busy or down; retrying may succeed (TEMPORARILY_UNAVAILABLE, 503)."""

    error_code = "TEMPORARILY_UNAVAILABLE"


class NotImplementedFeature(HeronError):
    """The operation is not implemented by this backend (NOT_IMPLEMENTED, 501)."""

    error_code = "NOT_IMPLEMENTED"


class ExecutionException(HeronError):
    """A project or environment step failed (MLflow's ``ExecutionException``)."""


class RestException(HeronError):
    """An error answered by a tracking server, kept as MLflow's client names it."""

    def __init__(self, json: dict[str, Any]):
        code = str(json.get("error_code", "INTERNAL_ERROR"))
        message = f"{code}: {json.get('message', '')}"
        super().__init__(message, error_code=code if code in ERROR_CODE_NUMBERS else None)


_CLASS_BY_CODE: dict[str, type[HeronError]] = {
    cls.error_code: cls
    for cls in (
        InvalidParameter,
        BadRequest,
        NotFound,
        EndpointNotFound,
        AlreadyExists,
        InvalidState,
        PermissionDenied,
        Unauthenticated,
        TemporarilyUnavailable,
        NotImplementedFeature,
    )
}

# MLflow's public names, so `from heron.exceptions import MlflowException` keeps working.
MlflowException = HeronError
MlflowNotImplementedException = NotImplementedFeature


class MissingConfigException(HeronError):
    """A required configuration file or setting is missing (MLflow's name)."""


class InvalidUrlException(HeronError):
    """A URL is malformed or not allowed (MLflow's name)."""


# MLflow's server mapping of HTTP statuses back to error codes (get_error_code).
HTTP_STATUS_TO_ERROR_CODE: dict[int, str] = {
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


def get_error_code(http_status: int) -> int:
    """The protobuf number of the error code MLflow maps an HTTP status to (else 1)."""
    return ERROR_CODE_NUMBERS[HTTP_STATUS_TO_ERROR_CODE.get(http_status, "INTERNAL_ERROR")]


__all__ = [
    "ERROR_CODE_NUMBERS",
    "HTTP_STATUS",
    "HTTP_STATUS_TO_ERROR_CODE",
    "AlreadyExists",
    "BadRequest",
    "EndpointNotFound",
    "ExecutionException",
    "HeronError",
    "InvalidParameter",
    "InvalidState",
    "InvalidUrlException",
    "MissingConfigException",
    "MlflowException",
    "MlflowNotImplementedException",
    "NotFound",
    "NotImplementedFeature",
    "PermissionDenied",
    "RestException",
    "TemporarilyUnavailable",
    "Unauthenticated",
    "get_error_code",
]
