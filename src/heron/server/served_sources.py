"""Which model version files the server reads itself (``/model-versions/get-artifact``,
the version page), and where.

A version's source must still pass the rule new sources pass (a registry written around
the server may hold anything), and prompt versions have no files. A download URI on an
object store (``s3://``, ``gs://``...) or a host-addressed store is read with the SERVER's
credentials, so the server reads it only inside the artifacts of the version's own run or
logged model: a source anywhere else (another user's run in the server's bucket, or any
bucket the server's credentials reach) is the client's to download with its own
credentials, from the download URI the registry still gives.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from heron.entities.registry import ModelVersion, ModelVersionTag
from heron.exceptions import HeronError, InvalidParameter
from heron.server.settings import ServerSettings
from heron.server.sources import (
    HOST_ADDRESSED_SCHEMES,
    OBJECT_STORE_SCHEMES,
    PROXY_SCHEME,
    SourceCheck,
    invalid_source,
    is_prompt,
)
from heron.store.registry.base import RegistryStore
from heron.store.tracking.base import TrackingStore

REMOTE_SCHEMES = OBJECT_STORE_SCHEMES | HOST_ADDRESSED_SCHEMES
"""Schemes the server reads with its own credentials."""
_ELSEWHERE = (
    "The server reads an object-store source only inside the artifacts of the version's "
    "run or logged model; download it from the store with your own credentials."
)


def served_version_uri(
    tracking: TrackingStore,
    registry: RegistryStore,
    settings: ServerSettings,
    version: ModelVersion,
) -> str:
    """The download URI of a version's files, if the server may read them itself.

    Raises:
        InvalidParameter: a prompt version, a source the source rule refuses, or a remote
            download URI outside the version's run and logged model.
    """
    tags = [ModelVersionTag(key, value) for key, value in version.tags.items()]
    if is_prompt(tags):
        raise InvalidParameter("Prompt versions have no artifacts to download")
    SourceCheck(tracking, registry, settings).check(
        version.source or "", version.run_id, version.model_id, tags
    )
    uri = registry.get_model_version_download_uri(version.name, version.version)
    if urlsplit(uri).scheme.lower() in REMOTE_SCHEMES:
        roots = _owner_roots(tracking, settings, version)
        if not any(_inside(uri, root) for root in roots):
            raise invalid_source(uri, _ELSEWHERE)
    return uri


def _owner_roots(
    tracking: TrackingStore, settings: ServerSettings, version: ModelVersion
) -> list[str]:
    """Where the version's run and logged model keep their files (proxied roots as the
    artifacts destination's locations)."""
    roots: list[str] = []
    try:
        if version.run_id:
            roots.append(tracking.get_run(version.run_id).info.artifact_uri or "")
        if version.model_id:
            roots.append(tracking.get_logged_model(version.model_id).artifact_location or "")
    except HeronError:
        pass  # a run or model gone: nothing of theirs to read
    return [_physical(root, settings.artifacts_destination) for root in roots if root]


def _physical(root: str, destination: str) -> str:
    """A root as its store names it: ``mlflow-artifacts:/<path>`` under the destination."""
    parts = urlsplit(root)
    if parts.scheme.lower() != PROXY_SCHEME or parts.netloc:
        return root
    return destination.rstrip("/") + "/" + parts.path.lstrip("/")


def _inside(uri: str, root: str) -> bool:
    """Whether ``uri`` lies in ``root``: same scheme and host or bucket, and the root's
    path segments first (the source rule already refused ``..`` segments)."""
    a, b = urlsplit(uri), urlsplit(root)
    if a.scheme.lower() != b.scheme.lower() or a.netloc != b.netloc:
        return False
    root_segments = [s for s in b.path.split("/") if s]
    segments = [s for s in a.path.split("/") if s]
    return bool(root_segments) and segments[: len(root_segments)] == root_segments
