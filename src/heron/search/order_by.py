"""Parsing ``order_by`` lists: each element is ``<identifier> [ASC|DESC]``."""

from __future__ import annotations

from collections.abc import Sequence

from heron.exceptions import InvalidParameter
from heron.search.ast import OrderKey
from heron.search.grammar import get_target
from heron.search.identifiers import join_spaced_key, resolve
from heron.search.lexer import Source, quote, tokenize

MAX_ORDER_BY = 16
"""Most ``order_by`` clauses in one search. Each param, tag or metric clause is a join, and
SQLite 3.40 crashes the whole process on some queries with 32 such joins (one request
would stop the server), besides its hard limit of 64 tables in a join."""


def parse_order_by(order_by: Sequence[str] | None, target: str) -> list[OrderKey]:
    """Parse the ``order_by`` argument of a search over ``target``.

    Args:
        order_by: Elements such as ``"metrics.rmse DESC"``, ``"start_time"``,
            ``"tags.`release date` asc"``. None or empty means the target's default order.
        target: ``"runs"``, ``"experiments"``, ``"registered_models"``,
            ``"model_versions"`` or ``"logged_models"``.

    Returns:
        One :class:`OrderKey` per element, in order, with canonical entity and key.

    Raises:
        InvalidParameter: For more than :data:`MAX_ORDER_BY` elements, an element that is
            not a string, an unknown identifier, a direction other than ASC/DESC, extra
            tokens, or two elements naming one key.
        ValueError: ``target`` is not a known target.
    """
    vocabulary = get_target(target).order_by
    if order_by is not None and len(order_by) > MAX_ORDER_BY:
        raise InvalidParameter(
            f"Invalid order_by: at most {MAX_ORDER_BY} clauses are allowed, got {len(order_by)}"
        )
    keys: list[OrderKey] = []
    seen: dict[tuple[str, str], str] = {}
    for element in order_by or ():
        if not isinstance(element, str):
            raise InvalidParameter(f"Invalid order_by clause {element!r}: expected a string")
        source = Source("order_by clause", element)
        tokens = tokenize(source)
        joined = join_spaced_key(vocabulary, source, tokens[0], tokens[1]) if tokens[1:] else None
        if joined is not None:
            tokens = [joined, *tokens[2:]]
        ident = resolve(vocabulary, source, tokens[0])
        ascending = True
        rest = tokens[1:]
        if rest[0].is_keyword("ASC") or rest[0].is_keyword("DESC"):
            ascending = rest[0].is_keyword("ASC")
            rest = rest[1:]
        if rest[0].kind != "end":
            raise source.unexpected(rest[0], "ASC, DESC or the end of the clause")
        previous = seen.get((ident.entity, ident.key))
        if previous is not None:
            raise InvalidParameter(
                f"Invalid order_by: clauses {quote(previous)} and {quote(element)} "
                f"both order by {ident.entity} '{ident.key}'"
            )
        seen[ident.entity, ident.key] = element
        keys.append(OrderKey(ident.entity, ident.key, ascending))
    return keys
