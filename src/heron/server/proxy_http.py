"""What every artifact proxy route shares: confined request paths, JSON answers and
MLflow's error bodies (for known failures: Heron errors, client disconnects, full disks)."""

from __future__ import annotations

import errno
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from heron.exceptions import HeronError, InvalidParameter
from heron.protocol.errors import error_body
from heron.server.asgi import ClientDisconnected
from heron.store.artifacts.paths import safe_relative_path

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

MAX_PATH_LENGTH = 2048
"""Longest artifact path accepted (MLflow's limit for artifact locations)."""

Handler = Callable[["Request"], Awaitable["Response"]]


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    import orjson
    from starlette.responses import Response

    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def error_response(error: HeronError) -> Response:
    """MLflow's error body, ``{"error_code", "message"}``, with the code's HTTP status."""
    return json_response(error_body(error), error.http_status)


def _os_error(error: OSError) -> HeronError | None:
    """The client-facing error for a filesystem failure (never naming server paths)."""
    if isinstance(error, (NotADirectoryError, FileExistsError, IsADirectoryError)):
        return InvalidParameter("The artifact path runs into an existing file or directory")
    if error.errno == errno.ENAMETOOLONG:
        return InvalidParameter("The artifact path is too long for the artifact store")
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return HeronError("No space left on the artifact store", error_code="IO_ERROR")
    return None


def json_errors(handler: Handler) -> Handler:
    """Answer Heron errors, client disconnects and known filesystem failures as MLflow does."""
    from starlette.requests import ClientDisconnect

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except HeronError as error:
            return error_response(error)
        except (ClientDisconnect, ClientDisconnected):
            return error_response(InvalidParameter("The client went away before the end"))
        except OSError as error:
            mapped = _os_error(error)
            if mapped is None:
                raise
            return error_response(mapped)

    return wrapped


def artifact_path(request: Request, path: str) -> str:
    """Check a requested artifact path (URL or query) and return it normalised."""
    for raw in (request.scope.get("raw_path", b""), request.scope.get("query_string", b"")):
        try:
            unquote_to_bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidParameter(
                "Invalid artifact path: the URL is not valid UTF-8 once decoded"
            ) from None
    if len(path) > MAX_PATH_LENGTH:
        raise InvalidParameter(f"Invalid artifact path: longer than {MAX_PATH_LENGTH} characters")
    return safe_relative_path(path)
