"""Entry-point parameters: types, defaults, checks, and the command they produce."""

from __future__ import annotations

import math
import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heron.exceptions import ExecutionException

if TYPE_CHECKING:
    from heron.projects.spec import EntryPoint

PARAMETER_TYPES = ("string", "float", "path", "uri")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: ``name: type`` or ``name: {type: ..., default: ...}``."""

    name: str
    type: str = "string"
    default: Any = None


def parse_parameter(name: str, declaration: Any) -> Parameter:
    """The :class:`Parameter` for one entry of an entry point's ``parameters``.

    Raises:
        ExecutionException: An unknown type or a malformed declaration.
    """
    if isinstance(declaration, str):
        kind, default = declaration, None
    elif isinstance(declaration, dict):
        kind, default = declaration.get("type", "string"), declaration.get("default")
        unknown = set(declaration) - {"type", "default"}
        if unknown:
            raise ExecutionException(f"Parameter '{name}' has unknown fields {sorted(unknown)}.")
    elif declaration is None:
        kind, default = "string", None
    else:
        raise ExecutionException(
            f"Parameter '{name}' must be a type name or a mapping with 'type' and 'default'."
        )
    if kind not in PARAMETER_TYPES:
        raise ExecutionException(
            f"Parameter '{name}' has unknown type {kind!r}; expected one of "
            f"{list(PARAMETER_TYPES)}."
        )
    return Parameter(name, str(kind), default)


def _is_local(value: str) -> bool:
    return (
        value.startswith("file:") or not _URI.match(value) or bool(re.match(r"^[A-Za-z]:\\", value))
    )


def compute_value(parameter: Parameter, value: Any, storage_dir: Path | None) -> str:
    """The checked value of one parameter, as text.

    ``float`` must parse as a finite number; ``uri`` must look like one (``scheme:...`` or a
    path); ``path`` values that are local must exist and are made absolute, remote ones are
    downloaded into ``storage_dir`` when one is given.
    """
    text = str(value)
    if parameter.type == "float":
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if math.isnan(number) or math.isinf(number):
            raise ExecutionException(f"Parameter '{parameter.name}' must be a float, got {text!r}.")
        return text
    if parameter.type == "uri":
        if not text or not (_URI.match(text) or text.startswith(("/", "."))):
            raise ExecutionException(f"Expected URI for parameter {parameter.name} but got {text}")
        return text
    if parameter.type == "path":
        if _is_local(text):
            local = text.removeprefix("file://") if text.startswith("file://") else text
            local = local.removeprefix("file:")
            if not os.path.exists(local):
                raise ExecutionException(
                    f"Got value {text} for parameter {parameter.name}, but no such file or "
                    "directory was found."
                )
            return os.path.abspath(local)
        if storage_dir is not None:
            return _download(parameter, text, storage_dir)
    return text


def _download(parameter: Parameter, uri: str, storage_dir: Path) -> str:
    from heron.artifacts import download_artifacts

    target = storage_dir / f"param_{parameter.name}"
    target.mkdir(parents=True, exist_ok=True)
    return download_artifacts(artifact_uri=uri, dst_path=str(target))


def compute_parameters(
    entry_point: EntryPoint, user_parameters: Mapping[str, Any], storage_dir: Path | None
) -> tuple[dict[str, str], dict[str, str]]:
    """``(declared, extra)`` resolved values; extra ones are those the entry point lacks.

    Raises:
        ExecutionException: A required parameter (no default) is missing, or a value has the
            wrong type; the message names the parameter.
    """
    missing = [
        name
        for name, declared in entry_point.parameters.items()
        if name not in user_parameters and declared.default is None
    ]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise ExecutionException(f"No value given for missing parameters: {names}")
    declared_values: dict[str, str] = {}
    for name, declared in entry_point.parameters.items():
        value = user_parameters.get(name, declared.default)
        declared_values[name] = compute_value(declared, value, storage_dir)
    extra = {
        str(key): str(value)
        for key, value in user_parameters.items()
        if key not in entry_point.parameters
    }
    return declared_values, extra


def compute_command(
    entry_point: EntryPoint, user_parameters: Mapping[str, Any], storage_dir: Path | None
) -> str:
    """The shell command: placeholders filled with quoted values, extras as ``--key value``.

    Raises:
        ExecutionException: As :func:`compute_parameters`, or a placeholder the entry point
            does not declare.
    """
    declared, extra = compute_parameters(entry_point, user_parameters, storage_dir)
    quoted = {name: shlex.quote(value) for name, value in declared.items()}
    try:
        command = entry_point.command.format(**quoted)
    except KeyError as error:
        raise ExecutionException(
            f"Entry point '{entry_point.name}' command uses {{{error.args[0]}}}, which is not "
            "one of its parameters."
        ) from None
    except (IndexError, ValueError) as error:
        raise ExecutionException(
            f"Entry point '{entry_point.name}' command is not a valid template: {error}"
        ) from None
    parts = [command]
    parts.extend(f"--{shlex.quote(key)} {shlex.quote(value)}" for key, value in extra.items())
    return " ".join(parts)
