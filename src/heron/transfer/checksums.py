"""SHA-256 digests of bundle files, computed while the bytes stream past.

Every artifact file written into a bundle is listed with its size and sha256; an import
checks them all before it creates anything, so a damaged bundle imports nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from heron.transfer.errors import ChecksumMismatch, CorruptBundle

CHUNK = 1 << 20


@dataclass(frozen=True)
class FileDigest:
    """One artifact file: its path under the artifact root (``/``-separated), size, sha256."""

    path: str
    size: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        """The bundle's JSON form."""
        return {"path": self.path, "size": self.size, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: Any, where: str) -> FileDigest:
        """Read the JSON form; ``where`` names the file it came from, for errors."""
        try:
            return cls(str(data["path"]), int(data["size"]), str(data["sha256"]))
        except (KeyError, TypeError, ValueError):
            raise CorruptBundle(f"Corrupt artifact checksum entry {data!r} in '{where}'") from None


class HashingStream:
    """Wraps byte chunks, counting and hashing them as they are consumed."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = chunks
        self._hash = hashlib.sha256()
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._hash.update(chunk)
            self.size += len(chunk)
            yield chunk

    def hexdigest(self) -> str:
        """The sha256 of everything consumed so far."""
        return self._hash.hexdigest()


def file_chunks(path: str) -> Iterator[bytes]:
    """A local file's bytes in chunks."""
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def digest_file(path: str, relative: str) -> FileDigest:
    """The digest of a local file, listed under ``relative``."""
    stream = HashingStream(file_chunks(path))
    for _ in stream:
        pass
    return FileDigest(relative, stream.size, stream.hexdigest())


def local_files(root: str) -> list[str]:
    """Every file under a local directory, as sorted ``/``-separated relative paths."""
    found: list[str] = []
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        relative = os.path.relpath(directory, root)
        for name in files:
            found.append(name if relative == "." else f"{relative.replace(os.sep, '/')}/{name}")
    return sorted(found)


def verify_tree(root: str, expected: Sequence[FileDigest], what: str) -> None:
    """Check that a local directory holds exactly the expected files, byte for byte.

    Args:
        root: The directory (it may be missing when nothing is expected).
        expected: The digests recorded at export.
        what: What the files belong to, for messages (``"run 'abc'"``).

    Raises:
        CorruptBundle: A file is missing, or one is there that was not exported.
        ChecksumMismatch: A file's size or sha256 differs.
    """
    present = set(local_files(root)) if os.path.isdir(root) else set()
    listed = {digest.path for digest in expected}
    missing = sorted(listed - present)
    if missing:
        raise CorruptBundle(f"Missing artifact file '{missing[0]}' of {what} in '{root}'")
    extra = sorted(present - listed)
    if extra:
        raise CorruptBundle(
            f"Artifact file '{extra[0]}' of {what} in '{root}' is not listed in the bundle"
        )
    for digest in expected:
        actual = digest_file(os.path.join(root, *digest.path.split("/")), digest.path)
        if actual.sha256 != digest.sha256 or actual.size != digest.size:
            raise ChecksumMismatch(
                f"Checksum mismatch for artifact '{digest.path}' of {what}: expected sha256 "
                f"{digest.sha256} ({digest.size} bytes), found {actual.sha256} "
                f"({actual.size} bytes)"
            )
