"""MLflow's ``mlruns`` folder layout: names, confined paths, and safe file writes.

Every write that replaces a file goes through a temporary file in the same directory tree
and ``os.replace``, so a reader (or a crash) never sees half a file; metric points are
appended with one ``write`` on an ``O_APPEND`` descriptor, so concurrent writers never
interleave inside a line. Read-modify-write changes of one run (its ``meta.yaml``) hold
an exclusive ``flock`` on the run's directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import uuid
from collections.abc import Iterator
from typing import Any

import yaml

from heron.exceptions import InvalidParameter

TRASH = ".trash"
META = "meta.yaml"
METRICS = "metrics"
PARAMS = "params"
TAGS = "tags"
ARTIFACTS = "artifacts"
DATASETS = "datasets"
INPUTS = "inputs"
OUTPUTS = "outputs"
MODELS = "models"
TRACES = "traces"
RESERVED_EXPERIMENT_FOLDERS = frozenset({TAGS, DATASETS, TRACES, MODELS})
"""Folders of an experiment directory that are not runs."""
REGISTRY_FOLDER = "models"
"""The registry's folder at the root (not an experiment)."""
TEMP_PREFIX = ".heron-tmp-"

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def confined(parent: str, relative: str) -> str:
    """``parent/relative`` for a key that may hold ``/``; refuses paths that leave ``parent``.

    Raises:
        InvalidParameter: ``relative`` is empty, absolute, or climbs out with ``..``.
    """
    parts = relative.split("/")
    if not relative or relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise InvalidParameter(f"Invalid name {relative!r}: it must be a relative path")
    return os.path.join(parent, *parts)


def read_yaml(path: str) -> dict[str, Any]:
    """A YAML mapping file's contents; an empty or non-mapping file gives ``{}``.

    The flat ``meta.yaml`` files MLflow writes (one ``key: scalar`` a line) are read by a
    small exact parser; anything else goes to the YAML library.
    """
    text = read_text(path)
    flat = _flat_yaml(text)
    if flat is not None:
        return flat
    data = yaml.load(text, Loader=_Loader)  # a safe loader
    return data if isinstance(data, dict) else {}


_PLAIN_INT = re.compile(r"-?[0-9]+")
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9/](?:[\w./:@+ -]*[\w./@+-])?")
# Plain scalars YAML would read as something other than text (ints in other bases, dates).
_NOT_TEXT = re.compile(r"0[xXbBoO]|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_YAML_WORDS = frozenset(
    (
        "null",
        "Null",
        "NULL",
        "~",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "yes",
        "Yes",
        "YES",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        ".inf",
        ".Inf",
        ".INF",
        ".nan",
        ".NaN",
        ".NAN",
        "y",
        "Y",
        "n",
        "N",
    )
)


def _flat_yaml(text: str) -> dict[str, Any] | None:
    """``text`` as a flat mapping when every line is ``key: value`` with a value this
    parser reads exactly as YAML does (null, an integer, ``[]``/``{}``, a single-quoted
    string without line breaks, or a plain word of path-like characters); else None."""
    found: dict[str, Any] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if not sep:
            return None
        if not key or not key.replace("_", "").isalnum():
            return None
        if value == "null":
            found[key] = None
        elif value == "[]":
            found[key] = []
        elif value == "{}":
            found[key] = {}
        elif len(value) >= 2 and value[0] == "'" and value[-1] == "'":
            inner = value[1:-1]
            if "'" in inner.replace("''", ""):
                return None
            found[key] = inner.replace("''", "'")
        elif _PLAIN_INT.fullmatch(value) and (
            value.lstrip("-") == "0" or value.lstrip("-")[0] != "0"
        ):
            found[key] = int(value)
        elif (
            _PLAIN_TEXT.fullmatch(value)
            and value not in _YAML_WORDS
            and ": " not in value
            and " #" not in value
            and not _NOT_TEXT.match(value)
            and not _looks_numeric(value)
        ):
            found[key] = value
        else:
            return None
    return found


def _looks_numeric(value: str) -> bool:
    try:
        float(value.replace("_", ""))
    except ValueError:
        return value.count(":") > 0 and value.replace(":", "").isdigit()
    return True


def dump_yaml(data: dict[str, Any]) -> str:
    """``data`` as MLflow writes it: block style, unicode kept, keys sorted."""
    text: str = yaml.dump(
        data, default_flow_style=False, allow_unicode=True, sort_keys=True, Dumper=_Dumper
    )
    return text


def write_yaml(path: str, data: dict[str, Any]) -> None:
    """Write (or atomically replace) a YAML file."""
    write_text(path, dump_yaml(data))


def write_text(path: str, text: str) -> None:
    """Write (or atomically replace) a text file, creating its parent directories."""
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    temp = _temp_path(path)
    try:
        with open(temp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def create_text(path: str, text: str) -> bool:
    """Create a text file with ``text`` unless it exists; whether this call created it.

    The file appears whole (a hard link of a finished temporary file), so of two
    concurrent writers exactly one creates it and the other sees the complete content.
    """
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = _temp_path(path)
    try:
        with open(temp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def append_lines(path: str, lines: list[str]) -> None:
    """Append lines to a file in one ``write`` (other appenders never split them)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = "".join(lines).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        written = os.write(fd, data)
        while written < len(data):  # only for huge batches; each line still whole
            written += os.write(fd, data[written:])
    finally:
        os.close(fd)


def read_text(path: str) -> str:
    """A text file's contents, exactly (no newline stripped)."""
    fd = os.open(path, os.O_RDONLY)  # a plain descriptor: several times cheaper than open()
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8")


def read_tail_lines(path: str, size: int = 65536) -> list[str]:
    """The whole lines (newline included) in the last ``size`` bytes of a file."""
    try:
        with open(path, "rb") as handle:
            end = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, end - size))
            data = handle.read()
    except (FileNotFoundError, NotADirectoryError):
        return []
    lines = data.decode("utf-8", errors="replace").splitlines(keepends=True)
    return lines[1:] if end > size else lines


def read_key_files(directory: str) -> dict[str, str]:
    """``{key: contents}`` of every file under ``directory`` (keys may contain ``/``)."""
    found: dict[str, str] = {}
    for key, path in key_files(directory):
        with contextlib.suppress(FileNotFoundError):  # deleted meanwhile
            found[key] = read_text(path)
    return found


def key_files(directory: str) -> Iterator[tuple[str, str]]:
    """``(key, path)`` of every file under ``directory``, skipping temporary files."""
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name.startswith(TEMP_PREFIX):
            continue
        if entry.is_dir(follow_symlinks=False):
            for key, path in key_files(entry.path):
                yield f"{entry.name}/{key}", path
        elif entry.is_file(follow_symlinks=False):
            yield entry.name, entry.path


@contextlib.contextmanager
def locked(directory: str) -> Iterator[None]:
    """Hold an exclusive lock on a directory (one run's or model's read-modify-write)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _temp_path(path: str) -> str:
    # In the target's folder (os.replace and os.link need the same file system);
    # readers skip names with this prefix.
    return os.path.join(os.path.dirname(path), f"{TEMP_PREFIX}{uuid.uuid4().hex}")
