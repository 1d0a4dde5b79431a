"""``runs:/`` URIs and joining artifact URIs with run-relative paths."""

from __future__ import annotations

from urllib.parse import urlparse, urlunparse

from heron.exceptions import InvalidParameter
from heron.store.artifacts.paths import safe_relative_path

RUNS_SCHEME = "runs"


def is_runs_uri(uri: str) -> bool:
    """Whether ``uri`` is a ``runs:`` URI."""
    return urlparse(uri).scheme.lower() == RUNS_SCHEME


def _invalid_runs_uri(uri: str) -> InvalidParameter:
    return InvalidParameter(
        f"Not a proper runs:/ URI: {uri}. Runs URIs must be of the form "
        f"'runs:/<run_id>/run-relative/path/to/artifact'"
    )


def parse_runs_uri(uri: str) -> tuple[str, str]:
    """Split ``runs:/<run_id>/<path>`` into the run id and the run-relative path.

    Returns:
        ``(run_id, path)``; ``path`` is ``""`` for the run's artifact root.

    Raises:
        InvalidParameter: Not a ``runs:`` URI, a host is given (``runs://host/...``), the
            run id is missing or malformed, or the path could leave the run's artifacts.
    """
    parsed = urlparse(uri)
    if parsed.scheme.lower() != RUNS_SCHEME or parsed.netloc or parsed.query or parsed.fragment:
        raise _invalid_runs_uri(uri)
    run_id, _, path = parsed.path.lstrip("/").partition("/")
    if not run_id:
        raise _invalid_runs_uri(uri)
    from heron.validation import validate_run_id  # with the entities: not for local paths

    return validate_run_id(run_id), safe_relative_path(path)


def runs_uri(run_id: str, artifact_path: str | None = None) -> str:
    """The ``runs:/`` URI of an artifact path of a run (the artifact root for None)."""
    from heron.validation import validate_run_id

    run_id = validate_run_id(run_id)
    path = safe_relative_path(artifact_path)
    return f"runs:/{run_id}/{path}" if path else f"runs:/{run_id}"


def join_artifact_uri(artifact_uri: str, artifact_path: str | None = None) -> str:
    """An artifact URI (or plain path) extended by a run-relative path.

    Args:
        artifact_uri: A run's ``artifact_uri``: ``file:///...``, ``s3://...``, a path, ...
        artifact_path: A ``/``-separated path under it; None or ``""`` gives the URI itself.

    Raises:
        InvalidParameter: The path could leave the artifact root.
    """
    path = safe_relative_path(artifact_path)
    if not path:
        return artifact_uri
    parsed = urlparse(artifact_uri)
    if len(parsed.scheme) <= 1:  # a plain path (or a Windows drive letter)
        return artifact_uri.rstrip("/\\") + "/" + path
    return urlunparse(parsed._replace(path=parsed.path.rstrip("/") + "/" + path))
