"""Heron's archive routes for the artifacts proxy: a small directory tree in one request.

``GET /api/2.0/heron/artifacts/archive/<dir>`` answers a tar of every file under the
directory (413 when they add up to more than
:data:`~heron.store.artifacts.archive.MAX_ARCHIVE_BYTES`: read them one by one);
``PUT`` with a tar body writes each of its files under the directory, each replaced whole.
Paths are confined as for every proxy route; archives are packed and checked by
:mod:`heron.store.artifacts.archive`, the same code the client uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from heron.exceptions import HeronError, NotFound
from heron.protocol.errors import error_body
from heron.server.asgi import read_body
from heron.server.proxy_http import artifact_path, json_errors, json_response
from heron.store.artifacts.archive import (
    ARCHIVE_ROUTE,
    ARCHIVE_TYPE,
    MAX_ARCHIVE_BYTES,
    Files,
    pack,
    unpack,
)
from heron.store.artifacts.base import ArtifactRepository

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute


class TooLarge(HeronError):
    """A tree too large for one archive (413: the client reads it file by file)."""

    def __init__(self, size: int):
        super().__init__(
            f"The files add up to {size} bytes, more than the {MAX_ARCHIVE_BYTES} an archive "
            f"holds: read them one by one",
            error_code="RESOURCE_EXHAUSTED",
        )


def archive_routes(repository: ArtifactRepository) -> list[BaseRoute]:
    """The archive routes over the proxy's destination repository."""
    from starlette.routing import Route

    service = ArchiveService(repository)
    path = ARCHIVE_ROUTE + "/{path:path}"
    return [
        Route(path, json_errors(service.download), methods=["GET"]),
        Route(path, json_errors(service.upload), methods=["PUT"]),
    ]


class ArchiveService:
    """Reads and writes small trees of the destination repository as archives."""

    def __init__(self, repository: ArtifactRepository):
        self.repository = repository

    async def download(self, request: Request) -> Response:
        """GET: a tar of every file under the directory; 404 when it holds none."""
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response

        directory = artifact_path(request, request.path_params["path"])
        try:
            files = await run_in_threadpool(self._read_tree, directory)
        except TooLarge as error:
            return json_response(error_body(error), 413)
        if not files:
            raise NotFound(f"No artifacts under '{directory}'")
        body = await run_in_threadpool(pack, files)
        return Response(body, media_type=ARCHIVE_TYPE)

    async def upload(self, request: Request) -> Response:
        """PUT: write every file of the tar body under the directory."""
        from starlette.concurrency import run_in_threadpool

        directory = artifact_path(request, request.path_params["path"])
        body = await read_body(request.receive, MAX_ARCHIVE_BYTES + (1 << 20))
        files = await run_in_threadpool(unpack, body)  # all checked before any is written
        await run_in_threadpool(self.repository.write_tree, files, directory or None)
        return json_response({})

    def _read_tree(self, directory: str) -> Files:
        found: list[str] = []
        total = 0
        for info in self.repository.list_files(directory):  # sizes first: nothing read yet
            found.append(info.path)
            total += info.file_size or 0
            if total > MAX_ARCHIVE_BYTES:
                raise TooLarge(total)
        files = []
        for path in found:
            reader = self.repository.open_read(path)
            try:
                files.append((path[len(directory) :].lstrip("/"), b"".join(reader)))
            finally:
                reader.close()
        return files
