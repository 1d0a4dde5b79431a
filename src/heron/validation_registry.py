"""Validation of model-registry input, with MLflow's limits and messages.

The registry's half of :mod:`heron.validation` (kept apart so neither module grows past a
screenful of rules): registered model names, aliases, version numbers, registry tags,
descriptions. Every registry store calls these before it touches its backend, so all of
them refuse the same input with the same INVALID_PARAMETER_VALUE message.
"""

from __future__ import annotations

import posixpath
import re

from heron.exceptions import InvalidParameter
from heron.validation import validate_key

MAX_MODEL_NAME_LENGTH = 256
MAX_ALIAS_LENGTH = 255
MAX_REGISTRY_TAG_VALUE_LENGTH = 100_000
MAX_DESCRIPTION_LENGTH = 5000
RESERVED_ALIAS_LATEST = "latest"

_ALIAS_RE = re.compile(r"^[\w\-]*$")
_VERSION_ALIAS_RE = re.compile(r"^[vV]\d+$")
_INTEGER_RE = re.compile(r"^\s*[-+]?\d+\s*$")
_MODEL_NAME_FORBIDDEN = ("/", ":")


def missing_value(parameter: str) -> str:
    """MLflow's message for a required parameter that is absent or blank."""
    return f"Missing value for required parameter '{parameter}'."


def _too_long(parameter: str, limit: int) -> InvalidParameter:
    return InvalidParameter(f"'{parameter}' exceeds the maximum length of {limit} characters")


def validate_model_name(name: object, parameter: str = "name") -> str:
    """Check a registered model name.

    A name is a non-blank string of at most 256 characters, without ``/`` or ``:``, that
    a POSIX ``normpath`` leaves unchanged (it appears in ``models:/<name>/...`` URIs).

    Args:
        name: The name to check.
        parameter: How the request calls it (``name``, ``new_name``), for messages.

    Raises:
        InvalidParameter: With MLflow's message.
    """
    if name is None or (isinstance(name, str) and not name.strip()):
        raise InvalidParameter(missing_value(parameter))
    if not isinstance(name, str):
        raise InvalidParameter(f"Invalid model name {name!r}. Names must be strings.")
    if any(char in name for char in _MODEL_NAME_FORBIDDEN):
        raise InvalidParameter(f"Invalid model name '{name}'. Names cannot contain '/' or ':'.")
    norm = posixpath.normpath(name)
    if norm != name or norm == "." or norm.startswith(".."):
        raise InvalidParameter(
            f"Invalid value \"{name}\" for parameter '{parameter}' supplied: Names may be "
            "treated as files in certain cases, and must not resolve to other names when "
            f"treated as such. This name would resolve to '{norm}'"
        )
    if len(name) > MAX_MODEL_NAME_LENGTH:
        raise _too_long(parameter, MAX_MODEL_NAME_LENGTH)
    return name


def validate_version(version: object) -> int:
    """A version number as an ``int``, from an int or a string of one.

    Raises:
        InvalidParameter: "Parameter 'version' must be an integer, got '<value>'."
    """
    if isinstance(version, int) and not isinstance(version, bool):
        return version
    if isinstance(version, str) and _INTEGER_RE.match(version):
        return int(version)
    raise InvalidParameter(f"Parameter 'version' must be an integer, got '{version}'.")


def validate_alias(alias: object) -> str:
    """Check an alias name: non-empty, word characters and dashes, at most 255 characters.

    Raises:
        InvalidParameter: With MLflow's message.
    """
    if alias is None or alias == "":
        raise InvalidParameter("Registered model alias name cannot be empty.")
    if not isinstance(alias, str) or not _ALIAS_RE.match(alias):
        raise InvalidParameter(
            f"Invalid alias name: '{alias}'. Names may only contain alphanumerics, "
            "underscores (_), and dashes (-)."
        )
    if len(alias) > MAX_ALIAS_LENGTH:
        raise _too_long("Registered model alias name", MAX_ALIAS_LENGTH)
    return alias


def validate_new_alias(alias: object) -> str:
    """Check an alias about to be set: :func:`validate_alias`, and not a reserved name.

    ``latest`` (any case) and ``v<digits>`` are reserved: ``models:/<name>@latest`` and
    version references would be ambiguous.

    Raises:
        InvalidParameter: With MLflow's message.
    """
    name = validate_alias(alias)
    if name.lower() == RESERVED_ALIAS_LATEST:
        raise InvalidParameter("'latest' alias name (case insensitive) is reserved.")
    if _VERSION_ALIAS_RE.match(name):
        raise InvalidParameter(f"Version alias name '{name}' is reserved.")
    return name


def validate_registry_tag(key: object, value: object, *, version_tag: bool = False) -> str:
    """Check a registered-model or model-version tag and return its value as stored.

    Keys follow the run-tag rules (:func:`heron.validation.validate_key`, 250 characters);
    values may have up to 100000 characters. A registered model tag without a value is
    stored as ``""``; a version tag must have one.

    Raises:
        InvalidParameter: With MLflow's message.
    """
    validate_key(key, "tag")
    if value is None:
        if version_tag:
            raise InvalidParameter("Tag value cannot be None")
        return ""
    text = str(value)
    if len(text) > MAX_REGISTRY_TAG_VALUE_LENGTH:
        raise _too_long("value", MAX_REGISTRY_TAG_VALUE_LENGTH)
    return text


def validate_description(description: object) -> str | None:
    """A description as stored: None for none or ``""``, else at most 5000 characters.

    Raises:
        InvalidParameter: For a non-string or an over-long description.
    """
    if description is None or description == "":
        return None
    if not isinstance(description, str):
        raise InvalidParameter(f"Invalid description {description!r}. Expects a string.")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise _too_long("description", MAX_DESCRIPTION_LENGTH)
    return description
