"""Model URIs as text (spec 14.1): which kind a URI is and its parts. No resolution here.

Resolving ``runs:/`` and ``models:/`` needs a tracking client; that lives in
:mod:`heron.artifacts`.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlparse

from heron.exceptions import InvalidParameter

MODELS_SCHEME = "models"
_LOGGED_MODEL_ID = re.compile(r"^m-[0-9a-f]{32}$")


def local_path(uri: str | os.PathLike[str]) -> str | None:
    """The local filesystem path a plain path or ``file:`` URI names; None for other URIs."""
    text = os.fspath(uri)
    parsed = urlparse(text)
    if len(parsed.scheme) <= 1:  # a plain path or a Windows drive letter
        return os.path.abspath(text)
    if parsed.scheme.lower() == "file":
        if parsed.netloc not in ("", "localhost"):
            raise InvalidParameter(f"file: URIs with a remote host are not supported: {text}")
        return os.path.abspath(unquote(parsed.path))
    return None


def is_models_uri(uri: str) -> bool:
    """Whether ``uri`` is a ``models:`` URI."""
    return urlparse(uri).scheme.lower() == MODELS_SCHEME


def parse_logged_model_uri(uri: str) -> tuple[str, str]:
    """Split ``models:/m-<hex>[/<path>]`` into the logged model id and a path inside it.

    Raises:
        InvalidParameter: Not a ``models:/`` URI naming a logged model id. Registered
            models (``models:/<name>/<version>``, ``models:/<name>@<alias>``) are not
            supported yet.
    """
    parsed = urlparse(uri)
    if parsed.scheme.lower() != MODELS_SCHEME or parsed.netloc:
        raise InvalidParameter(f"Not a proper models:/ URI: {uri}")
    first, _, rest = parsed.path.lstrip("/").partition("/")
    if not _LOGGED_MODEL_ID.match(first):
        raise InvalidParameter(
            f"Unsupported models:/ URI '{uri}': only logged model ids (models:/m-<32 hex>) "
            "are supported until the model registry arrives"
        )
    return first, rest.strip("/")
