"""Where a transfer reads artifact files from: a bundle directory, or a live repository.

Both kinds list their files and stream each one's bytes, so every writer (a bundle
directory, a destination repository) handles them alike; a bundle additionally knows the
sha256 of each file and checks them all in :meth:`ArtifactSource.verify` before anything
is written.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Iterator

from heron.store.artifacts.archive import MAX_ARCHIVE_BYTES
from heron.store.artifacts.base import ArtifactRepository
from heron.transfer.checksums import FileDigest, file_chunks, local_files, verify_tree


class ArtifactSource(abc.ABC):
    """The artifact files of one run or logged model."""

    def __init__(self, what: str):
        self.what = what

    @abc.abstractmethod
    def paths(self) -> list[str]:
        """Every file, as sorted ``/``-separated paths relative to the artifact root."""

    @abc.abstractmethod
    def chunks(self, path: str) -> Iterator[bytes]:
        """The bytes of one file, in chunks."""

    def local_path(self, path: str) -> str | None:
        """The file on the local disk, when it is there (lets uploads skip a copy)."""
        return None

    def size(self, path: str) -> int | None:
        """The file's size in bytes, when known without reading it."""
        return None

    def small_files(self) -> list[tuple[str, bytes]] | None:
        """Every file with its bytes when all sizes are known and add up to no more than
        an archive holds (to be written in one go); None otherwise."""
        paths = self.paths()
        sizes = [size for path in paths if (size := self.size(path)) is not None]
        if len(paths) < 2 or len(sizes) < len(paths) or sum(sizes) > MAX_ARCHIVE_BYTES:
            return None
        return [(path, b"".join(self.chunks(path))) for path in paths]

    def digests(self) -> list[FileDigest] | None:
        """The sha256 of each file recorded by the source, when it recorded them."""
        return None

    def verify(self) -> None:  # noqa: B027 - nothing to check unless a source overrides
        """Check every file against its recorded checksum (nothing to check by default).

        Raises:
            CorruptBundle: A file is missing or unexpected.
            ChecksumMismatch: A file's bytes changed.
        """


class BundleArtifacts(ArtifactSource):
    """Files under a bundle's ``artifacts/`` directory.

    Args:
        root: The ``artifacts`` directory (it may be missing: no artifacts).
        digests: The checksums the bundle lists, or None for bundles without them.
        what: What the files belong to, for messages.
    """

    def __init__(self, root: str, digests: list[FileDigest] | None, what: str):
        super().__init__(what)
        self.root = root
        self._digests = digests

    def paths(self) -> list[str]:
        """See :meth:`ArtifactSource.paths`."""
        if self._digests is not None:
            return sorted(digest.path for digest in self._digests)
        return local_files(self.root) if os.path.isdir(self.root) else []

    def chunks(self, path: str) -> Iterator[bytes]:
        """See :meth:`ArtifactSource.chunks`."""
        return file_chunks(self._file(path))

    def local_path(self, path: str) -> str | None:
        """See :meth:`ArtifactSource.local_path`."""
        return self._file(path)

    def size(self, path: str) -> int | None:
        """See :meth:`ArtifactSource.size`."""
        try:
            return os.stat(self._file(path)).st_size
        except OSError:
            return None

    def digests(self) -> list[FileDigest] | None:
        """See :meth:`ArtifactSource.digests`."""
        return self._digests

    def verify(self) -> None:
        """See :meth:`ArtifactSource.verify`."""
        if self._digests is not None:
            verify_tree(self.root, self._digests, self.what)

    def _file(self, path: str) -> str:
        return os.path.join(self.root, *path.split("/"))


class RepositoryArtifacts(ArtifactSource):
    """Files of a live artifact repository (a run's or a logged model's), walked once."""

    def __init__(self, repository: ArtifactRepository, what: str):
        super().__init__(what)
        self.repository = repository
        self._paths: list[str] | None = None
        self._read: dict[str, bytes] = {}  # a small tree read at once, until each is used

    def paths(self) -> list[str]:
        """See :meth:`ArtifactSource.paths`; reads a small tree at once where the
        repository can (one request to a Heron server), else lists each directory once;
        then remembers."""
        if self._paths is None:
            tree = self.repository.read_tree()
            if tree is not None:
                self._read = dict(tree)
                self._paths = sorted(self._read)
            else:
                self._paths = sorted(info.path for info in self.repository.list_files())
        return list(self._paths)

    def size(self, path: str) -> int | None:
        """See :meth:`ArtifactSource.size`."""
        content = self._read.get(path)
        return None if content is None else len(content)

    def chunks(self, path: str) -> Iterator[bytes]:
        """See :meth:`ArtifactSource.chunks`."""
        if path in self._read:
            yield self._read[path]
            return
        reader = self.repository.open_read(path)
        try:
            yield from reader
        finally:
            reader.close()
