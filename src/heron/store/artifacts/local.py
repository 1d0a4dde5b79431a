"""Artifacts on the local filesystem: plain paths and ``file:`` URIs.

Every caller-given path goes through :func:`heron.store.artifacts.paths.confined_local_path`.
Files are written atomically: copied to a hidden temporary file in the target directory,
flushed to disk, then renamed over the target, so a reader sees the old file or the new one,
never a part of one. Big files go to disk while they are written
(:mod:`heron.store.artifacts.writeback`), so the final flush is short, and a big file they
replace is freed in the background, so the rename is short too.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import uuid
from collections.abc import Iterable, Sequence
from urllib.parse import unquote, urlparse

from heron.entities import FileInfo
from heron.exceptions import InvalidParameter, NotFound
from heron.store.artifacts.base import (
    ArtifactReader,
    ArtifactRepository,
    join_artifact_path,
    split_artifact_file,
)
from heron.store.artifacts.paths import confined_local_path, resolves_inside, safe_relative_path
from heron.store.artifacts.writeback import Writeback

PARTIAL_PREFIX = ".heron-"
PARTIAL_SUFFIX = ".partial"
_COPY_CHUNK = 1 << 20
_STREAM_CHUNK = 4 << 20
"""Bytes per read when an artifact is streamed out (fewer, larger hops to the socket)."""
_WINDOWS_FILE_URI_PATH = re.compile(r"^/[A-Za-z]:")
_log = logging.getLogger(__name__)

FREE_LATER_BYTES = 32 << 20
"""A replaced artifact file at least this big is freed in the background."""


def local_path_from_uri(artifact_uri: str) -> str:
    """The absolute local directory of a plain path or ``file:`` URI.

    Accepts ``file:///abs``, ``file:/abs`` and ``file://localhost/abs``; the URI path is
    percent-decoded. Other hosts, queries and fragments are refused.

    Raises:
        InvalidParameter: The URI does not name a local directory unambiguously.
    """
    parsed = urlparse(artifact_uri)
    if parsed.scheme.lower() != "file":
        return os.path.abspath(artifact_uri)
    if parsed.netloc not in ("", "localhost"):
        raise InvalidParameter(
            f"Invalid local artifact URI '{artifact_uri}': host '{parsed.netloc}' is not local"
        )
    if parsed.query or parsed.fragment or parsed.params:
        raise InvalidParameter(
            f"Invalid local artifact URI '{artifact_uri}': queries, fragments ('#') and path "
            f"parameters (';') are not allowed"
        )
    path = unquote(parsed.path)
    if os.name == "nt" and _WINDOWS_FILE_URI_PATH.match(path):
        path = path[1:]
    return os.path.abspath(path)


def is_partial_upload(name: str) -> bool:
    """Whether a directory entry is an upload still in flight (never listed)."""
    return name.startswith(PARTIAL_PREFIX) and name.endswith(PARTIAL_SUFFIX)


def _fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable (POSIX only; Windows cannot open directories)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes | bytearray) -> None:
    """Write all of ``data`` to a raw file descriptor (no buffer copy in between)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def atomic_write(
    target: str,
    chunks: Iterable[bytes],
    mode: int = 0o644,
    free_later_from: int = FREE_LATER_BYTES,
    sync_directory: bool = True,
) -> None:
    """Write ``chunks`` to ``target`` so that ``target`` is never seen half-written.

    The bytes go to a hidden temporary file in the target's directory, which is flushed to
    disk and renamed over the target. If ``chunks`` raises, the temporary file is removed and
    the target is left as it was. A replaced file of ``free_later_from`` bytes or more is
    freed in the background (see :func:`finish_freeing`), not by the rename. Without
    ``sync_directory`` the caller flushes the directory (the rename) itself.
    """
    directory = os.path.dirname(target)
    fd, temp = tempfile.mkstemp(prefix=PARTIAL_PREFIX, suffix=PARTIAL_SUFFIX, dir=directory)
    old = None
    try:
        with os.fdopen(fd, "wb", buffering=0) as out:
            writeback = Writeback(out.fileno())
            for chunk in chunks:
                _write_all(out.fileno(), chunk)
                writeback.wrote(len(chunk))
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        old = keep_old_file(target, free_later_from)
        os.replace(temp, target)
    except BaseException:
        for path in (temp, old):
            if path is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
        raise
    if sync_directory:
        _fsync_directory(directory)
    if old is not None:
        _free_in_background(old)


def keep_old_file(target: str, min_bytes: int) -> str | None:
    """A second, hidden name for the file ``target`` names, if it is big, so that renaming
    over ``target`` does not free it (the kernel takes ~0.3 s per GB to drop a file's pages
    and blocks); None for a small or missing file, or where hard links are impossible."""
    try:
        if os.stat(target, follow_symlinks=False).st_size < min_bytes:
            return None
    except OSError:
        return None
    directory = os.path.dirname(target)
    old = os.path.join(directory, f"{PARTIAL_PREFIX}{uuid.uuid4().hex}.replaced{PARTIAL_SUFFIX}")
    try:
        os.link(target, old, follow_symlinks=False)
    except OSError:  # a filesystem without hard links, a file that just went away
        return None
    return old


_FREEING: set[threading.Thread] = set()
_FREEING_LOCK = threading.Lock()


def _free_in_background(path: str) -> None:
    def free() -> None:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass  # its directory was deleted meanwhile
        except OSError as error:  # it stays, hidden like a partial upload
            _log.warning("Could not remove the replaced artifact file %s: %s", path, error)
        finally:
            with _FREEING_LOCK:
                _FREEING.discard(thread)

    thread = threading.Thread(target=free, name="heron-free-replaced")
    with _FREEING_LOCK:
        _FREEING.add(thread)
    thread.start()


def finish_freeing() -> None:
    """Wait until every replaced file being freed in the background is gone."""
    with _FREEING_LOCK:
        threads = list(_FREEING)
    for thread in threads:
        thread.join()


def atomic_copy(source: str, target: str) -> None:
    """Copy ``source`` (and its permission bits) to ``target``, atomically."""
    with open(source, "rb") as src:
        mode = stat.S_IMODE(os.fstat(src.fileno()).st_mode)
        atomic_write(target, iter(functools.partial(src.read, _COPY_CHUNK), b""), mode)


def _remove_tree(path: str) -> None:
    """``shutil.rmtree``, where a file going away meanwhile (a replaced file being freed in
    the background, say) is not an error: each try removes what it can."""
    for attempt in range(5):
        try:
            shutil.rmtree(path)
            return
        except FileNotFoundError:
            if not os.path.lexists(path):
                return
            if attempt == 4:
                raise


class LocalArtifactRepository(ArtifactRepository):
    """Artifacts in a local directory, named by a plain path or a ``file:`` URI.

    Args:
        artifact_uri: The root: ``/abs/dir``, ``relative/dir``, ``file:///abs/dir``, ...
    """

    def __init__(self, artifact_uri: str):
        super().__init__(artifact_uri)
        self.artifact_dir = local_path_from_uri(artifact_uri)

    def _local(self, artifact_path: str | None) -> str:
        return confined_local_path(self.artifact_dir, artifact_path)

    def _copy_in(self, local_file: str, artifact_file: str) -> None:
        target = self._local(artifact_file)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        atomic_copy(local_file, target)

    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        """Copy one local file into directory ``artifact_path`` under the root, atomically."""
        name = os.path.basename(os.path.normpath(local_file))
        self._copy_in(local_file, join_artifact_path(safe_relative_path(artifact_path), name))

    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        """Copy a local directory's tree (empty directories too) into ``artifact_path``."""
        base = safe_relative_path(artifact_path)
        os.makedirs(self._local(base), exist_ok=True)
        for dirpath, dirnames, filenames in os.walk(local_dir, followlinks=True):
            relative = os.path.relpath(dirpath, local_dir)
            subdir = base if relative == "." else join_artifact_path(base, *relative.split(os.sep))
            for dirname in dirnames:
                os.makedirs(self._local(join_artifact_path(subdir, dirname)), exist_ok=True)
            for filename in filenames:
                self._copy_in(os.path.join(dirpath, filename), join_artifact_path(subdir, filename))

    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        """The direct children of directory ``path``; ``[]`` for a file or a missing path.

        Entries that are symlinks leading out of the root are not part of the repository
        and are left out.
        """
        relative = safe_relative_path(path)
        local = self._local(relative)
        if not os.path.isdir(local):
            return []
        infos = []
        with os.scandir(local) as entries:
            for entry in entries:
                if is_partial_upload(entry.name) or not resolves_inside(
                    self.artifact_dir, entry.path
                ):
                    continue
                child = join_artifact_path(relative, entry.name)
                if entry.is_dir():
                    infos.append(FileInfo(child, True, None))
                else:
                    infos.append(FileInfo(child, False, entry.stat().st_size))
        return sorted(infos, key=lambda info: info.path)

    def is_dir(self, artifact_path: str) -> bool:
        """Whether ``artifact_path`` is a directory (empty ones, and the root, included)."""
        local = self._local(artifact_path)
        return not safe_relative_path(artifact_path) or os.path.isdir(local)

    def _download_file(self, remote_file_path: str, local_path: str) -> None:
        source = self._local(remote_file_path)
        if not os.path.isfile(source):
            raise NotFound(f"Artifact '{safe_relative_path(remote_file_path)}' not found")
        shutil.copyfile(source, local_path)

    def open_read(self, artifact_path: str) -> ArtifactReader:
        """Open one artifact file for streaming straight from disk.

        Raises:
            NotFound: No regular file at ``artifact_path``.
        """
        relative = join_artifact_path(*split_artifact_file(artifact_path))
        local = self._local(relative)
        if not os.path.isfile(local):  # also keeps FIFOs and devices from blocking open()
            raise NotFound(f"Artifact '{relative}' not found")
        try:
            handle = open(local, "rb")  # noqa: SIM115 - the reader closes it
        except (FileNotFoundError, IsADirectoryError):
            raise NotFound(f"Artifact '{relative}' not found") from None
        fd = handle.fileno()
        return ArtifactReader(
            lambda size: os.read(fd, max(size, _STREAM_CHUNK)),
            handle.close,
            os.fstat(fd).st_size,
        )

    def write_stream(self, artifact_path: str, chunks: Iterable[bytes]) -> None:
        """Write one artifact file from byte chunks: to a temporary file, then renamed.

        Raises:
            InvalidParameter: The path is unsafe, names no file, or runs into an existing
                file or directory in a way that cannot hold a file there.
        """
        atomic_write(self._file_target(artifact_path), chunks)

    def write_tree(
        self, files: Sequence[tuple[str, bytes]], artifact_path: str | None = None
    ) -> None:
        """See :meth:`ArtifactRepository.write_tree`: all files or none (each written in
        full beside its target, then all renamed into place), and each directory flushed
        once, after its last file."""
        from heron.store.artifacts.staging import write_files_atomically

        base = safe_relative_path(artifact_path)
        checked = [
            (join_artifact_path(base, safe_relative_path(path)), data) for path, data in files
        ]
        write_files_atomically(
            checked,
            lambda path: self._local(join_artifact_path(*split_artifact_file(path))),
            self._file_target,
            _fsync_directory,
        )

    def _file_target(self, artifact_path: str) -> str:
        """The local path a file is written to, its directories made.

        Raises:
            InvalidParameter: The path is unsafe, names no file, or runs into an existing
                file or directory in a way that cannot hold a file there.
        """
        relative = join_artifact_path(*split_artifact_file(artifact_path))
        target = self._local(relative)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise InvalidParameter(
                f"Cannot write artifact '{relative}': a file is in the way of its directory"
            ) from None
        if os.path.isdir(target):
            raise InvalidParameter(f"Cannot write artifact '{relative}': it is a directory")
        return target

    def delete_artifacts(self, artifact_path: str | None = None) -> None:
        """Remove a file, a symlink or a directory tree; a missing path is not an error."""
        local = self._local(artifact_path)
        if os.path.islink(local) or os.path.isfile(local):
            os.unlink(local)
        elif os.path.isdir(local):
            _remove_tree(local)
