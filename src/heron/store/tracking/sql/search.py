"""Compiling :mod:`heron.search.ast` filters and order_by keys to SQL.

Each metric, param, tag or dataset clause becomes an ``EXISTS`` subquery correlated with
the searched row, so ``AND``/``OR`` trees compile clause by clause. Sort keys on run data
become ``LEFT JOIN``s; rows lacking a sort key come last in both directions, and NaN
metric values come after numbers but before missing ones.

Semantics match :mod:`heron.search.evaluate`: a missing metric/param/tag never matches a
comparison (``!=`` included); a NaN metric matches only ``!=``; ``LIKE`` is case-sensitive
and ``ILIKE`` case-insensitive on every dialect, with ``%`` and ``_`` as the only wildcards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from heron.exceptions import InvalidParameter
from heron.search.ast import And, Comparison, Node, Or, OrderKey
from heron.search.evaluate import compare
from heron.store.db.dialect import Dialect

RUN_ATTRIBUTES = {
    "run_id": "r.run_uuid",
    "run_name": "r.name",
    "status": "r.status",
    "user_id": "r.user_id",
    "artifact_uri": "r.artifact_uri",
    "start_time": "r.start_time",
    "end_time": "r.end_time",
}
EXPERIMENT_ATTRIBUTES = {
    "experiment_id": "e.experiment_id",
    "name": "e.name",
    "creation_time": "e.creation_time",
    "last_update_time": "e.last_update_time",
}
_NUMERIC_COLUMNS = {
    "r.start_time",
    "r.end_time",
    "e.experiment_id",
    "e.creation_time",
    "e.last_update_time",
}
_COMPARATORS = {"=", "!=", ">", ">=", "<", "<="}
_DATASET_COLUMNS = {"name": "d.name", "digest": "d.digest", "context": "c.value"}


@dataclass
class Sql:
    """SQL text with its ``?`` parameters, in order."""

    text: str
    params: list[object] = field(default_factory=list)


MetricClause = Callable[[Comparison, Dialect], Sql]


@dataclass
class Target:
    """What a search looks at (runs, experiments, logged models, registry), and how their
    data is reached.

    Tag and param tables have ``key`` and ``value`` columns and an owner column
    (``tag_owner``) naming the searched row; their clauses are ``EXISTS`` subqueries
    correlated with it. ``tag_semijoin`` instead names the searched row's columns that its
    tag rows repeat (same names): tag clauses become ``(columns) IN (SELECT columns FROM
    tags WHERE key = ? AND ...)`` semi-joins, which probe an index on the tag table's
    (key, value) once per search rather than the tag table once per searched row. A tag
    key in ``tag_defaults`` reads as that value when the tag is absent. ``numeric_columns``
    sort as numbers, not strings; ``not_null_columns`` sort without the "missing last"
    term, so an index can serve the order.
    """

    alias: str  # of the searched table
    id_column: str
    attributes: dict[str, str]
    tag_table: str
    tag_owner: str
    param_table: str | None = None
    metric_clause: MetricClause | None = None  # compiles ``metrics.<key> <op> <number>``
    tag_semijoin: tuple[str, ...] = ()
    tag_defaults: Mapping[str, str] = field(default_factory=dict)
    numeric_columns: frozenset[str] = frozenset()
    not_null_columns: frozenset[str] = frozenset()

    @property
    def owner_match(self) -> str:
        """SQL tying a tag or param row ``x`` to the searched row."""
        if self.tag_semijoin:
            return " AND ".join(f"x.{_column_name(c)} = {c}" for c in self.tag_semijoin)
        return f"x.{self.tag_owner} = {self.id_column}"


def _column_name(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]


def compile_filter(node: Node, target: Target, dialect: Dialect) -> Sql:
    """A boolean SQL expression for a filter tree."""
    if isinstance(node, And | Or):
        parts = [compile_filter(term, target, dialect) for term in node.terms]
        joiner = " AND " if isinstance(node, And) else " OR "
        return Sql(
            "(" + joiner.join(p.text for p in parts) + ")",
            [param for p in parts for param in p.params],
        )
    return _compile_comparison(node, target, dialect)


def _compile_comparison(clause: Comparison, target: Target, dialect: Dialect) -> Sql:
    entity = clause.entity
    if entity == "attribute":
        column = target.attributes.get(clause.key)
        if column is None:
            raise InvalidParameter(f"Invalid attribute key '{clause.key}' in search filter")
        return _compare(column, clause.op, _attribute_value(column, clause.value), dialect)
    if entity == "metric" and target.metric_clause is not None:
        return target.metric_clause(clause, dialect)
    if entity == "param" and target.param_table is not None:
        return _key_value_clause(_Rows(target.param_table, target.owner_match), clause, dialect)
    if entity == "tag":
        rows = _Rows(target.tag_table, target.owner_match, target.tag_semijoin)
        return _key_value_clause(rows, clause, dialect, target.tag_defaults.get(clause.key))
    if entity == "dataset" and target is RUNS:
        return _dataset_exists(clause, dialect)
    raise InvalidParameter(f"Invalid entity type '{entity}' in search filter")


def _attribute_value(column: str, value: object) -> object:
    if column != "e.experiment_id" or value is None:
        return value
    try:
        if isinstance(value, tuple):
            return tuple(int(v) for v in value)
        return int(str(value))
    except ValueError:
        raise InvalidParameter(f"Invalid experiment id in search filter: {value!r}") from None


def _compare(column: str, op: str, value: object, dialect: Dialect) -> Sql:
    if op in _COMPARATORS:
        return Sql(f"{column} {op} ?", [value])
    if op in ("LIKE", "ILIKE"):
        return Sql(*dialect.match(column, op, str(value)))
    if op in ("IN", "NOT IN") and isinstance(value, tuple):
        text, params = dialect.one_of(column, value)
        return Sql(f"NOT ({text})" if op == "NOT IN" else text, params)
    if op == "IS NULL":
        return Sql(f"{column} IS NULL")
    if op == "IS NOT NULL":
        return Sql(f"{column} IS NOT NULL")
    raise InvalidParameter(f"Invalid comparator '{op}' for {column} in search filter")


def metric_condition(alias: str, clause: Comparison) -> Sql:
    """``<alias>.value <op> ?`` for a metric clause: a NaN value matches only ``!=``.

    Raises:
        InvalidParameter: for a non-numeric comparator or value.
    """
    if clause.op not in _COMPARATORS or isinstance(clause.value, str | tuple | None):
        raise InvalidParameter(
            f"Invalid comparison for metric '{clause.key}': metrics take numeric comparators "
            f"with numeric values"
        )
    if clause.op == "!=":
        return Sql(f"({alias}.is_nan OR {alias}.value != ?)", [clause.value])
    return Sql(f"NOT {alias}.is_nan AND {alias}.value {clause.op} ?", [clause.value])


def _metric_exists(clause: Comparison, dialect: Dialect) -> Sql:
    # Compared with the latest value; a missing metric matches nothing.
    condition = metric_condition("m", clause)
    return Sql(
        "EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_uuid = r.run_uuid AND m.key = ? "
        f"AND {condition.text})",
        [clause.key, *condition.params],
    )


RUNS = Target("r", "r.run_uuid", RUN_ATTRIBUTES, "tags", "run_uuid", "params", _metric_exists)
EXPERIMENTS = Target(
    "e", "e.experiment_id", EXPERIMENT_ATTRIBUTES, "experiment_tags", "experiment_id"
)


@dataclass(frozen=True)
class _Rows:
    """Rows ``x`` of a key/value table (tags, params) belonging to the searched row."""

    table: str
    owner_match: str  # correlates ``x`` with the searched row
    semijoin: tuple[str, ...] = ()  # see Target.tag_semijoin

    def having(self, key: str, condition: Sql | None, present: bool = True) -> Sql:
        """Whether the searched row has (``present``) or lacks a row with ``key`` (and
        satisfying ``condition``)."""
        where = "x.key = ?" if condition is None else f"x.key = ? AND {condition.text}"
        params: list[object] = [key] if condition is None else [key, *condition.params]
        if self.semijoin:
            outer = ", ".join(self.semijoin)
            if len(self.semijoin) > 1:
                outer = f"({outer})"
            inner = ", ".join(f"x.{_column_name(c)}" for c in self.semijoin)
            rows = f"FROM {self.table} x WHERE {where}"
            if present:
                return Sql(f"{outer} IN (SELECT {inner} {rows})", params)
            # Usually no row at all qualifies (no prompts, say): the database tests that
            # once, sparing the probe per searched row.
            return Sql(
                f"(NOT EXISTS (SELECT 1 {rows}) OR {outer} NOT IN (SELECT {inner} {rows}))",
                params + params,
            )
        test = "EXISTS" if present else "NOT EXISTS"
        return Sql(
            f"{test} (SELECT 1 FROM {self.table} x WHERE {self.owner_match} AND {where})", params
        )


def _key_value_clause(
    rows: _Rows, clause: Comparison, dialect: Dialect, default: str | None = None
) -> Sql:
    """A tag or param clause. With a ``default`` for missing rows, the default is tested
    here (in Python, by :func:`heron.search.evaluate.compare`), leaving one existence test."""
    if clause.op in ("IS NULL", "IS NOT NULL"):
        return rows.having(clause.key, None, clause.op == "IS NOT NULL")
    condition = _compare("x.value", clause.op, clause.value, dialect)
    if default is None:
        return rows.having(clause.key, condition)
    if compare(clause.op, default, clause.value):
        # A missing tag reads as a matching default: only a tag failing the test excludes.
        return rows.having(clause.key, Sql(f"NOT ({condition.text})", condition.params), False)
    return rows.having(clause.key, condition)


def _dataset_exists(clause: Comparison, dialect: Dialect) -> Sql:
    column = _DATASET_COLUMNS.get(clause.key)
    if column is None:
        raise InvalidParameter(f"Invalid dataset key '{clause.key}' in search filter")
    context = (
        " JOIN input_tags c ON c.input_uuid = i.input_uuid AND c.name = 'mlflow.data.context'"
        if clause.key == "context"
        else ""
    )
    condition = _compare(column, clause.op, clause.value, dialect)
    return Sql(
        "EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id"
        f"{context} WHERE i.destination_type = 'RUN' AND i.destination_id = r.run_uuid "
        f"AND i.source_type = 'DATASET' AND {condition.text})",
        condition.params,
    )


@dataclass
class Ordering:
    """ORDER BY terms and the LEFT JOINs (with parameters) they need."""

    joins: list[str] = field(default_factory=list)
    join_params: list[object] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


def compile_order(keys: Sequence[OrderKey], target: Target, dialect: Dialect) -> Ordering:
    """ORDER BY terms for ``keys``, then the target's implicit tie-breakers."""
    order = Ordering()
    for index, key in enumerate(keys):
        direction = "ASC" if key.ascending else "DESC"
        if key.entity == "attribute":
            column = target.attributes.get(key.key)
            if column is None:
                raise InvalidParameter(f"Invalid order_by key '{key.key}'")
            numeric = column in _NUMERIC_COLUMNS or column in target.numeric_columns
            text = column if numeric else column + dialect.binary_collation
            if column not in target.not_null_columns:
                order.terms.append(f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END")
            order.terms.append(f"{text} {direction}")
        elif key.entity == "metric" and target is RUNS:
            alias = f"o{index}"
            order.joins.append(
                f"LEFT JOIN latest_metrics {alias} ON {alias}.run_uuid = r.run_uuid "
                f"AND {alias}.key = ?"
            )
            order.join_params.append(key.key)
            order.terms += [
                f"CASE WHEN {alias}.run_uuid IS NULL THEN 2 WHEN {alias}.is_nan THEN 1 ELSE 0 END",
                f"{alias}.value {direction}",
            ]
        elif key.entity in ("param", "tag") and target is RUNS:
            alias = f"o{index}"
            table = "params" if key.entity == "param" else "tags"
            order.joins.append(
                f"LEFT JOIN {table} {alias} ON {alias}.run_uuid = r.run_uuid AND {alias}.key = ?"
            )
            order.join_params.append(key.key)
            order.terms += [
                f"CASE WHEN {alias}.run_uuid IS NULL THEN 1 ELSE 0 END",
                f"{alias}.value{dialect.binary_collation} {direction}",
            ]
        else:
            raise InvalidParameter(f"Invalid order_by entity '{key.entity}'")
    return order
