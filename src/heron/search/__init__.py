"""The search grammar, once: filter and order_by parsing, and their Python semantics.

``parse_filter`` and ``parse_order_by`` turn MLflow's search syntax (plus ``OR`` and
parentheses) into the AST of :mod:`heron.search.ast`; SQL stores compile that AST, and
in-memory stores evaluate it with ``matches_run``/``matches_experiment`` and
``sort_runs``/``sort_experiments``, which also define what every store must return.
"""

from __future__ import annotations

from heron.search.ast import ENTITIES, And, Comparison, Entity, Node, Operator, Or, OrderKey, Value
from heron.search.evaluate import (
    like_regex,
    matches_experiment,
    matches_run,
    sort_experiments,
    sort_runs,
)
from heron.search.grammar import TARGETS
from heron.search.lexer import string_literal
from heron.search.order_by import parse_order_by
from heron.search.parser import parse_filter

__all__ = [
    "ENTITIES",
    "TARGETS",
    "And",
    "Comparison",
    "Entity",
    "Node",
    "Operator",
    "Or",
    "OrderKey",
    "Value",
    "like_regex",
    "matches_experiment",
    "matches_run",
    "parse_filter",
    "parse_order_by",
    "sort_experiments",
    "sort_runs",
    "string_literal",
]
