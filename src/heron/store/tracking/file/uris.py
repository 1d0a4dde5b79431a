"""Which tracking URIs name an ``mlruns`` folder, and the folder they name."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from heron.exceptions import InvalidParameter

# Names MLflow gives a meaning other than a folder (Databricks workspaces and profiles).
_PROFILE_NAMES = frozenset({"databricks", "databricks-uc", "uc"})


def is_folder_uri(uri: str) -> bool:
    """Whether ``uri`` is a plain path (``./mlruns``, ``/data/mlruns``) or a ``file:`` URI."""
    if uri.split(":", 1)[0].lower() in _PROFILE_NAMES:
        return False
    scheme = urlsplit(uri).scheme.lower()
    return scheme == "file" or len(scheme) <= 1  # one letter: a Windows drive


def mlruns_path(uri: str) -> str:
    """The absolute folder of a plain path or ``file:`` URI (``file:./mlruns``,
    ``file:///abs/mlruns``, ``file://localhost/abs``).

    Raises:
        InvalidParameter: a ``file:`` URI naming another host, or an empty path.
    """
    parts = urlsplit(uri)
    if parts.scheme.lower() != "file":
        path = os.path.expanduser(uri)
    else:
        if parts.netloc not in ("", "localhost"):
            raise InvalidParameter(
                f"File URI '{uri}' names host '{parts.netloc}': only local folders are supported"
            )
        path = unquote(parts.path)
    if not path:
        raise InvalidParameter(f"Tracking URI '{uri}' names no folder")
    return os.path.abspath(path)
