"""The UI-support routes MLflow's server has outside its REST protocol, with MLflow 3.17's
status codes, content types and error messages:

- ``GET /get-artifact?run_id=&path=`` (or ``run_uuid=``): a run's file, as an attachment;
- ``GET /model-versions/get-artifact?name=&version=&path=``: a model version's file;
- ``GET /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files?artifact_file_path=``;
- ``POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=`` (body: the file, <= 10 MB);
- ``POST /ajax-api/2.0/mlflow/experiments/search-datasets`` ``{"experiment_ids": [...]}``.

The app reads ``/ajax-api/`` as ``/api/``, so the last three are routed here under
``/api/2.0/...`` (none is in the protocol table); the server's cross-origin check refuses
the POSTs from other sites' pages, and the upload refuses form-encoded bodies (what a plain
HTML form could send), as MLflow's does.
"""

from __future__ import annotations

import posixpath
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heron.exceptions import HeronError, InvalidParameter
from heron.protocol.wire import check_content_type, load_request_body
from heron.server.asgi import ClientDisconnected, read_body
from heron.server.proxy_http import artifact_path, error_response, json_response
from heron.server.served_sources import served_version_uri
from heron.server.ui.context import UiContext
from heron.server.ui.dataset_summaries import MAX_EXPERIMENT_IDS, dataset_summaries
from heron.server.ui.downloads import artifact_root, bad_request, mlflow_safe_path, send_artifact
from heron.server.ui.registry_files import located_files

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""MLflow's limit for a file uploaded from the UI."""
TOO_LARGE = "Artifact size is too large. Max size is 10MB."
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

Endpoint = Callable[[Request], Awaitable[Response]]


def mlflow_errors(handler: Endpoint) -> Endpoint:
    """Answer a Heron error as MLflow's JSON error body with the code's status."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except HeronError as error:
            return error_response(error)
        except ClientDisconnected:
            return error_response(InvalidParameter("The client went away before the end"))

    return wrapped


def routes(ui: UiContext) -> list[BaseRoute]:
    """The five routes, over the UI's stores."""
    services = ui.services

    def run_file(run_id: str | None, path: str) -> Response:
        run = services.tracking.get_run(str(run_id))  # None: "Run with id=None not found"
        uri = artifact_root(run.info.artifact_uri)
        return send_artifact(services.artifact_repository(uri), uri, path)

    async def get_artifact(request: Request) -> Response:
        args = request.query_params
        run_id = args.get("run_id") or args.get("run_uuid")
        if "path" not in args:
            return bad_request()
        path = mlflow_safe_path(args["path"])
        return await run_in_threadpool(run_file, run_id, path)

    def version_file(name: str | None, version: str | None, path: str) -> Response:
        if not name:
            raise InvalidParameter("Missing value for required parameter 'name'.")
        if not version:
            raise InvalidParameter("Missing value for required parameter 'version'.")
        # only a source the server may read itself (CVE-2023-1177, CVE-2026-2614, and
        # object stores outside the version's run: see heron.server.served_sources)
        found = services.registry.get_model_version(name, version)
        uri = served_version_uri(services.tracking, services.registry, ui.settings, found)
        repository, folder = located_files(services, uri)
        return send_artifact(repository, uri, posixpath.join(folder, path) if folder else path)

    async def get_model_version_artifact(request: Request) -> Response:
        args = request.query_params
        if "path" not in args:
            return bad_request()
        path = mlflow_safe_path(args["path"])
        return await run_in_threadpool(version_file, args.get("name"), args.get("version"), path)

    def logged_model_file(model_id: str, path: str) -> Response:
        uri = artifact_root(services.tracking.get_logged_model(model_id).artifact_location)
        return send_artifact(services.artifact_repository(uri), uri, path)

    async def get_logged_model_artifact(request: Request) -> Response:
        raw = request.query_params.get("artifact_file_path")
        if not raw:
            raise HeronError(
                'Request must include the "artifact_file_path" query parameter.',
                error_code="BAD_REQUEST",
            )
        path = mlflow_safe_path(raw)
        model_id = request.path_params["model_id"]
        return await run_in_threadpool(logged_model_file, model_id, path)

    def write_upload(run_id: str, path: str, data: bytes) -> None:
        run = services.tracking.get_run(run_id)
        services.artifact_repository(artifact_root(run.info.artifact_uri)).write_stream(
            path, [data]
        )

    async def upload_artifact(request: Request) -> Response:
        args = request.query_params
        run_id = args.get("run_uuid")
        if not run_id:
            raise InvalidParameter("Request must specify run_uuid.")
        raw = args.get("path")
        if not raw:
            raise InvalidParameter("Request must specify path.")
        path = mlflow_safe_path(raw)
        artifact_path(request, raw)  # the URL must be UTF-8 once decoded; length bound
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
            raise InvalidParameter(TOO_LARGE)
        try:
            data = await read_body(request.receive, MAX_UPLOAD_BYTES)
        except InvalidParameter:
            raise InvalidParameter(TOO_LARGE) from None
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if not data or content_type in _FORM_TYPES:
            raise InvalidParameter("Request must specify data.")
        if not path or raw.endswith("/"):
            raise InvalidParameter(
                f"Invalid artifact file path '{raw}': it must end in a file name"
            )
        await run_in_threadpool(write_upload, run_id, path, data)
        return Response(b"", media_type="application/json")

    async def search_datasets(request: Request) -> Response:
        header = request.headers.get("content-type")
        if header is None:
            raise InvalidParameter("Bad Request. Content-Type header is missing.")
        check_content_type(header)
        try:
            message = load_request_body(await read_body(request.receive, 1 << 20))
        except InvalidParameter:
            message = {}  # MLflow reads a body it cannot parse as an empty request
        ids = message.get("experiment_ids")
        ids = [str(i) for i in ids] if isinstance(ids, list) else []
        if not ids:
            raise InvalidParameter(
                "SearchDatasets request must specify at least one experiment_id."
            )
        if len(ids) > MAX_EXPERIMENT_IDS:
            raise InvalidParameter(
                f"SearchDatasets request cannot specify more than {MAX_EXPERIMENT_IDS}"
                f" experiment_ids. Received {len(ids)} experiment_ids."
            )
        summaries = await run_in_threadpool(dataset_summaries, services.tracking, ids)
        return json_response({"dataset_summaries": summaries} if summaries else {})

    return [
        Route("/get-artifact", mlflow_errors(get_artifact), methods=["GET"]),
        Route(
            "/model-versions/get-artifact",
            mlflow_errors(get_model_version_artifact),
            methods=["GET"],
        ),
        Route(
            "/api/2.0/mlflow/logged-models/{model_id}/artifacts/files",
            mlflow_errors(get_logged_model_artifact),
            methods=["GET"],
        ),
        Route("/api/2.0/mlflow/upload-artifact", mlflow_errors(upload_artifact), methods=["POST"]),
        Route(
            "/api/2.0/mlflow/experiments/search-datasets",
            mlflow_errors(search_datasets),
            methods=["POST"],
        ),
    ]
