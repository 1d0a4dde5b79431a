"""Artifact files sent to browsers as MLflow's server sends them: always as attachments,
``nosniff``, with the content type MLflow gives by extension (``text/plain`` for text files,
``MLmodel`` and ``MLproject``), streamed from the repository.

Paths are checked with MLflow's rule and message (``Invalid path``) on top of Heron's own
confinement (:func:`heron.store.artifacts.paths.safe_relative_path`), so no path leaves
the artifact root, whatever its encoding.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from starlette.background import BackgroundTask
from starlette.responses import HTMLResponse, Response, StreamingResponse

from heron.exceptions import InvalidParameter, NotFound
from heron.server.download_headers import content_disposition, media_type
from heron.store.artifacts.base import ArtifactReader, ArtifactRepository
from heron.store.artifacts.paths import safe_relative_path

PROXY_SCHEME = "mlflow-artifacts"
INVALID_PATH = "Invalid path"
MAX_PATH_LENGTH = 2048

_FLASK_BAD_REQUEST = (
    "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n"
    "<p>The browser (or proxy) sent a request that this server could not understand.</p>\n"
)


def mlflow_safe_path(path: str) -> str:
    """A caller's artifact path, checked as MLflow checks it (message ``Invalid path``)
    and by Heron's confinement rule; returned normalised.

    Raises:
        InvalidParameter: ``Invalid path``: the path could leave the artifact root.
    """
    if len(path) > MAX_PATH_LENGTH:
        raise InvalidParameter(INVALID_PATH)
    try:
        return safe_relative_path(path)
    except InvalidParameter:
        raise InvalidParameter(INVALID_PATH) from None


def bad_request() -> Response:
    """The page Flask answers when a required query parameter is missing (MLflow's
    answer for a missing ``path``)."""
    return HTMLResponse(_FLASK_BAD_REQUEST, status_code=400)


def artifact_root(uri: str | None) -> str:
    """A run's or model's artifact URI; NotFound when it has none (never a default)."""
    if not uri:
        raise NotFound("No artifact location is recorded for it")
    return uri


def display_path(artifact_uri: str, path: str) -> str:
    """How MLflow names an artifact in its errors: under the artifacts destination for a
    proxied (``mlflow-artifacts:``) root, else as given."""
    parts = urlsplit(artifact_uri)
    if parts.scheme.lower() == PROXY_SCHEME:
        return posixpath.join(parts.path.lstrip("/"), path)
    return path


def open_file(repository: ArtifactRepository, path: str, shown_as: str) -> ArtifactReader:
    """Open one file of a repository, with MLflow's errors for a folder or a missing file.

    Args:
        repository: The artifact root.
        path: The file, checked and normalised by :func:`mlflow_safe_path`.
        shown_as: The name errors give it (:func:`display_path`).

    Raises:
        InvalidParameter: The path is the root or a folder.
        NotFound: There is nothing there.
    """
    folder = InvalidParameter(f"Artifact path refers to a directory, not a file: '{shown_as}'")
    if not path:
        raise folder
    try:
        return repository.open_read(path)
    except NotFound:
        if repository.is_dir(path):
            raise folder from None
        raise NotFound(f"No such artifact: '{shown_as}'") from None


def attachment(reader: ArtifactReader, name: str) -> Response:
    """Stream an open file as a download, as MLflow's ``/get-artifact`` does."""
    # X-Content-Type-Options: nosniff is on every response (heron.server.security).
    headers = {
        "Content-Disposition": content_disposition(posixpath.basename(name)),
        "Content-Type": media_type(name, preview=True),  # as MLflow: no charset added
        "Cache-Control": "no-cache",
    }
    if reader.size is not None:
        headers["Content-Length"] = str(reader.size)
    return StreamingResponse(reader, headers=headers, background=BackgroundTask(reader.close))


def send_artifact(repository: ArtifactRepository, artifact_uri: str, path: str) -> Response:
    """A file of the root at ``artifact_uri`` as an attachment, or MLflow's error."""
    reader = open_file(repository, path, display_path(artifact_uri, path))
    return attachment(reader, path)
