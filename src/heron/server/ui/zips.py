"""A folder of a run's artifacts as a zip, streamed while it is written.

The files are listed first (refused past :data:`MAX_ZIP_FILES` files or
:data:`MAX_ZIP_BYTES` bytes), then each is read from the repository in chunks and
compressed into the stream: memory stays flat whatever the folder's size. Every listed path
must lie under the folder and pass :func:`~heron.store.artifacts.paths.safe_relative_path`,
so a hostile listing cannot put ``../`` names in the archive.
"""

from __future__ import annotations

import io
import posixpath
import time
import zipfile
from collections.abc import Iterator

from heron.entities import FileInfo
from heron.exceptions import HeronError, InvalidParameter
from heron.store.artifacts.base import ArtifactRepository
from heron.store.artifacts.paths import safe_relative_path

MAX_ZIP_FILES = 10_000
MAX_ZIP_BYTES = 4 * 1000 * 1000 * 1000


class ZipTooLarge(HeronError):
    """A folder too large to zip (413: download its files one by one)."""

    def __init__(self, message: str):
        super().__init__(message, error_code="RESOURCE_EXHAUSTED")

    @property
    def http_status(self) -> int:
        return 413


class _Sink(io.RawIOBase):
    """Collects what the zip writer writes, for the stream to take."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def zip_files(repository: ArtifactRepository, folder: str) -> list[FileInfo]:
    """The files a zip of ``folder`` would hold, checked against the limits.

    Raises:
        ZipTooLarge: Too many files or bytes.
        InvalidParameter: A listed path outside the folder.
    """
    files: list[FileInfo] = []
    total = 0
    prefix = f"{folder}/" if folder else ""
    for info in repository.list_files(folder or None):
        path = safe_relative_path(info.path)
        if not path.startswith(prefix):
            raise InvalidParameter(f"The listing of '{folder}' names a file outside it")
        files.append(info)
        total += info.file_size or 0
        if len(files) > MAX_ZIP_FILES or total > MAX_ZIP_BYTES:
            raise ZipTooLarge(
                f"This folder holds more than {MAX_ZIP_FILES} files or "
                f"{MAX_ZIP_BYTES // 1_000_000_000} GB: download its files one by one"
            )
    return files


def zip_name(run_id: str, folder: str) -> str:
    """The download's file name: the folder's name, or ``<run id>-artifacts``."""
    return f"{posixpath.basename(folder) or run_id + '-artifacts'}.zip"


def zip_stream(
    repository: ArtifactRepository, folder: str, files: list[FileInfo]
) -> Iterator[bytes]:
    """The zip's bytes, in pieces; entries are named relative to the folder's parent."""
    base = posixpath.dirname(folder)
    cut = len(base) + 1 if base else 0
    sink = _Sink()
    stamp = time.localtime()[:6]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in files:
            entry = zipfile.ZipInfo(info.path[cut:], date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            reader = repository.open_read(info.path)
            try:
                with archive.open(entry, "w", force_zip64=True) as out:
                    for chunk in reader:
                        out.write(chunk)
                        data = sink.take()
                        if data:
                            yield data
            finally:
                reader.close()
            yield sink.take()
    yield sink.take()
