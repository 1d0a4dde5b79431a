"""Local artifact writes that leave nothing half-done: whole trees, and the leftovers of
uploads a crash interrupted.

- :func:`write_files_atomically` writes several files so that either all of them replace
  their targets or none does: every file is first written in full to a hidden temporary file
  beside its target (``.heron-*.partial``), and only when all are on disk are they renamed
  into place. A failure before that (an unsafe path, a file in the way, a full disk) removes
  every temporary file and every directory the call made.
- :func:`remove_partial_uploads` deletes the ``.heron-*.partial`` files an interrupted
  upload left behind (a server killed mid-upload). The server calls it at start-up on its
  local artifact roots; ``heron gc`` can call it on any local root.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence

_log = logging.getLogger(__name__)

PARTIAL_PREFIX = ".heron-"
PARTIAL_SUFFIX = ".partial"
STALE_AFTER_S = 120.0
"""A partial file untouched this long belongs to no upload in flight (writers touch theirs
with every chunk)."""


def _missing_ancestors(directory: str) -> list[str]:
    """``directory`` and its parents that do not exist yet, deepest first."""
    missing = []
    while directory and not os.path.isdir(directory):
        missing.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return missing


def write_files_atomically(
    files: Sequence[tuple[str, bytes]],
    locate: Callable[[str], str],
    target_of: Callable[[str], str],
    sync_directory: Callable[[str], None],
) -> None:
    """Write every file or none.

    Args:
        files: ``(artifact path, content)`` pairs.
        locate: The local path of an artifact path (no side effects).
        target_of: The same path with its directories made (raises
            :class:`~heron.exceptions.InvalidParameter` for an unsafe path or a file in the
            way).
        sync_directory: Flushes a directory's entries to disk (after the renames).
    """
    staged: list[tuple[str, str]] = []
    created: list[str] = []
    try:
        for path, content in files:
            # Which directories this call creates, so a failure can take them away again.
            created.extend(_missing_ancestors(os.path.dirname(locate(path))))
            target = target_of(path)
            fd, temp = tempfile.mkstemp(
                prefix=PARTIAL_PREFIX, suffix=PARTIAL_SUFFIX, dir=os.path.dirname(target)
            )
            staged.append((temp, target))
            with os.fdopen(fd, "wb", buffering=0) as out:
                view = memoryview(content)
                while view:
                    view = view[os.write(out.fileno(), view) :]
                os.fsync(out.fileno())
            os.chmod(temp, 0o644)
    except BaseException:
        for temp, _target in staged:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        for directory in created:  # deepest first; only if still empty
            with contextlib.suppress(OSError):
                os.rmdir(directory)
        raise
    directories: dict[str, None] = {}
    for temp, target in staged:
        os.replace(temp, target)
        directories[os.path.dirname(target)] = None
    for directory in directories:
        sync_directory(directory)


def remove_partial_uploads(root: str, older_than_s: float = STALE_AFTER_S) -> int:
    """Delete the ``.heron-*.partial`` files under a local artifact root that no upload in
    flight can own (untouched for ``older_than_s`` seconds).

    Symlinks are not followed; files that vanish meanwhile are skipped.

    Args:
        root: A local directory (a missing one holds nothing).
        older_than_s: Age (seconds since last modification) a partial file must have.

    Returns:
        How many files were removed.
    """
    removed = 0
    cutoff = time.time() - older_than_s
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            if not (name.startswith(PARTIAL_PREFIX) and name.endswith(PARTIAL_SUFFIX)):
                continue
            path = os.path.join(dirpath, name)
            try:
                if os.lstat(path).st_mtime > cutoff:
                    continue
                os.unlink(path)
                removed += 1
            except FileNotFoundError:
                continue
            except OSError as error:
                _log.warning("Could not remove an interrupted upload's file: %s", error)
    return removed
