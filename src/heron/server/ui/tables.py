"""Tables of artifact files: CSV/TSV read as a stream up to the page asked for (never past
:data:`CSV_SCAN_LIMIT` bytes), and ``log_table``'s JSON (``{"columns", "data"}``). Cells are
plain text, cut to :data:`MAX_CELL` characters; the templates escape them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from heron.store.artifacts.base import ArtifactReader, ArtifactRepository

CSV_SCAN_LIMIT = 64 * 1000 * 1000
"""Bytes of a CSV file read at most to reach a page of rows."""
ROWS_PER_PAGE = 100
MAX_CELL = 1000
"""Characters of a table cell shown."""


@dataclass
class Table:
    """Rows of a table: a header, the rows of one page, and where the next page starts."""

    columns: list[str]
    rows: list[list[str]]
    offset: int
    next_offset: int | None = None
    note: str | None = None


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
