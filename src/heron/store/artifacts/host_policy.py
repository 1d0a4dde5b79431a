"""Which hosts a tracking server may connect to for an artifact location (GHSA-mr9f-g8qf-4w4j).

Some artifact URIs name a host to connect to: ``http``, ``https``, ``mlflow-artifacts://host``,
``ftp``, ``sftp``, ``hdfs``, ``viewfs``, ``r2``, ``b2``, ``abfss``. A server that built a
repository from such a location, stored by any client, would connect wherever the client
chose (cloud metadata at ``169.254.169.254``, internal services). As MLflow 3.17's server
does, a Heron server only connects to the hosts of its own ``--default-artifact-root`` and
``--artifacts-destination`` (scheme family, host and port compared), unless the operator
allows a scheme on any host with ``HERON_``/``MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES``
(e.g. ``http,https``). Locations are checked when an experiment is created and again each
time the server builds a repository for a stored location.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from heron import config
from heron.exceptions import InvalidParameter

HOST_ADDRESSED_SCHEMES = frozenset(
    {"ftp", "sftp", "hdfs", "viewfs", "http", "https", "mlflow-artifacts", "r2", "b2", "abfss"}
)
_FAMILIES = {"viewfs": "hdfs", "https": "http", "mlflow-artifacts": "http"}
"""Schemes that reach the same service (compared as one)."""
_DEFAULT_PORTS: dict[str, tuple[int, ...]] = {
    "ftp": (21,),
    "sftp": (22,),
    "http": (80,),
    "https": (443,),
    "mlflow-artifacts": (80, 443),
    "r2": (443,),
    "b2": (443,),
    "abfss": (443,),
}
_MALFORMED = "malformed"

Target = tuple[str, str, "int | None"]


def uri_targets(uri: str) -> frozenset[Target] | None:
    """The ``(scheme family, host, port)`` targets ``uri`` makes a server connect to, or
    None when it names no host (a path, ``s3://``, ``mlflow-artifacts:/<path>``, ...).

    A URI without a port stands for its scheme's well-known ports; an authority that HTTP
    clients and :func:`urllib.parse.urlsplit` could read differently (a backslash, blanks,
    a bad port) is a target no configured root matches.
    """
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme not in HOST_ADDRESSED_SCHEMES:
        return None
    if scheme == "mlflow-artifacts" and not parts.netloc:
        return None
    if "\\" in parts.netloc or any(char.isspace() for char in parts.netloc):
        return frozenset({(_MALFORMED, parts.netloc, None)})
    try:
        port = parts.port
    except ValueError:
        return frozenset({(_MALFORMED, parts.netloc, None)})
    family = _FAMILIES.get(scheme, scheme)
    host = (parts.hostname or "").lower()
    ports = (port,) if port is not None else _DEFAULT_PORTS.get(scheme, (None,))
    return frozenset((family, host, each) for each in ports)


def allowed_schemes() -> frozenset[str]:
    """The schemes the operator allows on any host (the setting, comma-separated)."""
    text = config.ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES.get() or ""
    return frozenset(part.strip().lower() for part in text.split(",") if part.strip())


def trusted_targets(roots: Iterable[str | None]) -> frozenset[Target]:
    """The targets of the server's own artifact roots (roots naming no host add none)."""
    found: set[Target] = set()
    for root in roots:
        if root:
            found |= uri_targets(root) or set()
    return frozenset(found)


def is_trusted(uri: str, roots: Iterable[str | None]) -> bool:
    """Whether ``uri`` connects to the host of one of the server's own artifact ``roots``."""
    targets = uri_targets(uri)
    return targets is not None and bool(targets & trusted_targets(roots))


def check_uri_host(uri: str, roots: Iterable[str | None], field_name: str | None = None) -> None:
    """Refuse a location whose host a server must not connect to.

    Args:
        uri: The artifact location.
        roots: The server's ``--default-artifact-root`` and ``--artifacts-destination``.
        field_name: The request field that carried ``uri`` (for the message), or None for a
            stored location.

    Raises:
        InvalidParameter: ``uri`` names a host other than the roots' and its scheme is not
            allowed by ``ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES``.
    """
    targets = uri_targets(uri)
    if targets is None:
        return
    scheme = urlsplit(uri).scheme.lower()
    if scheme in allowed_schemes() or targets & trusted_targets(roots):
        return
    reason = (
        f"the '{scheme}' scheme addresses a host other than the tracking server's configured "
        "artifact storage, so the server would connect to the host named in the URI"
    )
    hint = (
        f"Set the {config.ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES.env_names[0]} (or "
        f"{config.ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES.env_names[1]}) environment variable "
        "on the server to allow it."
    )
    if field_name is not None:
        raise InvalidParameter(f"'{field_name}' cannot use the '{scheme}' scheme: {reason}. {hint}")
    raise InvalidParameter(
        f"The tracking server does not connect to this artifact location: {reason}. {hint}"
    )
