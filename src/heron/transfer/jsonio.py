"""Bundle JSON files: atomic writes, checked reads, and mlflow-export-import's envelope.

Every file the current mlflow-export-import writes has up to three sections: ``system``
(who wrote it, when, from where), ``info`` (options and statistics) and ``mlflow`` (the
payload). Files of the older layout have no envelope: their payload is the whole file.
"""

from __future__ import annotations

import getpass
import json
import os
import platform
import tempfile
import time
from datetime import datetime, timezone
from typing import Any

import orjson

from heron.protocol import MLFLOW_VERSION
from heron.transfer.errors import CorruptBundle
from heron.version import __version__

SYSTEM = "system"
INFO = "info"
MLFLOW = "mlflow"
EXPORT_FILE_VERSION = "2"
PACKAGE_VERSION = "1.2.0"
"""The mlflow-export-import version whose format the files follow (what its readers expect)."""


def utc_text(seconds: float) -> str:
    """``2024-05-01 12:30:00``: a time in UTC, as the bundle's ``_``-prefixed fields show it."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def millis_text(millis: int | None) -> str | None:
    """:func:`utc_text` of milliseconds since the epoch; None stays None."""
    return None if millis is None else utc_text(millis / 1000)


def system_section(script: str, tracking_uri: str) -> dict[str, Any]:
    """The ``system`` section: the writer, the time, the source tracking URI, the platform."""
    now = time.time()
    return {
        "package_version": PACKAGE_VERSION,
        "script": script,
        "export_file_version": EXPORT_FILE_VERSION,
        "export_time": int(now),
        "_export_time": utc_text(now),
        "mlflow_version": MLFLOW_VERSION,
        "mlflow_tracking_uri": tracking_uri,
        "platform": {
            "python_version": platform.python_version(),
            "system": platform.system(),
            "processor": platform.processor(),
        },
        "user": _user(),
        "heron_version": __version__,
    }


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return "unknown"


def envelope(
    system: dict[str, Any], payload: dict[str, Any], info: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A file's content: ``system``, then ``info`` (if any), then the ``mlflow`` payload."""
    content: dict[str, Any] = {SYSTEM: system}
    if info is not None:
        content[INFO] = info
    content[MLFLOW] = payload
    return content


def write_json(path: str, content: Any, indent: bool = True, finite: bool = False) -> None:
    """Write JSON atomically: readers see the old file or the whole new one.

    Args:
        path: The file.
        content: What to write (NaN and infinities as JavaScript's literals, which
            Python's and MLflow's readers accept).
        indent: Indent by two spaces for people; files with whole metric histories are
            written compact instead, which Python encodes about ten times faster.
        finite: The content holds no NaN or infinity (the caller knows), so the faster
            encoder may write it.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    text = _dumps(content, indent, finite)
    handle, temporary = tempfile.mkstemp(prefix=".heron-", suffix=".partial", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _dumps(content: Any, indent: bool, finite: bool) -> str:
    if finite:  # orjson is ten times faster, but would write NaN as null
        try:
            option = orjson.OPT_INDENT_2 if indent else 0
            return orjson.dumps(content, option=option).decode("utf-8")
        except TypeError:  # what orjson cannot encode (integers past 64 bits)
            pass
    return json.dumps(content, indent=2 if indent else None)


def read_json(path: str, what: str) -> dict[str, Any]:
    """Read a bundle's JSON object file.

    Args:
        path: The file.
        what: What the file holds, for the error message (e.g. ``"run"``).

    Raises:
        CorruptBundle: The file is missing, not JSON, or not a JSON object.
    """
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise CorruptBundle(f"Missing {what} file '{path}'") from None
    except OSError as error:
        raise CorruptBundle(f"Corrupt {what} file '{path}': {error}") from None
    try:
        content = orjson.loads(raw)
    except orjson.JSONDecodeError:  # NaN/Infinity literals, which Python's reader takes
        try:
            content = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CorruptBundle(f"Corrupt {what} file '{path}': {error}") from None
    if not isinstance(content, dict):
        raise CorruptBundle(f"Corrupt {what} file '{path}': not a JSON object")
    return content


def payload(content: dict[str, Any]) -> dict[str, Any]:
    """The ``mlflow`` payload of an enveloped file, or the whole content of an older one."""
    inner = content.get(MLFLOW)
    return inner if isinstance(inner, dict) else content


def section(content: dict[str, Any], name: str) -> dict[str, Any]:
    """A top-level section (``info``, ``system``), or an empty dictionary."""
    value = content.get(name)
    return value if isinstance(value, dict) else {}
