"""The artifacts proxy service: MLflow's ``/api/2.0/mlflow-artifacts/...`` routes (spec 4).

Clients read and write artifacts through the server, which keeps them in one destination
(any artifact URI: a local directory, ``s3://bucket/prefix``, ...). Bodies are streamed both
ways, so memory stays flat whatever the file size: an upload goes from the socket to the
destination's :meth:`~heron.store.artifacts.base.ArtifactRepository.write_stream` (in a
worker thread, in batches of a few megabytes that the event loop reads ahead while the
previous one is written), a download from
:meth:`~heron.store.artifacts.base.ArtifactRepository.open_read` to the socket.

Every path is confined to the destination: the URL must be valid UTF-8 once decoded, and
the path goes through :func:`heron.store.artifacts.paths.safe_relative_path` (repeated
decoding; ``..``, absolute paths, backslashes, ``;``, ``#``, NUL refused) and then the
repository's own checks (a local one also refuses symlinks that lead out of the root).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from heron.exceptions import InvalidParameter, NotFound, NotImplementedFeature
from heron.protocol.wire import check_content_type, load_request_body
from heron.server.artifact_archive import archive_routes
from heron.server.asgi import ClientDisconnected, Receive, read_body
from heron.server.download_headers import download_headers
from heron.server.proxy_http import Handler, artifact_path, json_errors, json_response
from heron.store.artifacts import get_artifact_repository
from heron.store.artifacts.base import ArtifactRepository, split_artifact_file
from heron.store.artifacts.multipart import MAX_PARTS, MultipartUploadMixin, MultipartUploadPart
from heron.store.artifacts.paths import safe_relative_path

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute

PREFIXES = ("/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts")
UPLOAD_BATCH = 4 << 20
"""Bytes of a request body gathered before they are handed to the destination (one thread
hop and one write per batch)."""
UPLOAD_BUFFER_BATCHES = 2
"""Batches read ahead of the writer at most (memory: about 3 x ``UPLOAD_BATCH``)."""
MAX_JSON_BODY = 8 << 20
"""Largest multipart-upload request body (10 000 parts fit easily)."""


def artifact_routes(destination_uri: str) -> list[BaseRoute]:
    """The artifacts proxy routes, under ``/api/2.0/mlflow-artifacts`` and ``/ajax-api/...``.

    Args:
        destination_uri: Where artifacts are kept: a path, ``file:``, ``s3://...``, ...

    Returns:
        Starlette routes to mount at the application's root (or under its static prefix).
    """
    from starlette.routing import Route

    service = ArtifactService(get_artifact_repository(destination_uri))
    endpoints: list[tuple[str, str, Handler]] = [
        ("/artifacts", "GET", service.list_artifacts),
        ("/artifacts/{path:path}", "GET", service.download),
        ("/artifacts/{path:path}", "PUT", service.upload),
        ("/artifacts/{path:path}", "DELETE", service.delete),
        ("/mpu/create/{path:path}", "POST", service.mpu_create),
        ("/mpu/complete/{path:path}", "POST", service.mpu_complete),
        ("/mpu/abort/{path:path}", "POST", service.mpu_abort),
        ("/presigned/{path:path}", "GET", service.presigned),
    ]
    routes: list[BaseRoute] = [
        Route(prefix + path, json_errors(handler), methods=[method])
        for prefix in PREFIXES
        for path, method, handler in endpoints
    ]
    return routes + archive_routes(service.repository)


class _Failed:
    """Stands in the batch queue for an error the body reader met."""

    def __init__(self, error: BaseException):
        self.error = error


async def _read_ahead(receive: Receive, send: Any) -> None:
    """Read the body into ``send`` (a bounded memory stream) while the writer writes.

    The body's chunks are passed on as they came, in lists of about :data:`UPLOAD_BATCH`
    bytes (no copy into one buffer; one thread hop per list). Reading on while the previous
    batch is being written keeps the socket flowing; the bound
    (:data:`UPLOAD_BUFFER_BATCHES`) keeps memory flat when the destination is slower.
    """
    async with send:
        try:
            batch: list[bytes] = []
            size, more = 0, True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise ClientDisconnected()
                chunk, more = message.get("body", b""), message.get("more_body", False)
                if chunk:
                    batch.append(chunk)
                    size += len(chunk)
                if batch and (size >= UPLOAD_BATCH or not more):
                    await send.send(batch)
                    batch, size = [], 0
        except Exception as error:  # e.g. the client went away: the writer must not commit
            await send.send(_Failed(error))


def _blocking_body(receive: Any) -> Iterator[bytes]:
    """The chunks :func:`_read_ahead` queues, as a plain iterator for a worker thread.

    An error of the reader (a client that goes away) is raised here, so the writer
    discards what it wrote instead of committing half a file.
    """
    import anyio
    import anyio.from_thread

    while True:
        try:
            item = anyio.from_thread.run(receive.receive)
        except anyio.EndOfStream:
            return
        if isinstance(item, _Failed):
            raise item.error
        yield from item


async def _json_body(request: Request) -> dict[str, Any]:
    """A multipart request's JSON object (the same Content-Type rule as the tracking API)."""
    check_content_type(request.headers.get("content-type"))
    return load_request_body(await read_body(request.receive, MAX_JSON_BODY))


def _required_string(message: dict[str, Any], name: str) -> str:
    value = message.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidParameter(
            f"Missing value for required parameter '{name}'. See the API docs for more "
            f"information about request parameters."
        )
    return value


def _file_name(message: dict[str, Any]) -> str:
    """The file name of a multipart upload: the last part of the client's ``path``."""
    name = _required_string(message, "path").replace("\\", "/").rsplit("/", 1)[-1]
    if name in ("", ".", ".."):
        raise InvalidParameter(f"Invalid file name in 'path': {message['path']!r}")
    return name


def _parts(message: dict[str, Any]) -> list[MultipartUploadPart]:
    parts = message.get("parts")
    if not isinstance(parts, list) or not parts or len(parts) > MAX_PARTS:
        raise InvalidParameter("Missing value for required parameter 'parts'.")
    try:
        return [
            MultipartUploadPart(int(part["part_number"]), str(part["etag"]), part.get("url"))
            for part in parts
        ]
    except (KeyError, TypeError, ValueError):
        raise InvalidParameter("Each part needs an integer 'part_number' and an 'etag'") from None


class ArtifactService:
    """The proxy's request handlers over one destination repository.

    Args:
        repository: The destination; every request path is relative to its root.
    """

    def __init__(self, repository: ArtifactRepository):
        self.repository = repository

    async def list_artifacts(self, request: Request) -> Response:
        """GET ``/artifacts?path=``: the direct children, as basenames; ``{}`` for none."""
        from starlette.concurrency import run_in_threadpool

        path = artifact_path(request, request.query_params.get("path", ""))
        infos = await run_in_threadpool(self.repository.list_artifacts, path or None)
        files = []
        for info in infos:
            entry: dict[str, Any] = {"path": posixpath.basename(info.path), "is_dir": info.is_dir}
            if not info.is_dir and info.file_size is not None:
                entry["file_size"] = info.file_size
            files.append(entry)
        return json_response({"files": files} if files else {})

    async def download(self, request: Request) -> Response:
        """GET ``/artifacts/<path>``: the file's bytes, streamed, as an attachment."""
        from starlette.background import BackgroundTask
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import StreamingResponse

        path = artifact_path(request, request.path_params["path"])
        if not path:
            raise InvalidParameter("Cannot download the artifacts root: it is a directory")
        try:
            reader = await run_in_threadpool(self.repository.open_read, path)
        except NotFound:
            if await run_in_threadpool(self.repository.is_dir, path):
                raise InvalidParameter(f"Cannot download '{path}': it is a directory") from None
            raise NotFound(f"No such artifact: '{path}'") from None
        # MLflow's Content-Type (no charset added) and Content-Disposition.
        headers = download_headers(path)
        if reader.size is not None:
            headers["Content-Length"] = str(reader.size)
        if request.method == "HEAD":
            reader.close()
            from starlette.responses import Response

            return Response(status_code=200, headers=headers)
        return StreamingResponse(reader, headers=headers, background=BackgroundTask(reader.close))

    async def upload(self, request: Request) -> Response:
        """PUT ``/artifacts/<path>``: the body, streamed into the file (replaced whole)."""
        import anyio
        import anyio.to_thread

        raw = request.path_params["path"]
        path = artifact_path(request, raw)
        if raw.endswith("/"):
            raise InvalidParameter(
                f"Invalid artifact file path '{raw}': it must end in a file name"
            )
        split_artifact_file(path)  # refuse a path without a file name before reading
        send, receive = anyio.create_memory_object_stream[Any](UPLOAD_BUFFER_BATCHES)
        failure: Exception | None = None
        async with anyio.create_task_group() as group, receive:
            group.start_soon(_read_ahead, request.receive, send)
            try:
                await anyio.to_thread.run_sync(
                    self.repository.write_stream, path, _blocking_body(receive)
                )
            except Exception as error:  # raised after the group, not wrapped in a group
                failure = error
            group.cancel_scope.cancel()  # the writer is done: stop any reading still going
        if failure is not None:
            raise failure
        return json_response({})

    async def delete(self, request: Request) -> Response:
        """DELETE ``/artifacts/<path>``: remove a file or a tree (never the whole root)."""
        from starlette.concurrency import run_in_threadpool

        path = artifact_path(request, request.path_params["path"])
        if not path:
            raise InvalidParameter("Refusing to delete the whole artifacts destination")
        await run_in_threadpool(self.repository.delete_artifacts, path)
        return json_response({})

    async def _multipart_request(
        self, request: Request
    ) -> tuple[MultipartUploadMixin, str | None, str, dict[str, Any]]:
        """The repository, directory, file name and JSON body of a multipart request."""
        directory = artifact_path(request, request.path_params["path"])
        if not isinstance(self.repository, MultipartUploadMixin):
            raise NotImplementedFeature(
                "Multipart upload is not supported for the current artifact repository"
            )
        message = await _json_body(request)
        name = _file_name(message)
        safe_relative_path(posixpath.join(directory, name))
        return self.repository, directory or None, name, message

    async def mpu_create(self, request: Request) -> Response:
        """POST ``/mpu/create/<dir>`` ``{path, num_parts}``: an upload id and part URLs."""
        from starlette.concurrency import run_in_threadpool

        repository, directory, name, message = await self._multipart_request(request)
        try:
            num_parts = int(message.get("num_parts", 1))
        except (TypeError, ValueError):
            raise InvalidParameter("'num_parts' must be an integer") from None
        created = await run_in_threadpool(
            repository.create_multipart_upload, name, num_parts, directory
        )
        return json_response(created.to_dict())

    async def mpu_complete(self, request: Request) -> Response:
        """POST ``/mpu/complete/<dir>`` ``{path, upload_id, parts}``: assemble the file."""
        from starlette.concurrency import run_in_threadpool

        repository, directory, name, message = await self._multipart_request(request)
        upload_id = _required_string(message, "upload_id")
        parts = _parts(message)
        await run_in_threadpool(
            repository.complete_multipart_upload, name, upload_id, parts, directory
        )
        return json_response({})

    async def mpu_abort(self, request: Request) -> Response:
        """POST ``/mpu/abort/<dir>`` ``{path, upload_id}``: give the upload up."""
        from starlette.concurrency import run_in_threadpool

        repository, directory, name, message = await self._multipart_request(request)
        upload_id = _required_string(message, "upload_id")
        await run_in_threadpool(repository.abort_multipart_upload, name, upload_id, directory)
        return json_response({})

    async def presigned(self, request: Request) -> Response:
        """GET ``/presigned/<path>``: not offered; clients then download through the proxy."""
        artifact_path(request, request.path_params["path"])
        raise NotImplementedFeature("Presigned downloads are not supported by this server")
