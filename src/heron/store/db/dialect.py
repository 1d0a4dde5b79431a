"""The few SQL spellings that differ between SQLite, PostgreSQL and MySQL.

Every statement Heron writes uses ``?`` placeholders; the PostgreSQL cursor translates
them. What cannot be translated mechanically (pattern matching, "one of these values",
string ordering) is spelled by a :class:`Dialect`. MySQL's other differences (upserts,
RETURNING, reserved column names) are rewritten by :mod:`heron.store.db.mysql_statements`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache


class Dialect:
    """SQL spellings of one database dialect."""

    name = ""
    #: Appended to a string expression in ORDER BY so strings sort by code point.
    binary_collation = ""

    def match(self, column: str, op: str, pattern: str) -> tuple[str, list[object]]:
        """``column LIKE pattern`` (case-sensitive) or ``ILIKE`` (case-insensitive).

        ``%`` and ``_`` are the only wildcards; every other character, backslash
        included, matches itself.
        """
        raise NotImplementedError

    def one_of(self, column: str, values: Sequence[object]) -> tuple[str, list[object]]:
        """``column`` equals one of ``values``, as one placeholder whatever their number."""
        if len(values) == 1:
            return f"{column} = ?", [values[0]]
        return self._one_of_many(column, values)

    def _one_of_many(self, column: str, values: Sequence[object]) -> tuple[str, list[object]]:
        raise NotImplementedError

    def json_object_agg(self, key: str, value: str) -> str:
        """An aggregate giving the group's ``{key: value}`` as JSON text (None or ``{}``
        for no rows)."""
        raise NotImplementedError

    def json_array_agg(self, value: str) -> str:
        """An aggregate giving the group's values as a JSON array text (None or ``[]``
        for no rows)."""
        raise NotImplementedError


class SqliteDialect(Dialect):
    """SQLite: GLOB for case-sensitive matching, JSON arrays for value lists."""

    name = "sqlite"

    def match(self, column: str, op: str, pattern: str) -> tuple[str, list[object]]:
        """See :meth:`Dialect.match`. SQLite's LIKE ignores (ASCII) case, its GLOB does not."""
        if op == "ILIKE":
            return f"{column} LIKE ?", [pattern]
        return f"{column} GLOB ?", [like_to_glob(pattern)]

    def _one_of_many(self, column: str, values: Sequence[object]) -> tuple[str, list[object]]:
        return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(list(values))]

    def json_object_agg(self, key: str, value: str) -> str:
        """See :meth:`Dialect.json_object_agg`."""
        return f"json_group_object({key}, {value})"

    def json_array_agg(self, value: str) -> str:
        """See :meth:`Dialect.json_array_agg`."""
        return f"json_group_array({value})"


class PostgresDialect(Dialect):
    """PostgreSQL: LIKE/ILIKE without an escape character, arrays for value lists."""

    name = "postgresql"
    binary_collation = ' COLLATE "C"'

    def match(self, column: str, op: str, pattern: str) -> tuple[str, list[object]]:
        """See :meth:`Dialect.match`."""
        return f"{column} {op} ? ESCAPE ''", [pattern]

    def _one_of_many(self, column: str, values: Sequence[object]) -> tuple[str, list[object]]:
        return f"{column} = ANY(?)", [list(values)]

    def json_object_agg(self, key: str, value: str) -> str:
        """See :meth:`Dialect.json_object_agg`."""
        return f"json_object_agg({key}, {value})::text"

    def json_array_agg(self, value: str) -> str:
        """See :meth:`Dialect.json_array_agg`."""
        return f"json_agg({value})::text"


class MysqlDialect(Dialect):
    """MySQL/MariaDB: tables use the utf8mb4_bin collation (case-sensitive, code point
    order); LIKE's escape character (backslash) is escaped in patterns."""

    name = "mysql"
    binary_collation = " COLLATE utf8mb4_bin"

    def match(self, column: str, op: str, pattern: str) -> tuple[str, list[object]]:
        """See :meth:`Dialect.match`."""
        literal = pattern.replace("\\", "\\\\")
        if op == "ILIKE":
            return f"LOWER({column}) LIKE LOWER(?)", [literal]
        return f"{column} LIKE ?{self.binary_collation}", [literal]

    def _one_of_many(self, column: str, values: Sequence[object]) -> tuple[str, list[object]]:
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)

    def json_object_agg(self, key: str, value: str) -> str:
        """See :meth:`Dialect.json_object_agg`."""
        return f"JSON_OBJECTAGG({key}, {value})"

    def json_array_agg(self, value: str) -> str:
        """See :meth:`Dialect.json_array_agg`."""
        return f"JSON_ARRAYAGG({value})"


_GLOB_ESCAPES = {"%": "*", "_": "?", "*": "[*]", "?": "[?]", "[": "[[]"}


def like_to_glob(pattern: str) -> str:
    """Translate a SQL LIKE pattern to the equivalent (case-sensitive) GLOB pattern."""
    return "".join(_GLOB_ESCAPES.get(char, char) for char in pattern)


@lru_cache(maxsize=4096)
def qmark_to_pyformat(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s`` (doubling any literal ``%``)."""
    return sql.replace("%", "%%").replace("?", "%s")


def dialect_for(name: str) -> Dialect:
    """The dialect called ``name``."""
    if name == "mysql":
        return MysqlDialect()
    return SqliteDialect() if name == "sqlite" else PostgresDialect()
