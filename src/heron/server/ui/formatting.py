"""Jinja2 filters: times, durations, numbers and sizes as people read them.

Each takes the raw value the stores hold and returns plain text (autoescaped on output).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from markupsafe import Markup


def timestamp(millis: int | None) -> str:
    """``2026-12-07 17:48:04`` (UTC) from milliseconds since the epoch; ``-`` for none."""
    if millis is None:
        return "-"
    moment = dt.datetime.fromtimestamp(millis / 1000, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def iso_time(millis: int | None) -> str:
    """An ISO 8601 UTC time for ``<time datetime=...>``."""
    if millis is None:
        return ""
    moment = dt.datetime.fromtimestamp(millis / 1000, tz=dt.timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def duration(start: int | None, end: int | None) -> str:
    """``1.2s``, ``3.4min``, ``5.6h``, ``7.8d`` between two millisecond times."""
    if start is None or end is None or end < start:
        return "-"
    seconds = (end - start) / 1000
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.1f}s"


def number(value: Any) -> str:
    """A metric value: up to 6 significant digits, ``NaN``/``inf`` as such."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
    return f"{value:.6g}"


def size(num_bytes: int | None) -> str:
    """``532 B``, ``1.2 kB``, ``3.4 MB``, ...; ``-`` for a folder (no size)."""
    if num_bytes is None:
        return "-"
    value = float(num_bytes)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{num_bytes} B"


class TagItem(NamedTuple):
    """A tag as templates read it: ``tag.key``, ``tag.value``."""

    key: str
    value: str


def markdown(text: str | None) -> Markup:
    """Markdown as safe HTML: raw HTML in the source is shown as text, and links or images
    with ``javascript:``, ``vbscript:``, ``file:`` or non-image ``data:`` URLs are dropped."""
    if not text:
        return Markup("")
    return Markup(_markdown_renderer().render(text))


_TEXT_PIECES = {"text", "code_inline", "softbreak", "hardbreak"}
_SUMMARY_SOURCE_LIMIT = 4000
"""Characters of a description read for its one-line summary in list tables."""


def markdown_text(text: str | None) -> str:
    """The words of a markdown text without its markup (``# Title **bold**`` -> ``Title
    bold``), blocks joined by spaces: a description's summary in a list table."""
    if not text:
        return ""
    parts: list[str] = []
    for token in _markdown_renderer().parse(text[:_SUMMARY_SOURCE_LIMIT]):
        if token.type == "inline":
            pieces = [
                " " if child.type.endswith("break") else str(child.content)
                for child in token.children or []
                if child.type in _TEXT_PIECES
            ]
            parts.append("".join(pieces).strip())
        elif token.type in ("fence", "code_block"):
            parts.append(" ".join(token.content.split()))
    return " ".join(part for part in parts if part)


@functools.cache
def _markdown_renderer() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def string_literal(text: str) -> str:
    """``text`` as a double-quoted Python (and JSON) string literal, for code snippets.

    Plain text, so autoescaping applies to it (Jinja's ``tojson`` gives markup, whose
    quotes ended a ``data-copy`` attribute early: the copy button copied half a line).
    """
    return json.dumps(text)


def tag_items(tags: Mapping[str, str]) -> list[TagItem]:
    """A ``{key: value}`` mapping of tags as items sorted by key."""
    return [TagItem(key, tags[key]) for key in sorted(tags)]


def hidden_tag(tag: TagItem) -> bool:
    """Whether a tag is one of MLflow's own (``mlflow.*``), shown elsewhere on a page."""
    return tag.key.startswith("mlflow.")


TESTS: dict[str, Callable[..., bool]] = {"hidden_tag": hidden_tag}

FILTERS: dict[str, Callable[..., Any]] = {
    "tag_items": tag_items,
    "markdown": markdown,
    "markdown_text": markdown_text,
    "string_literal": string_literal,
    "timestamp": timestamp,
    "iso_time": iso_time,
    "duration": duration,
    "number": number,
    "size": size,
}
