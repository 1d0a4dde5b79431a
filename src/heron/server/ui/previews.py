"""Previews of artifact files that never read a large file whole.

A file's kind comes from its name (and, for a name that says nothing, from its first bytes);
text is read up to :data:`TEXT_HEAD` bytes, CSV/TSV is read as a stream only up to the page
asked for (:mod:`.tables`), JSON is parsed only when small. Files
the browser shows itself (images, PDF, HTML, SVG) are previewed only under a size cap.
Everything returned is plain data: the templates escape it.
"""

from __future__ import annotations

import codecs
import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

from heron.entities import FileInfo
from heron.exceptions import NotFound
from heron.server.ui.tables import Table, csv_page, logged_table
from heron.store.artifacts.base import ArtifactRepository

TEXT_HEAD = 256 * 1000
"""Bytes of a text file shown."""
JSON_PARSE_LIMIT = 5 * 1000 * 1000
"""Largest JSON file parsed (to pretty-print it or show it as a table)."""
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
