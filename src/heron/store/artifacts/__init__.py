"""Artifact repositories: where files logged to runs live, chosen by URI scheme."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from heron.exceptions import InvalidParameter
from heron.store.artifacts.base import ArtifactRepository

RepositoryFactory = Callable[[str], ArtifactRepository]
_FACTORIES: dict[str, RepositoryFactory] = {}


def register_artifact_repository(scheme: str, factory: RepositoryFactory) -> None:
    """Make ``factory`` handle artifact URIs of ``scheme`` (``""`` for plain paths)."""
    _FACTORIES[scheme] = factory


def _s3_repository(artifact_uri: str) -> ArtifactRepository:
    from heron.store.artifacts.s3 import S3ArtifactRepository  # boto3 only when used

    return S3ArtifactRepository(artifact_uri)


def _proxied_repository(artifact_uri: str) -> ArtifactRepository:
    from heron.store.artifacts.http import HttpArtifactRepository

    return HttpArtifactRepository(artifact_uri)


register_artifact_repository("s3", _s3_repository)
for _scheme in ("mlflow-artifacts", "http", "https"):
    register_artifact_repository(_scheme, _proxied_repository)


def get_artifact_repository(
    artifact_uri: str, tracking_uri: str | None = None
) -> ArtifactRepository:
    """The repository for an artifact URI, chosen by its scheme.

    Built in: plain paths and ``file:``, ``s3:``, and ``mlflow-artifacts:`` / ``http(s):``
    (a tracking server's artifact proxy); more with :func:`register_artifact_repository`.

    Args:
        artifact_uri: Where the artifacts are.
        tracking_uri: The server an ``mlflow-artifacts:/`` URI is relative to (a client's
            own tracking URI); default: the configured tracking URI.
    """
    scheme = urlparse(artifact_uri).scheme.lower()
    if scheme == "mlflow-artifacts" and tracking_uri is not None:
        from heron.store.artifacts.http import resolve_proxied_uri

        artifact_uri = resolve_proxied_uri(artifact_uri, tracking_uri)
        scheme = urlparse(artifact_uri).scheme.lower()
    if len(scheme) == 1:  # a Windows drive letter, not a scheme
        scheme = ""
    if scheme in ("", "file"):
        from heron.store.artifacts.local import LocalArtifactRepository

        return LocalArtifactRepository(artifact_uri)
    factory = _FACTORIES.get(scheme)
    if factory is None:
        raise InvalidParameter(
            f"Could not find an artifact repository for '{artifact_uri}'. Supported schemes: "
            f"{', '.join(['file', *sorted(_FACTORIES)])}"
        )
    return factory(artifact_uri)
