"""Parsing search filters into the AST of :mod:`heron.search.ast`.

The grammar (keywords in any case)::

    filter     := or_expr END
    or_expr    := and_expr ("OR" and_expr)*
    and_expr   := primary ("AND" primary)*
    primary    := "(" or_expr ")" | clause
    clause     := identifier comparator [value]
    comparator := = | != | > | >= | < | <= | LIKE | ILIKE | IN | NOT IN | IS NULL | IS NOT NULL
    value      := 'string' | "string" | number | "(" string ("," string)* ")"

``AND`` binds tighter than ``OR``. MLflow accepts only ``AND``; ``OR`` and parentheses are
Heron's extension. ``NOT`` is accepted only inside ``NOT IN`` and ``IS NOT NULL``. Which
identifiers, comparators and values are allowed comes from :mod:`heron.search.grammar`.
"""

from __future__ import annotations

import functools
import re
from typing import cast

from heron.search.ast import And, Comparison, Node, Operator, Or, Value
from heron.search.grammar import ALL_OPS, Field, Vocabulary, get_target
from heron.search.identifiers import IDENTIFIER_EXPECTED, Identifier, join_spaced_key, resolve
from heron.search.lexer import Source, Token, tokenize

MAX_NESTING = 100
MAX_CLAUSES = 200
"""Comparisons one filter may hold (a database refuses expressions past ~1000 terms)."""
_SYMBOL_OPS = frozenset({"=", "!=", ">", ">=", "<", "<="})
_COMPARATORS = "a comparator (" + ", ".join(ALL_OPS) + ")"
_INTEGER_TEXT = re.compile(r"-?[0-9]+")


def parse_filter(filter_string: str | None, target: str) -> Node | None:
    """Parse a search filter for ``target``.

    Args:
        filter_string: The filter, e.g. ``"metrics.rmse < 1 AND params.model = 'tree'"``.
            None, empty or blank means no filter.
        target: ``"runs"``, ``"experiments"``, ``"registered_models"``,
            ``"model_versions"`` or ``"logged_models"``.

    Returns:
        The AST (a :class:`Comparison`, or a flattened :class:`And`/:class:`Or`), or None
        when there is no filter.

    Raises:
        InvalidParameter: The filter is malformed; the message quotes the filter and names
            the offending token and its 0-based character position.
        ValueError: ``target`` is not a known target.
    """
    get_target(target)
    if filter_string is None or not filter_string.strip():
        return None
    return _parse_cached(filter_string, target)


@functools.lru_cache(maxsize=512)
def _parse_cached(filter_string: str, target: str) -> Node:
    # The AST is immutable, so repeated searches with one filter share one parse.
    source = Source("filter", filter_string)
    return _FilterParser(source, tokenize(source), get_target(target).filter).parse()


def _combine(kind: type[And] | type[Or], terms: list[Node]) -> Node:
    """One node for ``terms``: the term itself if alone, else ``kind`` with nested
    nodes of the same kind flattened into it."""
    if len(terms) == 1:
        return terms[0]
    flat: list[Node] = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, kind) else (term,))
    return kind(tuple(flat))


class _FilterParser:
    __slots__ = ("_clauses", "i", "source", "tokens", "vocabulary")

    def __init__(self, source: Source, tokens: list[Token], vocabulary: Vocabulary):
        self.source = source
        self.tokens = tokens
        self.vocabulary = vocabulary
        self.i = 0
        self._clauses = 0

    def _peek(self) -> Token:
        return self.tokens[self.i]

    def _next(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "end":
            self.i += 1
        return token

    def _accept_keyword(self, word: str) -> bool:
        if self._peek().is_keyword(word):
            self.i += 1
            return True
        return False

    def parse(self) -> Node:
        node = self._or_expr(0)
        token = self._peek()
        if token.kind == "rparen":
            raise self.source.unexpected(token, "AND, OR or the end of the filter (unbalanced ')')")
        if token.kind != "end":
            raise self.source.unexpected(token, "AND, OR or the end of the filter")
        return node

    def _or_expr(self, depth: int) -> Node:
        terms = [self._and_expr(depth)]
        while self._accept_keyword("OR"):
            terms.append(self._and_expr(depth))
        return _combine(Or, terms)

    def _and_expr(self, depth: int) -> Node:
        terms = [self._primary(depth)]
        while self._accept_keyword("AND"):
            terms.append(self._primary(depth))
        return _combine(And, terms)

    def _primary(self, depth: int) -> Node:
        token = self._peek()
        if token.kind != "lparen":
            return self._clause()
        if depth >= MAX_NESTING:
            raise self.source.error(
                f"parentheses nested deeper than {MAX_NESTING} at position {token.pos}"
            )
        self._next()
        node = self._or_expr(depth + 1)
        closing = self._next()
        if closing.kind != "rparen":
            raise self.source.unexpected(
                closing, f"AND, OR or ')' to close '(' at position {token.pos}"
            )
        return node

    def _clause(self) -> Comparison:
        token = self._next()
        self._clauses += 1
        if self._clauses > MAX_CLAUSES:
            raise self.source.error(
                f"more than {MAX_CLAUSES} comparisons (at position {token.pos}); "
                "narrow the filter or use IN lists"
            )
        if token.is_keyword("NOT"):
            raise self.source.unexpected(
                token, f"{IDENTIFIER_EXPECTED} (NOT is only supported in NOT IN and IS NOT NULL)"
            )
        if token.is_keyword("AND") or token.is_keyword("OR"):
            raise self.source.unexpected(token, IDENTIFIER_EXPECTED)
        joined = join_spaced_key(self.vocabulary, self.source, token, self._peek())
        if joined is not None:
            token = joined
            self._next()
        ident = resolve(self.vocabulary, self.source, token)
        op, op_token = self._comparator()
        if op not in ident.field.ops:
            raise self.source.error(
                f"comparator '{op}' at position {op_token.pos} is not allowed for "
                f"{_describe(ident)}; expected one of {', '.join(ident.field.ops)}"
            )
        return Comparison(ident.entity, ident.key, cast(Operator, op), self._value(op, ident))

    def _comparator(self) -> tuple[str, Token]:
        token = self._next()
        if token.kind == "op" and token.text in _SYMBOL_OPS:
            return token.text, token
        for word in ("LIKE", "ILIKE", "IN"):
            if token.is_keyword(word):
                return word, token
        if token.is_keyword("NOT"):
            following = self._next()
            if not following.is_keyword("IN"):
                raise self.source.unexpected(following, "IN after NOT")
            return "NOT IN", token
        if token.is_keyword("IS"):
            negated = self._accept_keyword("NOT")
            following = self._next()
            if not following.is_keyword("NULL"):
                raise self.source.unexpected(following, "NULL" if negated else "NULL or NOT NULL")
            return ("IS NOT NULL" if negated else "IS NULL"), token
        raise self.source.unexpected(token, _COMPARATORS)

    def _value(self, op: str, ident: Identifier) -> Value:
        if op in ("IS NULL", "IS NOT NULL"):
            return None
        if op in ("IN", "NOT IN"):
            return self._string_list(ident.field)
        return self._scalar(ident)

    def _scalar(self, ident: Identifier) -> str | int | float:
        token = self._next()
        kind = ident.field.value
        if kind == "integer_string":
            if token.kind == "number" or (token.kind == "string" and token.quote != "`"):
                return self._integer_string(token)
        elif kind == "string":
            if token.kind == "string" and token.quote != "`":
                return token.value
        elif token.kind == "number":
            return self._number(token, integral=kind == "integer")
        raise self.source.unexpected(token, _expected_value(ident))

    def _number(self, token: Token, integral: bool) -> int | float:
        if _INTEGER_TEXT.fullmatch(token.value):
            return int(token.value)
        if integral:
            raise self.source.unexpected(token, "an integer (milliseconds since the epoch)")
        return float(token.value)

    def _integer_string(self, token: Token) -> str:
        text = token.value.strip()
        if not _INTEGER_TEXT.fullmatch(text):
            raise self.source.unexpected(token, "an integer id such as '1'")
        return str(int(text))

    def _string_list(self, field: Field) -> tuple[str, ...]:
        opening = self._next()
        if opening.kind != "lparen":
            raise self.source.unexpected(opening, "'(' starting a list of quoted strings")
        if self._peek().kind == "rparen":
            raise self.source.unexpected(self._peek(), "a quoted string (IN lists can't be empty)")
        values: list[str] = []
        while True:
            token = self._next()
            if token.kind != "string" or token.quote == "`":
                raise self.source.unexpected(token, "a quoted string")
            if field.value == "integer_string":
                values.append(self._integer_string(token))
            else:
                values.append(token.value)
            separator = self._next()
            if separator.kind == "rparen":
                return tuple(values)
            if separator.kind != "comma":
                raise self.source.unexpected(separator, "',' or ')'")


def _describe(ident: Identifier) -> str:
    if ident.entity in ("attribute", "dataset"):
        return f"{ident.entity} '{ident.key}'"
    return f"{ident.entity}s"


def _expected_value(ident: Identifier) -> str:
    kind = ident.field.value
    if kind == "string":
        return f"a quoted string value for {_describe(ident)}"
    if kind == "integer_string":
        return f"a quoted integer id for {_describe(ident)}"
    if kind == "integer":
        return f"an unquoted integer for {_describe(ident)}"
    return f"an unquoted number for {_describe(ident)}"
