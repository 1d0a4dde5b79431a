"""Big files pushed to disk while they are written, not all at once by the final fsync.

A buffered write of a 1 GB file leaves up to 1 GB of dirty pages, which the final ``fsync``
then writes while the writer (and the client waiting for its acknowledgement) waits: about
as long again as receiving the bytes took. For streamed writes Heron follows the kernel
developers' advice for streaming writers instead: every :data:`WINDOW` bytes it starts the
writeback of the window just written (``sync_file_range(WRITE)``, which does not wait) and
waits for the windows before it, by then mostly on disk. The disk works while the bytes
arrive, dirty data stays within about two windows, and the final ``fsync`` (still what
makes the file durable) finds little left to write. The pages stay in the page cache, so a
download soon after an upload reads memory.

Only Linux has ``sync_file_range``; elsewhere :class:`Writeback` does nothing and the final
``fsync`` writes everything.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable

WINDOW = 8 << 20
"""Bytes written between two writeback steps."""
_WAIT_BEFORE, _WRITE, _WAIT_AFTER = 1, 2, 4  # SYNC_FILE_RANGE_* in <fcntl.h>
_WAIT_ALL = _WAIT_BEFORE | _WRITE | _WAIT_AFTER
_WRITE_FAILURES = frozenset({errno.EIO, errno.ENOSPC, errno.EDQUOT})
"""Errors that mean the write itself failed: raised, never just switching the hints off."""

SyncFileRange = Callable[[int, int, int, int], int]


@functools.cache
def _sync_file_range() -> SyncFileRange | None:
    """libc's ``sync_file_range(fd, offset, nbytes, flags)``, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    call: SyncFileRange = function
    return call


class Writeback:
    """Pushes a file that is written sequentially from offset 0 to disk, window by window.

    Call :meth:`wrote` after each write; the caller still calls ``fsync`` at the end. A
    descriptor or filesystem that refuses these hints only turns them off: they change when
    the bytes reach the disk, never whether the final ``fsync`` does. A write error that
    waiting for a window reveals (EIO, ENOSPC) is raised, as ``fsync`` would.

    Args:
        fd: The file descriptor being written.
    """

    def __init__(self, fd: int):
        self._fd = fd
        self._call = _sync_file_range()
        self._written = 0
        self._started = 0
        """Bytes whose writeback has been started."""
        self._settled = 0
        """Bytes waited for: on disk (as far as the page cache knows)."""

    @property
    def active(self) -> bool:
        """Whether writeback hints are still being given."""
        return self._call is not None

    @property
    def settled(self) -> int:
        """Bytes from offset 0 that have been waited for (handed to the disk)."""
        return self._settled

    def wrote(self, size: int) -> None:
        """Account for ``size`` more bytes written; push a window out when one is full."""
        self._written += size
        if self._call is None or self._written - self._started < WINDOW:
            return
        try:
            self._sync(self._started, self._written - self._started, _WRITE)
            if self._started > self._settled:  # the windows before: wait until written
                self._sync(self._settled, self._started - self._settled, _WAIT_ALL)
                self._settled = self._started
        except OSError as error:
            if error.errno in _WRITE_FAILURES:  # the bytes did not reach the disk
                raise
            self._call = None  # hints refused (a pipe, a filesystem without them)
            return
        self._started = self._written

    def _sync(self, offset: int, size: int, flags: int) -> None:
        call = self._call
        if call is not None and call(self._fd, offset, size, flags) != 0:
            import ctypes

            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
