"""Many small artifact files in one request: an uncompressed tar, packed and checked once.

A Heron server answers ``GET /api/2.0/heron/artifacts/archive/<dir>`` with a tar of every
file under the directory, and takes ``PUT`` of one to write its files (Heron's own routes;
an MLflow server answers 404, and clients go file by file). Archives are for small trees:
their bytes are held in memory, up to :data:`MAX_ARCHIVE_BYTES`; a larger tree is answered
413 and read file by file. Server and client pack and unpack with the functions here, so
both refuse the same things: members that are not regular files, and paths that
:func:`~heron.store.artifacts.paths.safe_relative_path` refuses.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable

from heron.exceptions import InvalidParameter
from heron.store.artifacts.paths import safe_relative_path

ARCHIVE_ROUTE = "/api/2.0/heron/artifacts/archive"
"""Heron's archive route, followed by the directory's path under the proxy's root."""
MAX_ARCHIVE_BYTES = 16 << 20
"""Largest archive, and largest sum of file sizes an archive holds."""
ARCHIVE_TYPE = "application/x-tar"

Files = list[tuple[str, bytes]]
"""``(path relative to the archive's directory, content)`` of each file."""


def pack(files: Iterable[tuple[str, bytes]]) -> bytes:
    """An uncompressed tar (PAX format: any path length, UTF-8) of these files."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path, content in files:
            member = tarfile.TarInfo(safe_relative_path(path))
            member.size = len(content)
            member.mode = 0o644
            archive.addfile(member, io.BytesIO(content))
    return out.getvalue()


def unpack(data: bytes) -> Files:
    """The files of an archive, every one checked before any is returned.

    Raises:
        InvalidParameter: Not a tar, a member that is not a regular file, an unsafe or
            repeated path, or more than :data:`MAX_ARCHIVE_BYTES` of content.
    """
    files: Files = []
    seen: set[str] = set()
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            for member in archive:
                if member.isdir():
                    continue
                if not member.isfile():
                    raise InvalidParameter(
                        f"Invalid archive: '{member.name}' is not a regular file"
                    )
                path = safe_relative_path(member.name)
                if not path or path in seen:
                    raise InvalidParameter(
                        f"Invalid archive: path '{member.name}' repeated or empty"
                    )
                total += member.size
                if total > MAX_ARCHIVE_BYTES:
                    raise InvalidParameter(
                        f"Invalid archive: more than {MAX_ARCHIVE_BYTES} bytes of files"
                    )
                handle = archive.extractfile(member)
                assert handle is not None  # a regular file
                files.append((path, handle.read()))
                seen.add(path)
    except tarfile.TarError as error:
        raise InvalidParameter(f"Invalid archive: {error}") from None
    return files
