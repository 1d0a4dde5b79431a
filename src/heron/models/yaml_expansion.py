"""A bound on what a YAML document becomes once its aliases are expanded.

YAML aliases (``*a``) reuse a node, so a few hundred bytes (a "billion laughs" document:
nine lists of nine references to the list before) parse in microseconds into a structure
that anything walking it (printing, copying, rendering a page) expands to billions of values.
An MLmodel file is read by the server for its pages, by clients and by model servers, so it
is refused when it would expand past :data:`MAX_EXPANDED_VALUES` values or refers to itself.
"""

from __future__ import annotations

from typing import Any

from heron.exceptions import InvalidParameter

MAX_EXPANDED_VALUES = 1_000_000
"""Values (mapping keys and values, list items) a YAML document may expand to."""


def check_expansion(document: Any, what: str, limit: int = MAX_EXPANDED_VALUES) -> None:
    """Refuse a parsed YAML document that expands past ``limit`` values, or a recursive one.

    Args:
        document: What the YAML loader returned.
        what: The document, for the error (``"The MLmodel file"``).
        limit: Most values allowed.

    Raises:
        InvalidParameter: the document is too large once expanded, or contains itself.
    """
    sizes: dict[int, int] = {}  # expanded size of each container, by id (aliases share one)
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        items = _children(node)
        if not children_done:
            if key in open_:
                raise InvalidParameter(f"{what} refers to itself (a recursive YAML alias).")
            open_.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in items if _is_container(child))
            continue
        open_.discard(key)
        total = 1 + sum(sizes.get(id(c), 1) if _is_container(c) else 1 for c in items)
        if total > limit:
            raise InvalidParameter(
                f"{what} expands to more than {limit} values through its YAML aliases."
            )
        sizes[key] = total


def _is_container(value: Any) -> bool:
    return isinstance(value, (dict, list))


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [*node.keys(), *node.values()]
    if isinstance(node, list):
        return node
    return []
