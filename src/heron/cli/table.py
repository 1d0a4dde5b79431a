"""Plain-text tables that fit a terminal: columns shrink, long cells lose their middle."""

from __future__ import annotations

from collections.abc import Sequence

ELLIPSIS = "..."
MIN_COLUMN = 8


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters by replacing its middle with ``...``."""
    if len(text) <= width:
        return text
    if width <= len(ELLIPSIS):
        return text[:width]
    keep = width - len(ELLIPSIS)
    head = (keep + 1) // 2
    return text[:head] + ELLIPSIS + text[len(text) - (keep - head) :]


def _fit(widths: list[int], budget: int) -> list[int]:
    """Narrow the widest columns, one character at a time, until they fit ``budget``."""
    widths = list(widths)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]], width: int = 80) -> str:
    """A table with a header line and a rule, at most ``width`` characters wide.

    Args:
        headers: Column titles.
        rows: Cells, converted with ``str``; None shows as empty.
        width: The widest a line may be.
    """
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    natural = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    gap = 2
    widths = _fit(natural, width - gap * (len(headers) - 1))

    def line(values: Sequence[str]) -> str:
        padded = [shorten(v, w).ljust(w) for v, w in zip(values, widths, strict=True)]
        return (" " * gap).join(padded).rstrip()

    rule = (" " * gap).join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in cells)])
