"""The parsed form of a search filter and of order_by clauses.

The parser (``heron.search.parser``) produces these; the Python evaluator
(``heron.search.evaluate``) and the SQL store's compiler both consume them, so the grammar
is written once. Identifiers are normalised: ``entity`` is one of :data:`ENTITIES`, and
attribute keys are canonical (``created`` becomes ``start_time``, ``run name`` becomes
``run_name``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Entity = Literal["attribute", "metric", "param", "tag", "dataset"]
ENTITIES: tuple[str, ...] = ("attribute", "metric", "param", "tag", "dataset")

Operator = Literal[
    "=", "!=", ">", ">=", "<", "<=", "LIKE", "ILIKE", "IN", "NOT IN", "IS NULL", "IS NOT NULL"
]

Value = str | int | float | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """``<entity>.<key> <op> <value>``. ``value`` is None for IS [NOT] NULL, a tuple of
    strings for IN / NOT IN, a number for numeric comparisons, else a string."""

    entity: Entity
    key: str
    op: Operator
    value: Value


@dataclass(frozen=True, slots=True)
class And:
    """All of ``terms`` hold."""

    terms: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one of ``terms`` holds."""

    terms: tuple[Node, ...]


Node = Comparison | And | Or


@dataclass(frozen=True, slots=True)
class OrderKey:
    """One order_by element: ``<entity>.<key> ASC|DESC``."""

    entity: Entity
    key: str
    ascending: bool = True
