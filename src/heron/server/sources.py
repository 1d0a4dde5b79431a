"""Which model version sources a server accepts (the CVE-2023-1177 family).

A version's ``source`` is handed to every client that later downloads the model, and a
local path on the server would make the server's files downloadable. So a version created
through the server must name a location the server manages, by a positive rule:

- ``runs:/<run_id>/<path>`` of the run given as ``run_id`` (which may live in another
  tracking store, as with a separate registry store);
- ``models:/<model_id>`` of the logged model given as ``model_id``;
- ``models:/<name>/<version|stage|latest>`` or ``models:/<name>@<alias>``: normalised to
  ``models:/<name>/<version>`` of that registered version, whose run and logged model the
  new version inherits (explicit ``run_id``/``model_id`` must agree with them);
- ``mlflow-artifacts:/<path>``, or this server's own
  ``http(s)://<host>/api/2.0/mlflow-artifacts/artifacts/<path>`` (exactly the address and
  port it listens on, or its configured artifact storage's host: no other localhost or
  private address), inside the artifact root
  of the ``model_id``'s logged model or else the ``run_id``'s run;
- a local path or ``file:`` URI only inside that run's (or logged model's) LOCAL artifact
  root, with symlinks resolved;
- an object-store URI (``s3://``, ``gs://``, ``wasbs://``, ``dbfs:``), as given; a URI of a
  scheme that names a host to connect to (``ftp``, ``sftp``, ``hdfs``, ...) only on the host
  of the server's own artifact storage, as MLflow's server allows.

Everything else is refused with 400 INVALID_PARAMETER_VALUE, as are, in any source: more
than :data:`MAX_SOURCE_LENGTH` characters, query strings and fragments, and any path that
:func:`~heron.store.artifacts.paths.safe_relative_path` refuses (``..`` segments, NUL and
backslashes, also behind repeated percent-encoding, ``;`` parameters, drive letters).
Prompt versions (tag ``mlflow.prompt.is_prompt=true``) may only use MLflow's placeholder
sources. An operator may also require every source to match
``HERON_``/``MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from heron import config
from heron.entities.registry import PROMPT_TAG, ModelVersionTag
from heron.exceptions import HeronError, InvalidParameter, NotFound
from heron.models.uris import local_path, parse_model_uri
from heron.server.lineage import RegisteredSource, VersionSource
from heron.server.locations import server_roots
from heron.server.settings import ServerSettings
from heron.store.artifacts.host_policy import is_trusted
from heron.store.artifacts.paths import resolves_inside, safe_relative_path
from heron.store.registry.base import RegistryStore
from heron.store.tracking.base import TrackingStore
from heron.tracking.uris import parse_runs_uri

MAX_SOURCE_LENGTH = 4096
PROMPT_SOURCES = frozenset({"dummy-source", "prompt-template"})
"""The placeholder sources of prompt versions (MLflow's client's and store's)."""
OBJECT_STORE_SCHEMES = frozenset({"s3", "gs", "wasbs", "dbfs"})
"""Remote schemes taken as given (the server never reads them itself)."""
HOST_ADDRESSED_SCHEMES = frozenset({"ftp", "sftp", "hdfs", "viewfs", "r2", "b2", "abfss"})
"""Remote schemes whose URI names a host to connect to: accepted, as by MLflow's server,
only on the host of the server's own default artifact root or artifacts destination."""
PROXY_ROUTES = ("/api/2.0/mlflow-artifacts/artifacts/", "/ajax-api/2.0/mlflow-artifacts/artifacts/")
PROXY_SCHEME = "mlflow-artifacts"
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_LOOPBACK_OR_WILDCARD = _LOOPBACK_NAMES | {"0.0.0.0", "::"}


def invalid_source(source: str, detail: str = "") -> InvalidParameter:
    """MLflow's error for a refused source."""
    shown = source if len(source) <= 256 else source[:256] + "..."
    return InvalidParameter(f"Invalid model version source: '{shown}'.{detail and ' ' + detail}")


def _unrelated(source: str, id_name: str) -> InvalidParameter:
    return invalid_source(
        source,
        f"The {id_name} request parameter must identify the resource that contains the source.",
    )


_RELATIVE = (
    "If supplying a source as an http, https, local file path, ftp, objectstore, or "
    "mlflow-artifacts uri, an absolute path must be provided without relative path references "
    "present. Please provide an absolute path."
)
_LOCAL = (
    "To use a local path as a model version source, the {0} request parameter has to be "
    "specified and the local path has to be contained within the artifact directory of the "
    "run specified by the {0}."
)


def is_prompt(tags: Sequence[ModelVersionTag] | None) -> bool:
    """Whether a version's tags mark it a prompt (the last value of the tag wins)."""
    values = {tag.key: tag.value for tag in tags or ()}
    return str(values.get(PROMPT_TAG, "false")).lower() == "true"


def _check_regex(source: str) -> None:
    pattern = config.CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX.get()
    if not pattern:
        return
    try:
        matched = re.search(pattern, source)
    except re.error as error:
        raise HeronError(f"Invalid source validation regex {pattern!r}: {error}") from None
    if not matched:
        raise invalid_source(source)


def check_text(source: str) -> None:
    """Refuse a source whose text could lead anywhere unintended, whatever its scheme.

    Raises:
        InvalidParameter: too long, a query or fragment, a malformed authority, or a path
            :func:`safe_relative_path` refuses.
    """
    if len(source) > MAX_SOURCE_LENGTH:
        raise invalid_source(source, f"Sources may have at most {MAX_SOURCE_LENGTH} characters.")
    if "?" in source or "#" in source:
        raise invalid_source(source, "Query strings and fragments are not allowed.")
    parts = urlsplit(source)
    if any(char == "\\" or char.isspace() or ord(char) < 32 for char in parts.netloc):
        raise invalid_source(source, "The URI's authority is malformed.")
    try:
        safe_relative_path(parts.path.lstrip("/"))
    except InvalidParameter:
        raise invalid_source(source, _RELATIVE) from None


class SourceCheck:
    """The source rules of one server.

    Args:
        tracking: Where runs and logged models are looked up.
        registry: Where the versions ``models:/<name>/...`` sources name are looked up.
        settings: The server's settings (the host names it answers to, its static prefix).
    """

    def __init__(self, tracking: TrackingStore, registry: RegistryStore, settings: ServerSettings):
        self.tracking = tracking
        self.registry = registry
        self.settings = settings

    def check(
        self,
        source: str,
        run_id: str | None = None,
        model_id: str | None = None,
        tags: Sequence[ModelVersionTag] | None = None,
    ) -> VersionSource:
        """The source to store, and the run and logged model the new version records.

        Args:
            source: The source as requested.
            run_id: The request's ``run_id``: None when absent (``""`` counts as given).
            model_id: The request's ``model_id``, the same way.
            tags: The version's tags (prompt versions have their own rule).

        Raises:
            InvalidParameter: The source is refused.
            NotFound: A ``models:/<name>/...`` source names a missing registered model, or
                ``model_id`` a missing logged model.
        """
        _check_regex(source)
        if is_prompt(tags):
            if source not in PROMPT_SOURCES:
                raise InvalidParameter(
                    f"Invalid prompt source: '{source}'. "
                    "Prompt sources must use an MLflow placeholder."
                )
            return VersionSource(source, run_id or None, model_id or None)
        source = _normalised_local(source)
        check_text(source)
        parts = urlsplit(source)
        scheme = parts.scheme.lower()
        if scheme == "models" and _logged_model_id(source) is None:
            return RegisteredSource(self.registry).resolve(source, run_id, model_id)
        if model_id:
            model = self.tracking.get_logged_model(model_id)  # MLflow: 404 when missing
            self._check_location(source, "model_id", model_id, lambda: model.artifact_location)
            return VersionSource(source, run_id or model.source_run_id or None, model_id)
        self._check_location(
            source, "run_id", run_id or None, lambda: self._run_root(source, run_id)
        )
        return VersionSource(source, run_id or None, None)

    def _run_root(self, source: str, run_id: str | None) -> str:
        try:
            run = self.tracking.get_run(run_id or "")
        except (NotFound, InvalidParameter):
            raise _unrelated(source, "run_id") from None
        return run.info.artifact_uri or ""

    def _check_location(
        self, source: str, id_name: str, owner: str | None, root: Callable[[], str]
    ) -> None:
        """Refuse ``source`` unless it lies in the run's or logged model's (``owner``)
        artifacts, or is an object-store URI."""
        parts = urlsplit(source)
        scheme = parts.scheme.lower()
        if scheme == "runs":
            # As MLflow: the URI's run must be the request's run_id; the run may live in
            # another tracking store (a separate registry store is legitimate).
            if id_name != "run_id" or owner is None or _runs_uri_run(source) != owner:
                raise _unrelated(source, id_name)
        elif scheme == "models":
            if id_name != "model_id" or _logged_model_id(source) != owner:
                raise _unrelated(source, "model_id")
        elif len(scheme) <= 1 or scheme == "file":
            if owner is None or not _inside_local_root(source, root()):
                raise invalid_source(source, _LOCAL.format(id_name))
        elif scheme == PROXY_SCHEME:
            if parts.netloc:
                raise invalid_source(source, "mlflow-artifacts sources may not name a host.")
            if owner is None or not _inside_proxy_root(parts.path, root()):
                raise _unrelated(source, id_name)
        elif scheme in ("http", "https"):
            path = self._proxied_path(source)
            if owner is None or not _inside_proxy_root(path, root()):
                raise _unrelated(source, id_name)
        elif scheme in HOST_ADDRESSED_SCHEMES:
            if _target(source) not in self._trusted_targets():
                raise invalid_source(
                    source,
                    f"'{scheme}' sources must be on the host of the server's artifact storage.",
                )
        elif scheme not in OBJECT_STORE_SCHEMES:
            raise invalid_source(source, f"The '{scheme}' scheme is not supported.")

    def _trusted_targets(self) -> set[tuple[str, str, int | None]]:
        roots = (self.settings.default_artifact_root, self.settings.artifacts_destination)
        return {_target(root) for root in roots if root}

    def _proxied_path(self, source: str) -> str:
        """The path under the artifacts destination a URL of this server's artifact proxy
        names; InvalidParameter for any other http(s) URL."""
        parts = urlsplit(source)
        if "@" not in parts.netloc and self._is_this_server(source):
            prefix = self.settings.static_prefix
            for route in PROXY_ROUTES:
                if parts.path.startswith(prefix + route):
                    return parts.path[len(prefix + route) - 1 :]
        raise invalid_source(
            source, "http(s) sources must be URLs of this server's artifact proxy."
        )

    def _is_this_server(self, url: str) -> bool:
        """Whether an http(s) URL names exactly this server: the address and port it
        listens on (a loopback or wildcard bind also as ``localhost``/``127.0.0.1``/
        ``[::1]``), or the host of its own configured artifact storage. Other hosts,
        and other ports of localhost or private addresses, are not this server."""
        scheme, host, port = _target(url)
        if scheme not in ("http", "https"):
            return False
        if port is None:
            port = 443 if scheme == "https" else 80
        if is_trusted(url, server_roots(self.settings)):
            return True
        bind = self.settings.host.strip("[]").lower()
        names = {bind}
        if bind in _LOOPBACK_OR_WILDCARD:
            names |= _LOOPBACK_NAMES
        return (
            self.settings.port is not None
            and port == self.settings.port
            and (host.strip("[]") in names)
        )


def _normalised_local(source: str) -> str:
    """A local path or ``file:`` URI with its ``.``/``..`` segments resolved (as MLflow
    resolves a local source before checking it), so ``<run root>/model/..`` is judged, and
    stored, as the directory it names; other sources are returned as given."""
    parts = urlsplit(source)
    scheme = parts.scheme.lower()
    if "\x00" in source or not (len(scheme) <= 1 or (scheme == "file" and not parts.netloc)):
        return source
    path = source if len(scheme) <= 1 else parts.path
    if not path.startswith("/") or not any(s in (".", "..") for s in path.split("/")):
        return source
    normalised = posixpath.normpath(path)
    return normalised if len(scheme) <= 1 else f"{parts.scheme}://{normalised}"


def _target(uri: str) -> tuple[str, str, int | None]:
    """The scheme, host and port a URI connects to (an unreadable port as -1)."""
    parts = urlsplit(uri)
    try:
        port = parts.port
    except ValueError:
        port = -1
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _logged_model_id(source: str) -> str | None:
    """The logged model id of a ``models:/<model_id>`` source (None for other forms)."""
    try:
        return parse_model_uri(source).model_id
    except InvalidParameter:
        return None


def _runs_uri_run(source: str) -> str | None:
    try:
        return parse_runs_uri(source)[0]
    except InvalidParameter:
        return None


def _inside_local_root(source: str, root: str) -> bool:
    """Whether a local source lies in a LOCAL artifact root (symlinks resolved)."""
    if not root:
        return False
    try:
        path, root_path = local_path(source), local_path(root)
    except InvalidParameter:
        return False
    return path is not None and root_path is not None and resolves_inside(root_path, path)


def _inside_proxy_root(path: str, root: str) -> bool:
    """Whether the artifacts-destination path of a source lies in an ``mlflow-artifacts:``
    root (compared segment by segment, as written)."""
    parts = urlsplit(root)
    if parts.scheme.lower() != PROXY_SCHEME or parts.netloc:
        return False
    root_segments = [segment for segment in parts.path.split("/") if segment]
    segments = [segment for segment in path.split("/") if segment]
    return bool(root_segments) and segments[: len(root_segments)] == root_segments
