"""The server's own endpoints: ``/health``, ``/version``, server-info and ``/openapi.json``.

``/version`` answers the MLflow version whose API Heron serves (:data:`MLFLOW_VERSION`),
because MLflow's client parses it as a PEP 440 version and gates features on it; Heron's
own version is in the ``X-Heron-Version`` header of every plain endpoint and in
server-info's ``heron_version``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from heron.protocol import MLFLOW_VERSION, ROUTES
from heron.protocol.openapi import openapi_document
from heron.protocol.wire import dump_json
from heron.server.settings import ServerSettings
from heron.version import __version__

SERVER_INFO_PATH = "/api/3.0/mlflow/server-info"
_HEADERS = {"X-Heron-Version": __version__}


def server_info(settings: ServerSettings) -> dict[str, Any]:
    """What MLflow's client reads from server-info (no secrets, no addresses)."""
    return {
        "store_type": "SqlStore",
        "workspaces_enabled": False,
        "trace_archival_enabled": False,
        "multipart_uploads_enabled": _multipart_uploads(settings),
        "multipart_downloads_enabled": False,
        "artifact_serving_enabled": settings.serve_artifacts,
        "presigned_upload_run_id_supported": False,
        "presigned_upload_model_id_supported": False,
        "artifacts_presigned_only": False,
        "features_enabled": {"gateway": False},
        "heron_version": __version__,
    }


def _multipart_uploads(settings: ServerSettings) -> bool:
    """Whether the proxy offers multipart uploads: its destination hands out part URLs."""
    if not settings.serve_artifacts:
        return False
    try:
        from heron.store.artifacts import get_artifact_repository
        from heron.store.artifacts.multipart import MultipartUploadMixin

        repository = get_artifact_repository(settings.artifacts_destination)
    except Exception:  # an unusable destination is reported by the artifact routes
        return False
    return isinstance(repository, MultipartUploadMixin)


def plain_routes(settings: ServerSettings) -> list[BaseRoute]:
    """The Starlette routes of the plain endpoints (paths without the static prefix)."""
    info: list[bytes] = []  # computed on first use: the destination may be slow to reach
    openapi: list[bytes] = []

    async def health(request: Request) -> Response:
        return PlainTextResponse("OK", headers=_HEADERS)

    async def version(request: Request) -> Response:
        return PlainTextResponse(MLFLOW_VERSION, headers=_HEADERS)

    async def get_server_info(request: Request) -> Response:
        if not info:
            info.append(dump_json(await run_in_threadpool(server_info, settings)))
        return Response(info[0], media_type="application/json", headers=_HEADERS)

    async def get_openapi(request: Request) -> Response:
        if not openapi:
            document = openapi_document(ROUTES, __version__, settings.static_prefix)
            openapi.append(dump_json(document))
        return Response(openapi[0], media_type="application/json", headers=_HEADERS)

    return [
        Route("/health", health, methods=["GET"]),
        Route("/version", version, methods=["GET"]),
        Route(SERVER_INFO_PATH, get_server_info, methods=["GET"]),
        Route("/openapi.json", get_openapi, methods=["GET"]),
    ]
