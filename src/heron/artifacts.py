"""Downloading artifacts and models by URI, with MLflow's ``mlflow.artifacts`` names.

Resolves the indirect URIs of spec 14.1 with a tracking client: ``runs:/<run_id>/<path>``
(the run's artifacts, else the 3.x logged model of that name the run produced),
``models:/<model_id>[/<path>]`` (a logged model's artifacts) and the registry's
``models:/<name>/<version|stage|latest>[/<path>]`` and ``models:/<name>@<alias>[/<path>]``
(the version's download URI, itself resolved again). Everything else (paths, ``file:``,
``s3:``, ``mlflow-artifacts:``, ``http(s):``) goes to its artifact repository directly.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import tempfile
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse, urlunparse

from heron.exceptions import BadRequest, InvalidParameter, NotFound
from heron.models.uris import is_models_uri, local_path, split_model_uri
from heron.store.artifacts import get_artifact_repository
from heron.tracking.uris import is_runs_uri, join_artifact_uri, parse_runs_uri

if TYPE_CHECKING:
    from heron.entities import FileInfo
    from heron.tracking.client import MlflowClient

__all__ = [
    "download_artifacts",
    "download_model",
    "list_artifacts",
    "load_dict",
    "load_image",
    "load_text",
    "resolve_artifact_uri",
]

MAX_INDIRECTIONS = 10
"""How many ``runs:/``/``models:/`` hops one URI may take before it is refused."""


def _client(tracking_uri: str | None) -> MlflowClient:
    if tracking_uri is None:
        from heron.tracking.session import client

        return client()
    from heron.tracking.client import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri)


def _run_model_uri(client: MlflowClient, run_id: str, path: str) -> str:
    from heron.tracking.run_models import run_logged_model

    run = client.get_run(run_id)
    root = run.info.artifact_uri or ""
    uri = join_artifact_uri(root, path)
    if not path:
        return uri
    repository = get_artifact_repository(root, client.tracking_uri)
    if repository.list_artifacts(path):
        return uri
    # MLflow 3.x: log_model wrote a LoggedModel named like the path instead.
    name, _, rest = path.partition("/")
    logged = run_logged_model(client, run, name)
    return uri if logged is None else join_artifact_uri(logged.artifact_location, rest)


def _models_uri(client: MlflowClient, uri: str) -> str:
    """The next URI behind a ``models:/`` URI: a logged model's or a version's location."""
    ref = split_model_uri(uri)
    if ref.model_id is not None:
        location = client.get_logged_model(ref.model_id).artifact_location
    else:
        version = client.registered_version_number(ref)
        location = client.registry_store.get_model_version_download_uri(str(ref.name), version)
    return join_artifact_uri(location, ref.path)


def resolve_artifact_uri(uri: str, tracking_uri: str | None = None) -> str:
    """The direct artifact URI behind ``runs:/`` and ``models:/`` URIs (others as is).

    A registered version's download URI may itself be a ``runs:/`` or ``models:/`` URI;
    it is resolved in turn, up to :data:`MAX_INDIRECTIONS` times.

    Raises:
        NotFound: The run, logged model, registered model, version or alias is missing.
        InvalidParameter: A malformed URI, or too many indirections.
    """
    current = uri
    for _hop in range(MAX_INDIRECTIONS):
        if is_runs_uri(current):
            run_id, path = parse_runs_uri(current)
            current = _run_model_uri(_client(tracking_uri), run_id, path)
        elif is_models_uri(current):
            current = _models_uri(_client(tracking_uri), current)
        else:
            return current
    raise InvalidParameter(f"Could not resolve '{uri}': more than {MAX_INDIRECTIONS} indirections")


def _split_uri(uri: str) -> tuple[str, str]:
    """``(parent URI, last path segment)`` of a direct artifact URI."""
    parsed = urlparse(uri)
    if len(parsed.scheme) <= 1:
        path = os.path.abspath(uri)
        return os.path.dirname(path), os.path.basename(path)
    path = parsed.path.rstrip("/")
    parent, name = posixpath.split(path)
    return urlunparse(parsed._replace(path=parent or "/")), name


def _check_destination(dst_path: str | None) -> None:
    if dst_path is None:
        return
    if not os.path.exists(dst_path):
        raise InvalidParameter(
            f"The destination path for downloaded artifacts does not exist! "
            f"Destination path: {dst_path}"
        )
    if not os.path.isdir(dst_path):
        raise InvalidParameter(
            f"The destination path for downloaded artifacts must be a directory! "
            f"Destination path: {dst_path}"
        )


def _download_uri(uri: str, dst_path: str | None, tracking_uri: str | None) -> str:
    direct = resolve_artifact_uri(uri, tracking_uri)
    path = local_path(direct)
    if path is not None:
        if not os.path.exists(path):
            raise NotFound(f"No such file or directory: '{path}'")
        if dst_path is None:
            return path
        target = os.path.join(os.path.abspath(dst_path), os.path.basename(path))
        if os.path.isdir(path):
            shutil.copytree(path, target, dirs_exist_ok=True)
        else:
            shutil.copy2(path, target)
        return target
    parent, name = _split_uri(direct)
    repository = get_artifact_repository(parent, tracking_uri or _client(None).tracking_uri)
    return repository.download_artifacts(name, dst_path)


def download_artifacts(
    artifact_uri: str | None = None,
    run_id: str | None = None,
    artifact_path: str | None = None,
    dst_path: str | None = None,
    tracking_uri: str | None = None,
) -> str:
    """Download an artifact file or directory and return its local path.

    Give either ``artifact_uri`` (any URI, including ``runs:/`` and ``models:/``) or
    ``run_id`` with an optional ``artifact_path``. Local artifacts are returned in place
    when ``dst_path`` is None.

    Args:
        artifact_uri: What to download.
        run_id: The run whose artifacts to download (instead of ``artifact_uri``).
        artifact_path: A path under the run's artifact root (with ``run_id``).
        dst_path: An existing local directory to download into; a new temporary directory
            (or the artifact in place, for local ones) if None.
        tracking_uri: The tracking server; the current one if None.

    Raises:
        InvalidParameter: Conflicting or missing arguments, or ``dst_path`` is not an
            existing directory.
    """
    if artifact_uri is not None and (run_id is not None or artifact_path is not None):
        raise InvalidParameter(
            "If the `artifact_uri` argument is specified, the `run_id` and `artifact_path` "
            "arguments must not be specified."
        )
    if artifact_uri is None and run_id is None:
        raise InvalidParameter("One of `artifact_uri` or `run_id` must be specified.")
    _check_destination(dst_path)
    if artifact_uri is None:
        client = _client(tracking_uri)
        return client.download_artifacts(str(run_id), artifact_path or "", dst_path)
    return _download_uri(artifact_uri, dst_path, tracking_uri)


def download_model(
    model_uri: str | os.PathLike[str],
    dst_path: str | os.PathLike[str] | None = None,
    tracking_uri: str | None = None,
) -> str:
    """The local directory of a model URI (or a ``pathlib.Path``, as MLflow accepts one),
    downloading it first unless it is local."""
    if dst_path is not None:
        dst_path = os.fspath(dst_path)
        os.makedirs(dst_path, exist_ok=True)
    return _download_uri(os.fspath(model_uri), dst_path, tracking_uri)


def list_artifacts(
    artifact_uri: str | None = None,
    run_id: str | None = None,
    artifact_path: str | None = None,
    tracking_uri: str | None = None,
) -> list[FileInfo]:
    """The files and directories directly under an artifact URI or a run's artifact path.

    Args:
        artifact_uri: Any artifact URI (``runs:/``, ``models:/``, a path, ``s3://``...);
            exactly one of ``artifact_uri`` and ``run_id`` is required.
        run_id: The run whose artifacts to list.
        artifact_path: With ``run_id``: a directory under the run's artifact root.
        tracking_uri: The tracking server; the current one if None.

    Raises:
        InvalidParameter: Both or neither of ``artifact_uri`` and ``run_id`` given, or
            ``artifact_path`` given with ``artifact_uri``.
    """
    if (run_id, artifact_uri).count(None) != 1:
        raise InvalidParameter("Exactly one of `run_id` or `artifact_uri` must be specified")
    if artifact_uri is not None and artifact_path is not None:
        raise InvalidParameter("`artifact_path` cannot be specified if `artifact_uri` is specified")
    if artifact_uri is None:
        return _client(tracking_uri).list_artifacts(str(run_id), artifact_path)
    if is_runs_uri(artifact_uri):
        run, path = parse_runs_uri(artifact_uri)
        listing = _client(tracking_uri).list_artifacts(run, path or None)
        if listing or not path:
            return listing
    # Like MLflow: paths in the result are relative to the URI's parent.
    parent, name = _split_uri(resolve_artifact_uri(artifact_uri, tracking_uri))
    repository = get_artifact_repository(parent, tracking_uri or _client(None).tracking_uri)
    return repository.list_artifacts(name or None)


def _read_artifact(artifact_uri: str, parse: Any, what: str) -> Any:
    with tempfile.TemporaryDirectory(prefix="heron-load-") as temp:
        local = download_artifacts(artifact_uri, dst_path=temp)
        with open(local, encoding="utf-8") as handle:
            try:
                return parse(handle)
            except UnicodeDecodeError as error:
                raise BadRequest(
                    f"Artifact {artifact_uri!r} is not valid UTF-8. To read a file in another "
                    "encoding, download it with `heron.artifacts.download_artifacts` and open "
                    "it with the correct `encoding`."
                ) from error
            except ValueError as error:
                raise BadRequest(f"Unable to form a {what} object from file content") from error


def load_text(artifact_uri: str) -> str:
    """The contents of a text artifact (UTF-8), e.g. ``runs:/<run_id>/notes.txt``.

    Raises:
        BadRequest: The file is not UTF-8 text.
    """
    text: str = _read_artifact(artifact_uri, lambda handle: str(handle.read()), "str")
    return text


def load_dict(artifact_uri: str) -> dict[str, Any]:
    """The contents of a JSON artifact as a dictionary, e.g. one ``log_dict`` wrote.

    Raises:
        BadRequest: The file is not UTF-8 JSON.
    """
    loaded: dict[str, Any] = _read_artifact(artifact_uri, json.load, "JSON")
    return loaded


def load_image(artifact_uri: str) -> Any:
    """An image artifact as a ``PIL.Image.Image`` (needs Pillow).

    Raises:
        BadRequest: The file is not an image Pillow can read.
    """
    try:
        from PIL import Image
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Error: loading images needs Pillow; install it with: pip install pillow"
        ) from error
    with tempfile.TemporaryDirectory(prefix="heron-load-") as temp:
        local = download_artifacts(artifact_uri, dst_path=temp)
        try:
            image = Image.open(local)
            image.load()
        except Exception as error:
            raise BadRequest("Unable to form a PIL Image object from file content") from error
        return image
