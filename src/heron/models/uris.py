"""Model URIs as text (spec 14.1): which kind a URI is and its parts. No resolution here.

``models:/`` URIs name a registered model version or a logged model:

- ``models:/<name>/<version>``: a version number;
- ``models:/<name>/<stage>``: the latest version in a stage (any case);
- ``models:/<name>/latest``: the latest version of all (any case);
- ``models:/<name>@<alias>``: the version an alias points at;
- ``models:/<model_id>``: a logged model (MLflow 3.x).

Resolving them needs a tracking client and the registry; that lives in
:mod:`heron.artifacts`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlparse

from heron.exceptions import InvalidParameter

MODELS_SCHEME = "models"
LATEST = "latest"
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
        if parsed.query or parsed.fragment or parsed.params:
            # file:///etc?x=1/run/artifacts is not a directory under /etc?x=1
            raise InvalidParameter(f"file: URIs cannot have a query or fragment: {text}")
        return os.path.abspath(unquote(parsed.path))
    return None


def is_models_uri(uri: str | os.PathLike[str]) -> bool:
    """Whether ``uri`` is a ``models:`` URI."""
    return urlparse(os.fspath(uri)).scheme.lower() == MODELS_SCHEME


@dataclass(frozen=True)
class ModelUri:
    """The parts of a ``models:/`` URI; exactly one way of naming a model is set.

    Attributes:
        model_id: A logged model's id (``models:/<model_id>``).
        name: A registered model's name (every other form).
        version: A version number (``models:/<name>/<version>``).
        stage: A canonical stage name (``models:/<name>/<stage>``).
        alias: An alias (``models:/<name>@<alias>``).
        path: A path inside the model's files (only from :func:`split_model_uri`).
    """

    model_id: str | None = None
    name: str | None = None
    version: int | None = None
    stage: str | None = None
    alias: str | None = None
    path: str = ""

    @property
    def is_latest(self) -> bool:
        """Whether this names a registered model's latest version of all stages."""
        return self.name is not None and (self.version, self.stage, self.alias) == (None,) * 3


def improper_model_uri(uri: str) -> InvalidParameter:
    """The error for a malformed ``models:/`` URI, with MLflow's message."""
    return InvalidParameter(
        f"Not a proper models:/ URI: {uri}. Models URIs must be of the form "
        f"'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, "
        f"or the string '{LATEST}' and where alias is a registered model alias. "
        "Only one of suffix or alias can be defined at a time."
    )


def _segments(uri: str) -> list[str]:
    parsed = urlparse(uri, allow_fragments=False)
    if parsed.scheme.lower() != MODELS_SCHEME or parsed.netloc or parsed.query:
        raise improper_model_uri(uri)
    if not parsed.path.startswith("/") or len(parsed.path) <= 1:
        raise improper_model_uri(uri)
    segments = parsed.path.lstrip("/").split("/")
    if segments[0].strip() == "":
        raise improper_model_uri(uri)
    return segments


def _reference(uri: str, segments: list[str]) -> ModelUri:
    """A :class:`ModelUri` from one or two path segments."""
    if len(segments) == 2:
        name, suffix = segments
        if suffix.strip() == "":
            raise improper_model_uri(uri)
        if suffix.isdigit():
            return ModelUri(name=name, version=int(suffix))
        if suffix.lower() == LATEST:
            return ModelUri(name=name)
        # Here, not at the top: loading a model from a path must not import the entities.
        from heron.entities.registry import ModelVersionStage

        return ModelUri(name=name, stage=ModelVersionStage.coerce(suffix).value)
    name, at, alias = segments[0].rpartition("@")
    if at:
        if not name or alias.strip() == "":
            raise improper_model_uri(uri)
        return ModelUri(name=name, alias=alias)
    return ModelUri(model_id=segments[0])


def parse_model_uri(uri: str) -> ModelUri:
    """Parse a ``models:/`` URI of any form of spec 14.1 (more than two segments are invalid).

    Raises:
        InvalidParameter: Not a well-formed ``models:/`` URI, or an unknown stage.
    """
    segments = _segments(uri)
    if len(segments) > 2:
        raise improper_model_uri(uri)
    return _reference(uri, segments)


def split_model_uri(uri: str) -> ModelUri:
    """Parse a ``models:/`` URI that may go on with a path inside the model's files.

    ``models:/<name>/<suffix>/<path>``, ``models:/<name>@<alias>/<path>`` and
    ``models:/m-<id>/<path>`` (a logged model id) keep ``<path>`` in
    :attr:`ModelUri.path`, as MLflow's artifact download does.

    Raises:
        InvalidParameter: Not a well-formed ``models:/`` URI, or an unknown stage.
    """
    segments = _segments(uri.rstrip("/"))
    first = segments[0]
    cut = 1 if "@" in first or _LOGGED_MODEL_ID.match(first) else 2
    head, rest = segments[:cut], segments[cut:]
    reference = _reference(uri, head)
    path = "/".join(rest)
    return replace(reference, path=path) if path else reference
