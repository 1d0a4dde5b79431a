"""Heron's statements rewritten for MySQL and MariaDB, in one place.

The stores write one SQL text for every database (``?`` placeholders, SQLite/PostgreSQL
spellings). MySQL connections run with ``ANSI_QUOTES`` and ``PIPES_AS_CONCAT``, so quoting
and ``||`` need no change; what MySQL spells differently is rewritten here, once per
distinct statement (cached):

- ``?`` placeholders become PyMySQL's ``%s``;
- the column names MySQL reserves (``key``, ``schema``) are quoted;
- ``INSERT ... ON CONFLICT DO NOTHING`` becomes ``INSERT IGNORE``;
- ``ON CONFLICT (...) DO UPDATE SET c = excluded.c [WHERE cond]`` becomes ``ON DUPLICATE
  KEY UPDATE c = VALUES(c)``; a ``WHERE`` is evaluated once per row, before any column
  changes, into a session variable every assignment tests;
- ``INSERT ... RETURNING id`` (MySQL has no RETURNING) reads the auto-increment id the
  insert generated; ``UPDATE ... RETURNING cols`` selects the rows ``FOR UPDATE`` first;
- ``CAST(x AS BIGINT)`` becomes ``CAST(x AS SIGNED)``;
- ``x IN (SELECT ... LIMIT ...)`` (MySQL refuses LIMIT there) selects from the limited
  query as a derived table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

_STRING_LITERAL = re.compile(r"('(?:[^']|'')*')")
_RESERVED_COLUMNS = re.compile(r'(?<![\w"`])(key|schema)(?![\w"`])')
_CONFLICT_NOTHING = re.compile(r"\s+ON CONFLICT(?:\s*\([^)]*\))?\s+DO NOTHING")
_CONFLICT_UPDATE = re.compile(r"\s+ON CONFLICT\s*\([^)]*\)\s+DO UPDATE SET\s+(.*)$", re.S)
_EXCLUDED = re.compile(r"\bexcluded\.(\w+)")
_RETURNING = re.compile(r"\s+RETURNING\s+(.+)$", re.S)
_UPDATE = re.compile(r"^\s*UPDATE\s+(\w+)\s+SET\s+(.*?)\s+WHERE\s+(.*)$", re.S)
_CAST_BIGINT = re.compile(r"\bAS BIGINT\)")
_UPSERT_FLAG = "@heron_upsert"
_IN_SELECT = re.compile(r"\bIN\s*\(\s*SELECT\b")
_LIMIT = re.compile(r"\bLIMIT\b")


@dataclass(frozen=True)
class MysqlStatement:
    """One statement as MySQL runs it.

    Attributes:
        sql: The statement, with ``%s`` placeholders.
        returning: ``"insert_id"`` when the caller expects the inserted row's
            auto-increment id as the statement's one row; ``"select_first"`` when
            :attr:`select` must run (with the last :attr:`where_parameters` parameters)
            before :attr:`sql`, its rows being the statement's result; ``""`` otherwise.
        select: The ``SELECT ... FOR UPDATE`` of an ``UPDATE ... RETURNING``.
        where_parameters: How many of the statement's trailing parameters the select uses.
    """

    sql: str
    returning: str = ""
    select: str = ""
    where_parameters: int = 0


@lru_cache(maxsize=4096)
def to_mysql(sql: str) -> MysqlStatement:
    """``sql`` (Heron's common spelling) as MySQL/MariaDB runs it."""
    text = _outside_literals(sql, _quote_reserved)
    returning = ""
    select = ""
    where_parameters = 0
    found = _RETURNING.search(text)
    if found is not None and text.lstrip().upper().startswith("UPDATE"):
        text = text[: found.start()]
        update = _UPDATE.match(text)
        if update is None:
            raise ValueError(f"Cannot run UPDATE ... RETURNING on MySQL: {sql}")
        table, _, where = update.groups()
        select = f"SELECT {found.group(1)} FROM {table} WHERE {where} FOR UPDATE"
        where_parameters = where.count("?")
        returning = "select_first"
    elif found is not None:
        text = text[: found.start()]
        returning = "insert_id"
    if _CONFLICT_NOTHING.search(text):
        text = _CONFLICT_NOTHING.sub("", text)
        text = re.sub(r"^\s*INSERT\s+INTO", "INSERT IGNORE INTO", text, count=1)
    conflict = _CONFLICT_UPDATE.search(text)
    if conflict is not None:
        text = (
            text[: conflict.start()] + " ON DUPLICATE KEY UPDATE " + _assignments(conflict.group(1))
        )
    text = _CAST_BIGINT.sub("AS SIGNED)", text)
    text = _derive_limited_subqueries(text)
    return MysqlStatement(
        _outside_literals(text, _to_pyformat, _literal_pyformat),
        returning,
        _outside_literals(select, _to_pyformat, _literal_pyformat),
        where_parameters,
    )


def _assignments(clause: str) -> str:
    """``a = excluded.a, ... [WHERE cond]`` as ON DUPLICATE KEY UPDATE assignments."""
    assignments, _, condition = clause.partition(" WHERE ")
    parts = [part.strip() for part in _split_top_level(assignments)]
    parts = [_EXCLUDED.sub(r"VALUES(\1)", part) for part in parts]
    if not condition:
        return ", ".join(parts)
    test = _EXCLUDED.sub(r"VALUES(\1)", condition.strip())
    guarded = []
    for index, part in enumerate(parts):
        column, _, value = part.partition("=")
        column = column.strip()
        flag = f"({_UPSERT_FLAG} := ({test}))" if index == 0 else _UPSERT_FLAG
        guarded.append(f"{column} = IF({flag}, {value.strip()}, {column})")
    return ", ".join(guarded)


def _derive_limited_subqueries(text: str) -> str:
    """``IN (SELECT ... LIMIT ...)`` as ``IN (SELECT * FROM (SELECT ... LIMIT ...) AS l)``."""
    start = 0
    while (found := _IN_SELECT.search(text, start)) is not None:
        open_at = found.end() - len("SELECT") - 1
        depth, close_at = 0, -1
        for index in range(open_at, len(text)):
            if text[index] == "(":
                depth += 1
            elif text[index] == ")":
                depth -= 1
                if depth == 0:
                    close_at = index
                    break
        if close_at < 0:
            return text
        inner = text[open_at + 1 : close_at]
        if _LIMIT.search(_without_parenthesised(inner)):
            inner = f"SELECT * FROM ({inner}) AS limited_subquery"
            text = f"{text[: open_at + 1]}{inner}{text[close_at:]}"
        start = found.end()
    return text


def _without_parenthesised(text: str) -> str:
    """``text`` without its parenthesised parts (to find its own top-level clauses)."""
    kept, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def _split_top_level(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _quote_reserved(text: str) -> str:
    return _RESERVED_COLUMNS.sub(r'"\1"', text)


def _to_pyformat(text: str) -> str:
    return text.replace("%", "%%").replace("?", "%s")


def _literal_pyformat(text: str) -> str:
    return text.replace("%", "%%")


def _outside_literals(
    sql: str, rewrite: Callable[[str], str], literal: Callable[[str], str] = str
) -> str:
    """``sql`` with ``rewrite`` applied to everything but its string literals (to which
    ``literal`` is applied)."""
    pieces = _STRING_LITERAL.split(sql)
    return "".join(
        literal(piece) if index % 2 else rewrite(piece) for index, piece in enumerate(pieces)
    ).strip()
