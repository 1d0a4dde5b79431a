"""Which experiment artifact locations a server accepts, and how it reaches stored ones.

At ``experiments/create`` a location is refused with 400 INVALID_PARAMETER_VALUE (MLflow
3.17's rules, a little stricter where a location could be misread later) when it:

- has a fragment (``#``) or ``;`` parameters, or is a ``runs:/`` URI;
- has a query string holding ``..`` (any URI), or any query string on a ``file:`` URI
  (``file:///etc?x=1`` would otherwise make a run's root resolve to ``/etc``);
- holds NUL or control characters, also behind percent-encoding (``file:///etc/%00``);
- has a ``..`` path segment, also behind percent-encoding (``mlflow-artifacts:/../x``:
  its runs' artifacts could never be read or written);
- names a host the server must not connect to
  (:func:`heron.store.artifacts.host_policy.check_uri_host`);
- is longer than MLflow's limit.

A stored location (written before these rules, or straight into the database) goes through
the host policy again whenever the server builds a repository for it
(:meth:`heron.server.services.Services.artifact_repository`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from heron.exceptions import InvalidParameter
from heron.server.settings import ServerSettings
from heron.store.artifacts.host_policy import check_uri_host
from heron.store.artifacts.paths import percent_decodings
from heron.validation import validate_artifact_location

FIELD = "artifact_location"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def server_roots(settings: ServerSettings) -> tuple[str, ...]:
    """The artifact roots the server itself was configured with (trusted hosts)."""
    roots = [settings.artifact_root, settings.artifacts_destination]
    return tuple(root for root in roots if root)


def check_artifact_location(location: str, settings: ServerSettings) -> None:
    """Refuse an experiment artifact location a client asked for (see the module doc).

    Raises:
        InvalidParameter: The location is refused.
    """
    validate_artifact_location(location)
    parts = urlsplit(location)
    if "\x00" in location or _has_control(location):
        raise InvalidParameter(
            f"'{FIELD}' cannot hold NUL or control characters (also percent-encoded)."
        )
    if _has_parent_segment(parts.path):
        raise InvalidParameter(f"'{FIELD}' cannot have '..' path segments.")
    if parts.query:
        if ".." in unquote(parts.query):
            raise InvalidParameter(f"'{FIELD}' query strings cannot hold '..'.")
        if parts.scheme.lower() == "file" or len(parts.scheme) <= 1:
            raise InvalidParameter(f"'{FIELD}' file URIs cannot have a query string.")
    check_uri_host(location, server_roots(settings), FIELD)


def _has_parent_segment(path: str) -> bool:
    forms = percent_decodings(path)
    return forms is None or any(".." in form.replace("\\", "/").split("/") for form in forms)


def _has_control(text: str) -> bool:
    forms = percent_decodings(text)
    return forms is None or any(_CONTROL.search(form) for form in forms)
