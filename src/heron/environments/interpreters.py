"""Finding an installed Python interpreter for a wanted version (no downloads)."""

from __future__ import annotations

import functools
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from heron.exceptions import ExecutionException


@functools.cache
def _version_of(python: str) -> str | None:
    try:
        done = subprocess.run(
            [python, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _matches(found: str, wanted: str) -> bool:
    return found == wanted or found.startswith(wanted + ".")


def _candidates(wanted: str) -> list[str]:
    parts = wanted.split(".")
    names = [f"python{'.'.join(parts[:2])}", f"python{parts[0]}", "python"]
    found: list[str] = [sys.executable]
    for name in names:
        path = shutil.which(name)
        if path and path not in found:
            found.append(path)
    return found


def find_python(wanted: str) -> Path:
    """An interpreter of version ``wanted`` (``3.11`` or ``3.11.7``).

    The exact version is preferred; when only another patch release of the same ``x.y`` is
    installed it is used, since the machine cannot download interpreters.

    Raises:
        ExecutionException: No interpreter of that ``x.y`` is installed.
    """
    wanted = wanted.strip()
    if not wanted or not all(part.isdigit() for part in wanted.split(".")):
        raise ExecutionException(f"Invalid Python version {wanted!r} in the environment file.")
    if _matches(platform.python_version(), wanted):
        return Path(sys.executable)
    minor = ".".join(wanted.split(".")[:2])
    fallback: Path | None = None
    for candidate in _candidates(wanted):
        version = _version_of(candidate)
        if version is None:
            continue
        if _matches(version, wanted):
            return Path(candidate)
        if fallback is None and _matches(version, minor):
            fallback = Path(candidate)
    if fallback is not None:
        return fallback
    raise ExecutionException(
        f"Python {wanted} is required by the environment but no python{minor} interpreter "
        f"was found on PATH ({os.environ.get('PATH', '')})."
    )
