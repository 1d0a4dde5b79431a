"""The environment cache: one folder per content hash, built once under a file lock.

A folder is usable only when its ``.complete`` marker exists; a failed or interrupted build
leaves no marker and the folder is removed before the next attempt, so nothing half-built is
ever reused.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from heron import config

COMPLETE_MARKER = ".complete"


def cache_root(root: str | os.PathLike[str] | None = None) -> Path:
    """Where environments are cached: ``root``, else HERON_ENV_ROOT / MLFLOW_ENV_ROOT, else
    ``~/.heron/envs``."""
    chosen = root if root is not None else config.ENV_ROOT.get()
    path = Path(chosen) if chosen else Path.home() / ".heron" / "envs"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    with open(lock_file, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def is_complete(folder: Path) -> bool:
    """Whether ``folder`` holds a finished environment."""
    return (folder / COMPLETE_MARKER).is_file()


def get_or_build(root: Path, name: str, build: Callable[[Path], None]) -> tuple[Path, bool]:
    """The folder ``root/name``, built by ``build(folder)`` unless a finished one exists.

    Concurrent callers (two runs, two servers) wait for one another; the second reuses the
    first one's result.

    Returns:
        The folder and whether it was built by this call.
    """
    folder = root / name
    if is_complete(folder):
        return folder, False
    with _locked(root / f"{name}.lock"):
        if is_complete(folder):
            return folder, False
        if folder.exists():
            shutil.rmtree(folder)
        try:
            build(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        (folder / COMPLETE_MARKER).write_text("", encoding="utf-8")
        return folder, True
