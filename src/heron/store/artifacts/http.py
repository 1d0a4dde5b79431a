"""Artifacts behind a tracking server's artifact proxy (``mlflow-artifacts:`` and ``http(s):``).

``mlflow-artifacts:/<p>`` resolves against the tracking URI (which must be http or https) to
``<tracking URI>/api/2.0/mlflow-artifacts/artifacts/<p>``; ``mlflow-artifacts://host:port/<p>``
keeps the tracking URI's scheme but names another host. Plain ``http(s)://`` URIs must
already point into ``.../mlflow-artifacts/artifacts``. The wire shapes are MLflow's (spec
section 4), so this works against a Heron server and an MLflow server alike.

Uploads and downloads are streamed (a file is never held in memory); httpx is imported on
first use; credentials and TLS options come from ``heron.config`` like the REST store's.
"""

from __future__ import annotations

import functools
import mimetypes
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlparse

from heron import config
from heron.entities import FileInfo
from heron.exceptions import InvalidParameter
from heron.protocol.errors import error_from_response
from heron.store.artifacts.archive import (
    ARCHIVE_ROUTE,
    ARCHIVE_TYPE,
    MAX_ARCHIVE_BYTES,
    pack,
    unpack,
)
from heron.store.artifacts.base import (
    CHUNK_SIZE,
    ArtifactReader,
    ArtifactRepository,
    join_artifact_path,
    split_artifact_file,
)
from heron.store.artifacts.paths import safe_relative_path
from heron.store.http import USER_AGENT, auth_headers, tls_verify

if TYPE_CHECKING:
    import httpx

PROXY_SCHEME = "mlflow-artifacts"
API_PREFIX = "/api/2.0"
ARTIFACTS_ENDPOINT = "/mlflow-artifacts/artifacts"
PARALLEL_UPLOADS = 4
"""Files ``log_artifacts`` sends at once."""

_CLIENTS: dict[tuple[object, ...], httpx.Client] = {}
_NO_ARCHIVES: set[str] = set()
"""Servers that answered that they have no archive route (not Heron servers)."""
_CLIENTS_LOCK = threading.Lock()


def resolve_proxied_uri(artifact_uri: str, tracking_uri: str | None = None) -> str:
    """The ``http(s)`` URL of an ``mlflow-artifacts:`` URI (other URIs come back unchanged).

    Args:
        artifact_uri: ``mlflow-artifacts:/<p>``, ``mlflow-artifacts://host:port/<p>``, ...
        tracking_uri: The tracking server; default :func:`heron.config.tracking_uri`.

    Raises:
        InvalidParameter: The tracking URI is not http(s), or the URI has a query or fragment.
    """
    parsed = urlparse(artifact_uri)
    if parsed.query or parsed.fragment:
        raise InvalidParameter(f"Invalid artifact URI '{artifact_uri}': no query or fragment")
    if parsed.scheme.lower() != PROXY_SCHEME:
        return artifact_uri
    tracking = urlparse(config.tracking_uri(tracking_uri))
    if tracking.scheme.lower() not in ("http", "https"):
        raise InvalidParameter(
            f"'{artifact_uri}' needs an http(s) tracking URI to resolve against, got "
            f"'{tracking.scheme}:' (set HERON_TRACKING_URI or MLFLOW_TRACKING_URI)"
        )
    server = parsed.netloc or f"{tracking.netloc}{tracking.path.rstrip('/')}"
    path = parsed.path.lstrip("/")
    return f"{tracking.scheme}://{server}{API_PREFIX}{ARTIFACTS_ENDPOINT}/{path}".rstrip("/")


def _http_client() -> httpx.Client:
    """A keep-alive client shared by every proxied repository with the same TLS options."""
    insecure = bool(config.TRACKING_INSECURE_TLS.get())
    ca_bundle = config.TRACKING_SERVER_CERT_PATH.get()
    timeout = config.HTTP_REQUEST_TIMEOUT.get()
    key = (insecure, ca_bundle, timeout)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            import httpx

            client = httpx.Client(
                timeout=timeout,
                transport=httpx.HTTPTransport(
                    verify=tls_verify(), retries=3
                ),  # connect errors only
                headers={"User-Agent": USER_AGENT},
            )
            _CLIENTS[key] = client
    return client


def raise_for_error(response: httpx.Response) -> None:
    """Raise the :class:`HeronError` an unsuccessful response stands for.

    An MLflow error body (``{"error_code", "message"}``) gives that code's class; any other
    body is read by its HTTP status, as MLflow's client does
    (:func:`heron.protocol.errors.error_from_response`).
    """
    if response.is_success:
        return
    response.read()
    try:
        body = response.json()
    except ValueError:
        body = None
    raise error_from_response(response.status_code, body, response.text)


_MISSING = "RESOURCE_DOES_NOT_EXIST"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    """A URL's scheme, host and port (the well-known port when none is written)."""
    parts = urlparse(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def _error_code(response: httpx.Response) -> str | None:
    """The MLflow error code of an error response, if its body is MLflow's JSON."""
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("error_code")) if isinstance(body, dict) else None


def _file_chunks(handle: Any) -> Iterator[bytes]:
    return iter(functools.partial(handle.read, CHUNK_SIZE), b"")


class HttpArtifactRepository(ArtifactRepository):
    """Artifacts reached through the artifact proxy of an MLflow-compatible tracking server.

    Args:
        artifact_uri: ``mlflow-artifacts:[//host:port]/<p>``, or
            ``http(s)://host[/prefix]/api/2.0/mlflow-artifacts/artifacts/<p>``.

    Raises:
        InvalidParameter: The URI cannot be resolved to the proxy's artifact endpoint.
    """

    def __init__(self, artifact_uri: str):
        super().__init__(artifact_uri)
        url = resolve_proxied_uri(artifact_uri)
        head, found, tail = url.partition(ARTIFACTS_ENDPOINT)
        if not found or (tail and not tail.startswith("/")):
            raise InvalidParameter(
                f"'{artifact_uri}' is not an artifact proxy URI: expected "
                f"http(s)://<server>{API_PREFIX}{ARTIFACTS_ENDPOINT}/<path>"
            )
        self.endpoint = head + ARTIFACTS_ENDPOINT
        self.root = safe_relative_path(unquote(tail.strip("/")))

    def _client(self) -> httpx.Client:
        """The HTTP client requests go through (subclasses bound or restrict it)."""
        return _http_client()

    def _auth(self) -> dict[str, str]:
        """The tracking credentials, only for the tracking server itself: a location on
        another host (scheme, host and port compared) never receives them."""
        if _origin(self.endpoint) != _origin(config.tracking_uri()):
            return {}
        return auth_headers()

    def _url(self, artifact_path: str) -> str:
        return f"{self.endpoint}/{quote(join_artifact_path(self.root, artifact_path), safe='/')}"

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {**self._auth(), **kwargs.pop("headers", {})}
        response = self._client().request(method, url, headers=headers, **kwargs)
        raise_for_error(response)
        return response

    def _put(self, artifact_path: str, content: Iterable[bytes], size: int | None) -> None:
        _, name = split_artifact_file(artifact_path)
        headers = {"Content-Type": mimetypes.guess_type(name)[0] or "application/octet-stream"}
        if size is not None:
            headers["Content-Length"] = str(size)
        self._request("PUT", self._url(artifact_path), content=content, headers=headers)

    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        """Stream one local file to directory ``artifact_path`` (one PUT)."""
        name = os.path.basename(os.path.normpath(local_file))
        path = join_artifact_path(
            *split_artifact_file(join_artifact_path(safe_relative_path(artifact_path), name))
        )
        with open(local_file, "rb") as handle:
            self._put(path, _file_chunks(handle), os.fstat(handle.fileno()).st_size)

    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        """Stream a local directory's files into ``artifact_path``, a few at a time.

        The proxy has no directories of its own: empty local directories leave no trace.
        """
        base = safe_relative_path(artifact_path)
        uploads: list[tuple[str, str | None]] = []
        for dirpath, _dirnames, filenames in os.walk(local_dir, followlinks=True):
            relative = os.path.relpath(dirpath, local_dir)
            subdir = base if relative == "." else join_artifact_path(base, *relative.split(os.sep))
            uploads.extend((os.path.join(dirpath, name), subdir or None) for name in filenames)
        sizes = [os.path.getsize(local) for local, _ in uploads]
        if len(uploads) > 1 and sum(sizes) <= MAX_ARCHIVE_BYTES and self._archives():
            files = []  # small files: one archive to a Heron server
            for local, directory in uploads:
                with open(local, "rb") as handle:
                    name = os.path.basename(local)
                    files.append((join_artifact_path(directory, name), handle.read()))
            self.write_tree(files)
            return
        with ThreadPoolExecutor(max_workers=PARALLEL_UPLOADS) as pool:
            for future in [pool.submit(self.log_artifact, *upload) for upload in uploads]:
                future.result()

    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        """The direct children of ``path``, as the proxy lists them (basenames, joined here)."""
        relative = safe_relative_path(path)
        listed = join_artifact_path(self.root, relative)
        files = self._request("GET", self.endpoint, params={"path": listed}).json().get("files")
        infos = []
        for entry in files or []:
            child = safe_relative_path(join_artifact_path(relative, str(entry["path"])))
            is_dir = bool(entry.get("is_dir", False))
            size = None if is_dir or entry.get("file_size") is None else int(entry["file_size"])
            infos.append(FileInfo(child, is_dir, size))
        return sorted(infos, key=lambda info: info.path)

    def open_read(self, artifact_path: str) -> ArtifactReader:
        """Open one file for streaming: a GET whose body is read chunk by chunk.

        Raises:
            NotFound: The proxy has no file there.
        """
        path = join_artifact_path(*split_artifact_file(artifact_path))
        client = self._client()
        request = client.build_request("GET", self._url(path), headers=self._auth())
        response = client.send(request, stream=True)
        try:
            raise_for_error(response)
        except BaseException:
            response.close()
            raise
        chunks = (chunk for chunk in response.iter_bytes() if chunk)  # as received, no copy
        length = response.headers.get("Content-Length")
        return ArtifactReader(
            lambda _size: next(chunks, b""), response.close, int(length) if length else None
        )

    def _download_file(self, remote_file_path: str, local_path: str) -> None:
        reader = self.open_read(remote_file_path)
        try:
            with open(local_path, "wb") as out:
                for chunk in reader:
                    out.write(chunk)
        except BaseException:
            reader.close()
            if os.path.exists(local_path):
                os.unlink(local_path)
            raise

    def write_stream(self, artifact_path: str, chunks: Iterable[bytes]) -> None:
        """Stream byte chunks to one file (a chunked PUT)."""
        self._put(join_artifact_path(*split_artifact_file(artifact_path)), chunks, None)

    def read_tree(self, artifact_path: str | None = None) -> list[tuple[str, bytes]] | None:
        """See :meth:`ArtifactRepository.read_tree`: one archive from a Heron server."""
        response = self._archive_request("GET", artifact_path)
        if response is None or response.status_code == 413:  # 413: too large for one
            return None
        if response.status_code == 404:
            return []  # a Heron server, and nothing there
        raise_for_error(response)
        return unpack(response.content)

    def write_tree(
        self, files: Sequence[tuple[str, bytes]], artifact_path: str | None = None
    ) -> None:
        """See :meth:`ArtifactRepository.write_tree`: one archive to a Heron server."""
        if len(files) > 1 and sum(len(content) for _, content in files) <= MAX_ARCHIVE_BYTES:
            body = pack(files)
            response = self._archive_request("PUT", artifact_path, body)
            if response is not None:
                raise_for_error(response)
                return
        super().write_tree(files, artifact_path)

    def _archive_request(
        self, method: str, artifact_path: str | None, body: bytes | None = None
    ) -> httpx.Response | None:
        """A call of Heron's archive route; None when the server has none (and from then
        on without asking: an MLflow server answers 404 or 405 without MLflow's JSON)."""
        server = self._server
        if server in _NO_ARCHIVES:
            return None
        path = join_artifact_path(self.root, safe_relative_path(artifact_path))
        url = f"{server}{ARCHIVE_ROUTE}/{quote(path, safe='/')}"
        headers = {**self._auth(), "Content-Type": ARCHIVE_TYPE}
        response = self._client().request(method, url, headers=headers, content=body)
        status = response.status_code
        if status in (405, 501) or (status == 404 and _error_code(response) != _MISSING):
            _NO_ARCHIVES.add(server)
            return None
        return response

    def _archives(self) -> bool:
        """Whether the server may have Heron's archive route (not known to lack it)."""
        return self._server not in _NO_ARCHIVES

    @property
    def _server(self) -> str:
        return self.endpoint[: -len(API_PREFIX + ARTIFACTS_ENDPOINT)]

    def delete_artifacts(self, artifact_path: str | None = None) -> None:
        """Ask the proxy to remove a file or a directory tree."""
        self._request("DELETE", self._url(safe_relative_path(artifact_path)))
