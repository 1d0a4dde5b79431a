"""search_logged_models: a filter, dataset restrictions and a structured order_by, in one
query that selects the page; bulk reads fill it.

Semantics (MLflow 3.x, plus ``OR``/parentheses and ``IS [NOT] NULL`` on params and tags):

- ``metrics.<key> <op> <number>`` matches a model with at least one point of that metric
  satisfying the comparison, looking only at points on the requested ``datasets`` if any;
  with ``datasets`` and no metric clause, a model matches if it has a point on one of them.
- ``status`` compares MLflow's names (``READY``); ``LOGGED_MODEL_READY`` works too.
- A metric sort key is the model's latest point of that metric (by timestamp, then step),
  on the order's dataset if given; models without it come last, NaN just before them.
- Then newest first (``creation_timestamp DESC``), then ``model_id``, unless named.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from heron.entities import LoggedModel, LoggedModelStatus, PagedList
from heron.entities.paging import decode_page_token
from heron.exceptions import InvalidParameter, NotFound
from heron.search import And, Comparison, Node, Or, parse_filter
from heron.search.grammar import get_target
from heron.store.db import Database
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.tracking.base import SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT
from heron.store.tracking.sql.logged_models import ACTIVE, MODEL_COLUMNS, load_logged_models
from heron.store.tracking.sql.search import (
    MetricClause,
    Sql,
    Target,
    compile_filter,
    metric_condition,
)
from heron.store.tracking.sql.values import experiment_key
from heron.validation import validate_max_results

ATTRIBUTES = {
    "name": "lm.name",
    "model_id": "lm.model_id",
    "model_type": "lm.model_type",
    "status": "lm.status",
    "source_run_id": "lm.source_run_id",
    "creation_timestamp": "lm.creation_timestamp",
    "last_updated_timestamp": "lm.last_updated_timestamp",
}
_NUMERIC = {"lm.creation_timestamp", "lm.last_updated_timestamp"}
_STATUS_OPS = {"=", "!=", "IN", "NOT IN"}


@dataclass(frozen=True, slots=True)
class ModelOrder:
    """One parsed order_by element: an attribute, or ``metrics.<key>`` on a dataset."""

    entity: str  # "attribute" or "metric"
    key: str
    ascending: bool = True
    dataset_name: str | None = None
    dataset_digest: str | None = None


def search_logged_models(
    db: Database,
    experiment_ids: Sequence[str],
    filter_string: str | None,
    datasets: Sequence[Mapping[str, Any]] | None,
    max_results: int | None,
    order_by: Sequence[Mapping[str, Any]] | None,
    page_token: str | None,
) -> PagedList[LoggedModel]:
    """One page of the experiments' non-deleted logged models (see the module docstring)."""
    if isinstance(experiment_ids, str | bytes):
        raise InvalidParameter("experiment_ids must be a list of strings")
    size = validate_max_results(
        SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT if max_results is None else max_results
    )
    offset = decode_search_token(page_token, experiment_ids, filter_string, order_by)
    node = parse_filter(filter_string, "logged_models")
    keys = _experiment_keys(experiment_ids)
    if not keys:
        return PagedList([], None)
    where = _where(db.dialect, keys, node, dataset_filter(datasets))
    order = compile_model_order(parse_model_order_by(order_by), db.dialect)
    query = Sql(
        f"SELECT {MODEL_COLUMNS} FROM logged_models lm WHERE {where.text} "
        f"ORDER BY {order.text} LIMIT ? OFFSET ?",
        [*where.params, *order.params, size + 1, offset],
    )

    def work(cursor: Cursor) -> tuple[list[LoggedModel], bool]:
        cursor.execute(query.text, query.params)
        rows = cursor.fetchall()
        return load_logged_models(cursor, db.dialect, rows[:size]), len(rows) > size

    models, more = db.read(work)
    token = None
    if more:
        token = encode_search_token(experiment_ids, filter_string, order_by, offset + size)
    return PagedList(models, token)


def _experiment_keys(experiment_ids: Sequence[str]) -> list[int]:
    keys = []
    for experiment_id in experiment_ids or ():
        try:
            keys.append(experiment_key(experiment_id))
        except NotFound:
            continue  # an integer beyond the stored range matches no model
    return keys


def _where(dialect: Dialect, keys: list[int], node: Node | None, datasets: Sql | None) -> Sql:
    parts = [
        Sql(*dialect.one_of("lm.experiment_id", keys)),
        Sql("lm.lifecycle_stage = ?", [ACTIVE]),
    ]
    target = Target(
        "lm",
        "lm.model_id",
        ATTRIBUTES,
        "logged_model_tags",
        "model_id",
        "logged_model_params",
        _metric_clause(datasets),
    )
    if node is not None:
        parts.append(compile_filter(_canonical_status(node), target, dialect))
    if datasets is not None and (node is None or not _has_metric_clause(node)):
        parts.append(
            Sql(
                "EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id "
                f"AND {datasets.text})",
                datasets.params,
            )
        )
    return Sql(" AND ".join(p.text for p in parts), [x for p in parts for x in p.params])


def dataset_filter(datasets: Sequence[Mapping[str, Any]] | None) -> Sql | None:
    """``mm`` points on one of ``datasets`` (``[{"dataset_name", "dataset_digest"?}]``).

    Raises:
        InvalidParameter: for an entry without a dataset name.
    """
    if not datasets:
        return None
    terms: list[str] = []
    params: list[object] = []
    for dataset in datasets:
        name = dataset.get("dataset_name") if isinstance(dataset, Mapping) else None
        if not isinstance(name, str) or not name:
            raise InvalidParameter("`dataset_name` in the `datasets` clause must be specified.")
        digest = dataset.get("dataset_digest")
        if digest:
            terms.append("(mm.dataset_name = ? AND mm.dataset_digest = ?)")
            params += [name, str(digest)]
        else:
            terms.append("mm.dataset_name = ?")
            params.append(name)
    return Sql("(" + " OR ".join(terms) + ")", params)


def _metric_clause(datasets: Sql | None) -> MetricClause:
    def compile_metric(clause: Comparison, dialect: Dialect) -> Sql:
        condition = metric_condition("mm", clause)
        text = (
            "EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id "
            f"AND mm.key = ? AND {condition.text}"
        )
        params = [clause.key, *condition.params]
        if datasets is not None:
            text += f" AND {datasets.text}"
            params += datasets.params
        return Sql(text + ")", params)

    return compile_metric


def _has_metric_clause(node: Node) -> bool:
    if isinstance(node, And | Or):
        return any(_has_metric_clause(term) for term in node.terms)
    return node.entity == "metric"


def _canonical_status(node: Node) -> Node:
    """Status values as stored (``READY``), whichever spelling the filter used."""
    if isinstance(node, And | Or):
        return type(node)(tuple(_canonical_status(term) for term in node.terms))
    if node.entity != "attribute" or node.key != "status" or node.op not in _STATUS_OPS:
        return node
    values = node.value if isinstance(node.value, tuple) else (node.value,)
    canonical = tuple(_status_name(str(value)) for value in values)
    value = canonical if isinstance(node.value, tuple) else canonical[0]
    return Comparison(node.entity, node.key, node.op, value)


def _status_name(value: str) -> str:
    try:
        return LoggedModelStatus.coerce(value).value
    except InvalidParameter:
        return value  # matches nothing, as any unknown value would


def parse_model_order_by(order_by: Sequence[Mapping[str, Any]] | None) -> list[ModelOrder]:
    """Check and canonicalise structured order_by elements.

    Raises:
        InvalidParameter: for an element that is not a mapping, a missing or unknown
            ``field_name``, a non-boolean ``ascending``, or a digest without a name.
    """
    attributes = get_target("logged_models").order_by.fixed["attribute"]
    orders = []
    for element in order_by or ():
        if not isinstance(element, Mapping):
            raise InvalidParameter("`order_by` must be a list of dictionaries.")
        field_name = element.get("field_name")
        if not isinstance(field_name, str) or not field_name.strip():
            raise InvalidParameter("`field_name` in the `order_by` clause must be specified.")
        field_name = field_name.strip()
        ascending = element.get("ascending", True)
        if not isinstance(ascending, bool):
            raise InvalidParameter(
                f"Value of `ascending` in the `order_by` clause must be a boolean, got "
                f"{ascending!r} for field {field_name}."
            )
        name, digest = element.get("dataset_name"), element.get("dataset_digest")
        if digest and not name:
            raise InvalidParameter(
                "`dataset_digest` can only be specified if `dataset_name` is also specified."
            )
        entity, _, key = field_name.partition(".")
        if key and entity in ("metric", "metrics"):
            orders.append(ModelOrder("metric", key.strip("`"), ascending, name, digest))
        elif not key and field_name in attributes:
            orders.append(ModelOrder("attribute", attributes[field_name][0], ascending))
        else:
            raise InvalidParameter(
                f"Invalid order by field name: {field_name}. Expected metrics.<name> or one "
                f"of {', '.join(attributes)}."
            )
    return orders


def compile_model_order(orders: Sequence[ModelOrder], dialect: Dialect) -> Sql:
    """ORDER BY terms for ``orders``, then newest first, then by model id."""
    terms: list[str] = []
    params: list[object] = []
    for order in orders:
        direction = "ASC" if order.ascending else "DESC"
        if order.entity == "attribute":
            column = ATTRIBUTES[order.key]
            text = column if column in _NUMERIC else column + dialect.binary_collation
            terms += [f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END", f"{text} {direction}"]
            continue
        latest = (
            "SELECT {} FROM logged_model_metrics o WHERE o.model_id = lm.model_id AND o.key = ?"
        )
        point = [order.key]
        for column, value in (
            ("dataset_name", order.dataset_name),
            ("dataset_digest", order.dataset_digest),
        ):
            if value:
                latest += f" AND o.{column} = ?"
                point.append(value)
        latest += " ORDER BY o.timestamp DESC, o.step DESC LIMIT 1"
        rank = latest.format("CASE WHEN o.is_nan THEN 1 ELSE 0 END")
        terms += [f"COALESCE(({rank}), 2)", f"({latest.format('o.value')}) {direction}"]
        params += point + point
    named = {order.key for order in orders if order.entity == "attribute"}
    if "creation_timestamp" not in named:
        terms.append("lm.creation_timestamp DESC")
    if "model_id" not in named:
        terms.append(f"lm.model_id{dialect.binary_collation} ASC")
    return Sql(", ".join(terms), params)


def _token_state(
    experiment_ids: Sequence[str],
    filter_string: str | None,
    order_by: Sequence[Mapping[str, Any]] | None,
) -> dict[str, Any]:
    state = {
        "experiment_ids": [str(e) for e in experiment_ids or ()],
        "filter_string": filter_string or None,
        "order_by": [dict(o) for o in order_by] if order_by else None,
    }
    result: dict[str, Any] = json.loads(json.dumps(state, default=str))
    return result


def encode_search_token(
    experiment_ids: Sequence[str],
    filter_string: str | None,
    order_by: Sequence[Mapping[str, Any]] | None,
    offset: int,
) -> str:
    """MLflow's token: base64 JSON of the search's arguments and the next offset."""
    state = _token_state(experiment_ids, filter_string, order_by) | {"offset": offset}
    return base64.b64encode(json.dumps(state).encode()).decode()


def decode_search_token(
    token: str | None,
    experiment_ids: Sequence[str],
    filter_string: str | None,
    order_by: Sequence[Mapping[str, Any]] | None,
) -> int:
    """The offset a token continues from (0 for none).

    Raises:
        InvalidParameter: for a malformed token, or one made for another search.
    """
    offset = decode_page_token(token)
    if not token:
        return offset
    saved = json.loads(base64.b64decode(token.encode()))
    for name, value in _token_state(experiment_ids, filter_string, order_by).items():
        if name in saved and saved[name] != value:
            raise InvalidParameter(
                f"Invalid page token: it continues a search with another {name} "
                f"({saved[name]!r}, not {value!r})."
            )
    return offset
