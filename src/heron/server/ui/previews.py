"""Previews of artifact files that never read a large file whole.

A file's kind comes from its name (and, for a name that says nothing, from its first bytes);
text is read up to :data:`TEXT_HEAD` bytes, CSV/TSV is read as a stream only up to the page
asked for (and never past :data:`CSV_SCAN_LIMIT`), JSON is parsed only when small. Files
the browser shows itself (images, PDF, HTML, SVG) are previewed only under a size cap.
Everything returned is plain data: the templates escape it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from heron.entities import FileInfo
from heron.exceptions import NotFound
from heron.store.artifacts.base import ArtifactReader, ArtifactRepository

TEXT_HEAD = 256 * 1000
"""Bytes of a text file shown."""
JSON_PARSE_LIMIT = 5 * 1000 * 1000
"""Largest JSON file parsed (to pretty-print it or show it as a table)."""
CSV_SCAN_LIMIT = 64 * 1000 * 1000
"""Bytes of a CSV file read at most to reach a page of rows."""
ROWS_PER_PAGE = 100
MAX_CELL = 1000
"""Characters of a table cell shown."""
INLINE_LIMITS = {"image": 50_000_000, "pdf": 50_000_000, "html": 5_000_000, "svg": 5_000_000}
"""Largest file shown by the browser itself, per kind."""

IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "bmp", "ico"})
_KINDS = {
    **dict.fromkeys(IMAGE_EXTENSIONS, "image"),
    "svg": "svg",
    "html": "html",
    "htm": "html",
    "pdf": "pdf",
    "csv": "csv",
    "tsv": "csv",
    "json": "json",
    "md": "markdown",
    "markdown": "markdown",
}
_BINARY_EXTENSIONS = frozenset(
    [
        "pkl",
        "pickle",
        "joblib",
        "bin",
        "pt",
        "pth",
        "onnx",
        "h5",
        "hdf5",
        "npy",
        "npz",
        "parquet",
        "zip",
        "gz",
        "tgz",
        "tar",
        "whl",
        "so",
        "dylib",
        "exe",
        "db",
        "sqlite",
        "ckpt",
        "safetensors",
        "pb",
        "tflite",
        "mp3",
        "mp4",
        "wav",
        "avi",
        "mov",
    ]
)


@dataclass
class Table:
    """Rows of a table: a header, the rows of one page, and where the next page starts."""

    columns: list[str]
    rows: list[list[str]]
    offset: int
    next_offset: int | None = None
    note: str | None = None


@dataclass
class Preview:
    """What the preview pane shows for one file.

    ``kind``: ``image``, ``svg``, ``html``, ``pdf`` (shown by the browser), ``table``,
    ``json``, ``markdown``, ``text``, ``binary`` (size and download only) or ``too_large``.
    """

    path: str
    name: str
    size: int | None
    kind: str
    text: str = ""
    table: Table | None = None
    shown_bytes: int | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def truncated(self) -> bool:
        """Whether only the head of the file is shown."""
        return (
            self.shown_bytes is not None and self.size is not None and self.shown_bytes < self.size
        )


def extension(name: str) -> str:
    """A file name's extension, lower case, without the dot."""
    return posixpath.splitext(name)[1].lstrip(".").lower()


def kind_of(name: str) -> str:
    """The preview kind a file name suggests; ``text`` when it suggests none."""
    ext = extension(name)
    if ext in _BINARY_EXTENSIONS:
        return "binary"
    return _KINDS.get(ext, "text")


def stat(repository: ArtifactRepository, path: str) -> FileInfo:
    """The listing entry of ``path`` (a file or a folder).

    Raises:
        NotFound: There is nothing at ``path``.
    """
    if not path:
        return FileInfo("", True, None)
    parent = posixpath.dirname(path)
    for info in repository.list_artifacts(parent or None):
        if info.path == path:
            return info
    raise NotFound(f"No such artifact: '{path}'")


def read_head(repository: ArtifactRepository, path: str, limit: int) -> bytes:
    """The first ``limit`` bytes of a file (fewer if it is shorter); the rest is not read."""
    reader = repository.open_read(path)
    try:
        chunks, size = [], 0
        for chunk in reader:
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
        return b"".join(chunks)[:limit]
    finally:
        reader.close()


def decode_text(data: bytes) -> str | None:
    """UTF-8 text (a character cut at the end is dropped; a few bad bytes shown as
    U+FFFD), or None for binary data (NUL bytes, or mostly undecodable)."""
    if b"\x00" in data[:8192]:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    text: str = decoder.decode(data, final=False)
    if text.count("\ufffd") > len(text) // 4:
        return None
    return text


def preview(
    repository: ArtifactRepository, info: FileInfo, offset: int = 0, kind: str | None = None
) -> Preview:
    """The preview of one file (``offset``: the first row of a table page).

    Args:
        repository: The run's artifact root.
        info: The file's listing entry.
        offset: The first row shown, for tables.
        kind: The kind to show it as (by default: :func:`kind_of` its name).
    """
    name = posixpath.basename(info.path)
    size = info.file_size
    chosen = kind or kind_of(name)
    shown = Preview(info.path, name, size, chosen)
    limit = INLINE_LIMITS.get(chosen)
    if limit is not None:
        if size is not None and size > limit:
            shown.kind = "too_large"
            shown.extras["limit"] = limit
        return shown
    if chosen == "binary":
        return shown
    if chosen == "csv":
        delimiter = "\t" if extension(name) == "tsv" else ","
        shown.table = csv_page(repository, info.path, delimiter, offset)
        return shown
    if chosen == "json" and (size is None or size <= JSON_PARSE_LIMIT):
        return _json_preview(repository, shown, offset)
    return _text_preview(repository, shown, chosen)


def _text_preview(repository: ArtifactRepository, shown: Preview, kind: str) -> Preview:
    head = read_head(repository, shown.path, TEXT_HEAD)
    text = decode_text(head)
    if text is None:
        shown.kind = "binary"
        return shown
    shown.kind = "markdown" if kind == "markdown" else "text"
    shown.text = text
    shown.shown_bytes = len(head)
    return shown


def _json_preview(repository: ArtifactRepository, shown: Preview, offset: int) -> Preview:
    data = read_head(repository, shown.path, JSON_PARSE_LIMIT + 1)
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return _text_preview(repository, shown, "text")
    table = logged_table(value, offset)
    if table is not None:
        shown.kind, shown.table = "table", table
        return shown
    pretty = json.dumps(value, indent=2, ensure_ascii=False)
    shown.text = pretty[:TEXT_HEAD]
    if len(pretty) > TEXT_HEAD:
        shown.extras["cut"] = True
    return shown


def cell(value: Any) -> str:
    """A table cell as text (JSON for lists and objects), cut to :data:`MAX_CELL`."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"


def logged_table(value: Any, offset: int = 0, page: int = ROWS_PER_PAGE) -> Table | None:
    """A table of ``{"columns": [...], "data": [[...], ...]}`` (``log_table``'s JSON, a
    DataFrame's ``split`` orient), one page of it; None for other JSON."""
    if not isinstance(value, dict):
        return None
    columns, data = value.get("columns"), value.get("data")
    if not isinstance(columns, list) or not isinstance(data, list):
        return None
    if not all(isinstance(row, list) for row in data):
        return None
    rows = [[cell(item) for item in row] for row in data[offset : offset + page]]
    following = offset + page if offset + page < len(data) else None
    return Table([cell(c) for c in columns], rows, offset, following)


class _ChunkStream(io.RawIOBase):
    """A reader's chunks as a file object, counting what was read (for a byte budget)."""

    def __init__(self, reader: ArtifactReader):
        self._chunks: Iterator[bytes] = iter(reader)
        self._pending = b""
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._pending:
            self._pending = next(self._chunks, b"")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.consumed += size
        return size


def csv_page(
    repository: ArtifactRepository,
    path: str,
    delimiter: str,
    offset: int = 0,
    page: int = ROWS_PER_PAGE,
) -> Table:
    """The header and rows ``offset`` to ``offset + page`` of a CSV/TSV file, read as a
    stream that stops once the page is full (or after :data:`CSV_SCAN_LIMIT` bytes)."""
    reader = repository.open_read(path)
    try:
        raw = _ChunkStream(reader)
        text = io.TextIOWrapper(io.BufferedReader(raw), "utf-8", errors="replace", newline="")
        rows = csv.reader(text, delimiter=delimiter)
        header = [cell(c) for c in next(rows, [])]
        found: list[list[str]] = []
        more, note = False, None
        for number, row in enumerate(rows):
            if number >= offset + page:
                more = True
                break
            if number >= offset:
                found.append([cell(c) for c in row])
            if raw.consumed > CSV_SCAN_LIMIT:
                note = f"Rows past the first {CSV_SCAN_LIMIT // 1_000_000} MB: download the file."
                break
        return Table(header, found, offset, offset + page if more else None, note)
    except csv.Error as error:
        return Table([], [], offset, None, f"Not a readable table: {error}")
    finally:
        reader.close()
