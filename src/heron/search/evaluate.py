"""The reference semantics of a parsed search: matching and ordering entities in Python.

Stores that search in memory use this directly; SQL stores must agree with it, and the
tests hold them to it. The rules (MLflow's, section 9 of the compatibility reference):

- A comparison on a value the entity lacks (a metric, param or tag not logged, an unset
  attribute such as a running run's ``end_time``) is false, whatever the comparator,
  ``!=`` and ``NOT IN`` included, as SQL's NULL would make it. Only ``IS NULL`` matches a
  missing param or tag.
- Metrics compare the run's latest value. NaN follows IEEE 754: NaN is unequal to every
  number, so ``!=`` is true and ``=``, ``<``, ``<=``, ``>``, ``>=`` are false. (The SQL
  store, which keeps NaN as ``is_nan``, must compile ``!=`` to match NaN rows too.)
- ``=`` and ``!=`` on strings are case-sensitive; ``LIKE`` is case-sensitive and ``ILIKE``
  case-insensitive, with ``%`` matching any sequence (including newlines) and ``_`` exactly
  one character; every other character, backslash included, is literal.
- A dataset comparison holds if ANY of the run's dataset inputs satisfies it; ``context``
  is the input's ``mlflow.data.context`` tag.
- Ordering puts entities lacking the sort key last in both directions, NaN metrics after
  every number but before missing values, and is stable. Runs end with ``start_time DESC``
  (unless ordered by start_time explicitly) then ``run_id ASC``; experiments with
  ``creation_time DESC`` (unless explicit) then ``experiment_id ASC``, comparing ids as
  numbers when both are integers.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from heron.entities.dataset import DatasetInput
from heron.entities.experiment import Experiment
from heron.entities.run import Run
from heron.search.ast import And, Comparison, Node, OrderKey, Value

_T = TypeVar("_T")

_ORDERING: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@functools.lru_cache(maxsize=256)
def like_regex(pattern: str, case_insensitive: bool = False) -> re.Pattern[str]:
    """The anchored regular expression equivalent to SQL ``LIKE pattern``.

    Args:
        pattern: A LIKE pattern: ``%`` any sequence, ``_`` one character, the rest literal.
        case_insensitive: True for ``ILIKE``.

    Returns:
        A compiled pattern; use ``fullmatch``. Translation is linear and the result
        has no nested quantifiers, so matching cannot backtrack catastrophically.
    """
    parts = [".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern]
    flags = re.DOTALL | (re.IGNORECASE if case_insensitive else 0)
    return re.compile("".join(parts), flags)


def compare(op: str, actual: object, expected: Value) -> bool:
    """Whether ``actual <op> expected`` holds, with a missing ``actual`` given as None."""
    if op == "IS NULL":
        return actual is None
    if op == "IS NOT NULL":
        return actual is not None
    if actual is None:
        return False
    if op in ("LIKE", "ILIKE"):
        if not isinstance(actual, str) or not isinstance(expected, str):
            return False
        return like_regex(expected, op == "ILIKE").fullmatch(actual) is not None
    if op in ("IN", "NOT IN"):
        if not isinstance(expected, tuple):
            raise ValueError(f"{op} needs a tuple of values, got {expected!r}")
        return (actual in expected) == (op == "IN")
    return bool(_ORDERING[op](actual, expected))


def _holds(node: Node, leaf: Callable[[Comparison], bool]) -> bool:
    if isinstance(node, Comparison):
        return leaf(node)
    if isinstance(node, And):
        return all(_holds(term, leaf) for term in node.terms)
    return any(_holds(term, leaf) for term in node.terms)


def matches_run(node: Node | None, run: Run) -> bool:
    """Whether ``run`` satisfies the filter ``node`` (None matches every run)."""
    if node is None:
        return True
    return _holds(node, lambda c: _run_comparison(c, run))


def matches_experiment(node: Node | None, experiment: Experiment) -> bool:
    """Whether ``experiment`` satisfies the filter ``node`` (None matches every one)."""
    if node is None:
        return True
    return _holds(node, lambda c: compare(c.op, _experiment_value(experiment, c), c.value))


def _run_comparison(comparison: Comparison, run: Run) -> bool:
    if comparison.entity == "dataset":
        return any(
            compare(comparison.op, _dataset_value(dataset_input, comparison.key), comparison.value)
            for dataset_input in run.inputs.dataset_inputs
        )
    return compare(
        comparison.op, _run_value(run, comparison.entity, comparison.key), comparison.value
    )


def _dataset_value(dataset_input: DatasetInput, key: str) -> str | None:
    if key == "context":
        return dataset_input.context
    if key == "name":
        return dataset_input.dataset.name
    if key == "digest":
        return dataset_input.dataset.digest
    raise ValueError(f"Unknown dataset key {key!r}")


def _run_value(run: Run, entity: str, key: str) -> object:
    if entity == "attribute":
        return getattr(run.info, key)
    if entity == "metric":
        return run.data.metrics.get(key)
    if entity == "param":
        return run.data.params.get(key)
    if entity == "tag":
        return run.data.tags.get(key)
    raise ValueError(f"Runs have no single {entity} value to compare or sort by")


def _experiment_value(experiment: Experiment, comparison: Comparison) -> object:
    if comparison.entity == "tag":
        return experiment.tags.get(comparison.key)
    if comparison.entity != "attribute":
        raise ValueError(f"Experiments have no {comparison.entity} values")
    value = getattr(experiment, comparison.key)
    if comparison.key == "experiment_id":
        # The parser canonicalises id values to str(int(...)); do the same here.
        return str(int(value)) if _is_integer_text(value) else value
    return value


def _is_integer_text(value: object) -> bool:
    return isinstance(value, str) and value.lstrip("-").isdigit() and value.isascii()


def sort_runs(runs: Iterable[Run], order: Sequence[OrderKey]) -> list[Run]:
    """``runs`` ordered by ``order``, then ``start_time DESC`` and ``run_id ASC``.

    ``start_time`` is left out of the tie-break when ``order`` already names it.
    """
    keys = _with_defaults(
        order, OrderKey("attribute", "start_time", False), OrderKey("attribute", "run_id")
    )
    return _sort(list(runs), keys, lambda run, key: _run_value(run, key.entity, key.key))


def sort_experiments(
    experiments: Iterable[Experiment], order: Sequence[OrderKey]
) -> list[Experiment]:
    """``experiments`` ordered by ``order``, then ``creation_time DESC``, ``experiment_id ASC``.

    ``creation_time`` is left out of the tie-break when ``order`` already names it;
    experiment ids compare as numbers when both are integers.
    """
    keys = _with_defaults(
        order,
        OrderKey("attribute", "creation_time", False),
        OrderKey("attribute", "experiment_id"),
    )
    return _sort(list(experiments), keys, _experiment_sort_value)


def _experiment_sort_value(experiment: Experiment, key: OrderKey) -> object:
    if key.entity == "tag":
        return experiment.tags.get(key.key)
    value = getattr(experiment, key.key)
    if key.key == "experiment_id":
        # Integers first, by number; any other id after them, by text.
        return (0, int(value), "") if _is_integer_text(value) else (1, 0, value)
    return value


def _with_defaults(order: Sequence[OrderKey], first: OrderKey, last: OrderKey) -> list[OrderKey]:
    keys = list(order)
    if not any((k.entity, k.key) == (first.entity, first.key) for k in keys):
        keys.append(first)
    keys.append(last)
    return keys


def _sort(
    items: list[_T], keys: Sequence[OrderKey], value: Callable[[_T, OrderKey], object]
) -> list[_T]:
    """Sort by one precomputed key tuple per item; Python's sort is stable."""
    columns = [_column([value(item, key) for item in items], key.ascending) for key in keys]
    rows = list(zip(*columns, strict=True))
    return [items[i] for i in sorted(range(len(items)), key=rows.__getitem__)]


_MISSING = (2, 0)
_NAN = (1, 0)


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _column(values: list[object], ascending: bool) -> list[tuple[int, Any]]:
    """Sort keys for one order key: ``(group, value)``, group 0 for values, 1 for NaN,
    2 for missing, so NaN and missing come last in both directions. Descending keys
    negate numbers and replace other values by their negated rank."""
    present = [v for v in values if v is not None and not _is_nan(v)]
    if ascending:
        encode: Callable[[Any], Any] = lambda v: v  # noqa: E731
    elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        encode = operator.neg
    else:
        rank = {v: i for i, v in enumerate(sorted(set(present)))}  # type: ignore[type-var]
        encode = lambda v: -rank[v]  # noqa: E731
    return [_MISSING if v is None else _NAN if _is_nan(v) else (0, encode(v)) for v in values]
