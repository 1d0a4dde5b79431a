"""The artifact-repository contract.

A repository is rooted at one artifact URI (a run's ``artifact_uri``, say). Every
``artifact_path`` argument is relative to that root, uses ``/`` separators, and must stay
inside it: implementations refuse anything else with INVALID_PARAMETER_VALUE, whatever the
encoding. Writes are atomic: a reader never sees half a file.
"""

from __future__ import annotations

import abc
import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from heron.exceptions import InvalidParameter
from heron.store.artifacts.paths import safe_relative_path

if TYPE_CHECKING:  # entities are not needed to read a local model directory
    from heron.entities import FileInfo

CHUNK_SIZE = 1 << 20
"""Bytes per chunk when artifacts are streamed."""


class ArtifactReader(Iterator[bytes]):
    """The bytes of one artifact file, as an iterator of chunks that must be closed.

    Iterating to the end closes it; a reader abandoned half way must be closed by its user
    (the server does it once a response ends, whether or not the client read it all).

    Args:
        read: Reads up to ``n`` bytes; ``b""`` at the end.
        close: Releases what the reader holds (a file, a connection, a temporary copy).
        size: The file's size in bytes, when known.
    """

    def __init__(self, read: Callable[[int], bytes], close: Callable[[], None], size: int | None):
        self._read = read
        self._close = close
        self._closed = False
        self.size = size

    def __next__(self) -> bytes:
        if self._closed:
            raise StopIteration
        chunk = self._read(CHUNK_SIZE)
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def close(self) -> None:
        """Release the reader's resources; later iteration yields nothing."""
        if not self._closed:
            self._closed = True
            self._close()


def split_artifact_file(artifact_path: str | None) -> tuple[str, str]:
    """Check the path of one artifact file and split it into directory and file name.

    Raises:
        InvalidParameter: The path is unsafe or names no file (it is empty).
    """
    relative = safe_relative_path(artifact_path)
    if not relative:
        raise InvalidParameter(
            f"Invalid artifact file path {artifact_path!r}: it must end in a file name"
        )
    directory, _, name = relative.rpartition("/")
    return directory, name


class ArtifactRepository(abc.ABC):
    """Files under one artifact root."""

    def __init__(self, artifact_uri: str):
        self.artifact_uri = artifact_uri

    @abc.abstractmethod
    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        """Copy one local file into ``artifact_path`` (a directory) under the root."""

    @abc.abstractmethod
    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        """Copy the contents of a local directory into ``artifact_path`` under the root."""

    @abc.abstractmethod
    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        """The direct children of ``path``; paths in the result are relative to the root."""

    @abc.abstractmethod
    def _download_file(self, remote_file_path: str, local_path: str) -> None:
        """Copy one file under the root to a local path."""

    @abc.abstractmethod
    def delete_artifacts(self, artifact_path: str | None = None) -> None:
        """Remove a file or a directory tree under the root (the whole root for None)."""

    def is_dir(self, artifact_path: str) -> bool:
        """Whether ``artifact_path`` is a directory (listing it gives entries)."""
        if not artifact_path:
            return True
        listing = self.list_artifacts(artifact_path)
        return bool(listing) and not (
            len(listing) == 1 and not listing[0].is_dir and listing[0].path == artifact_path
        )

    def open_read(self, artifact_path: str) -> ArtifactReader:
        """Open one artifact file for streaming: iterate the result for its bytes, in chunks.

        The file is opened by this call, so a missing one fails here rather than on the first
        chunk. This default downloads a temporary copy; repositories override it to stream.

        Raises:
            NotFound: No file at ``artifact_path`` (a directory is not a file).
            InvalidParameter: The path is unsafe.
        """
        _, name = split_artifact_file(artifact_path)
        directory = tempfile.mkdtemp(prefix="heron-read-")
        try:
            local = os.path.join(directory, name)
            self._download_file(safe_relative_path(artifact_path), local)
            handle = open(local, "rb")  # noqa: SIM115 - the reader closes it
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise

        def close() -> None:
            handle.close()
            shutil.rmtree(directory, ignore_errors=True)

        return ArtifactReader(handle.read, close, os.fstat(handle.fileno()).st_size)

    def write_stream(self, artifact_path: str, chunks: Iterable[bytes]) -> None:
        """Write one artifact file from byte chunks, replacing any file there.

        Readers see the old file or the whole new one, never a part: if ``chunks`` raises,
        nothing is written. This default spools the chunks to a temporary file and logs it;
        repositories override it to stream without the local copy.

        Args:
            artifact_path: The file's path under the root, ending in its name.
            chunks: The file's bytes, in pieces of any size.

        Raises:
            InvalidParameter: The path is unsafe or names no file.
        """
        directory, name = split_artifact_file(artifact_path)
        with tempfile.TemporaryDirectory(prefix="heron-write-") as temp:
            local = os.path.join(temp, name)
            with open(local, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            self.log_artifact(local, directory or None)

    def list_files(self, artifact_path: str | None = None) -> Iterator[FileInfo]:
        """Every file under a directory (depth first; each directory listed once)."""
        for info in self.list_artifacts(artifact_path or None):
            if info.is_dir:
                yield from self.list_files(info.path)
            elif info.path != artifact_path:  # listing a file gives the file itself
                yield info

    def read_tree(self, artifact_path: str | None = None) -> list[tuple[str, bytes]] | None:
        """Every file under a directory at once, when the repository can fetch a small
        tree cheaply (a Heron artifact proxy: one request); None when it cannot, and the
        files are to be read one by one.

        Returns:
            ``(path relative to the directory, content)`` of each file.

        Raises:
            InvalidParameter: The path is unsafe.
        """
        safe_relative_path(artifact_path)
        return None

    def write_tree(
        self, files: Sequence[tuple[str, bytes]], artifact_path: str | None = None
    ) -> None:
        """Write small files under a directory, each replaced whole (one request where
        the repository can; this default writes them one by one).

        Args:
            files: ``(path relative to the directory, content)`` of each file.
            artifact_path: The directory under the root (None: the root).
        """
        for path, content in files:
            self.write_stream(join_artifact_path(artifact_path, path), [content])

    def download_artifacts(self, artifact_path: str, dst_path: str | None = None) -> str:
        """Download a file or directory to ``dst_path`` (a new temporary directory for None).

        Returns the local path of the downloaded file or directory.
        """
        artifact_path = safe_relative_path(artifact_path)
        dst = dst_path or tempfile.mkdtemp(prefix="heron-artifacts-")
        dst = os.path.abspath(dst)
        if self.is_dir(artifact_path):
            self._download_tree(artifact_path, dst)
            return os.path.join(dst, *artifact_path.split("/")) if artifact_path else dst
        local = os.path.join(dst, *artifact_path.split("/"))
        os.makedirs(os.path.dirname(local), exist_ok=True)
        self._download_file(artifact_path, local)
        return local

    def _download_tree(self, artifact_path: str, dst: str) -> None:
        os.makedirs(
            os.path.join(dst, *artifact_path.split("/")) if artifact_path else dst, exist_ok=True
        )
        for info in self.list_artifacts(artifact_path or None):
            safe_relative_path(info.path)  # a hostile listing must not write outside dst
            if info.is_dir:
                self._download_tree(info.path, dst)
            else:
                local = os.path.join(dst, *info.path.split("/"))
                os.makedirs(os.path.dirname(local), exist_ok=True)
                self._download_file(info.path, local)


def join_artifact_path(*parts: str | None) -> str:
    """Join relative artifact path parts with ``/``, skipping empty ones."""
    return posixpath.join(*[p.strip("/") for p in parts if p]) if any(parts) else ""
