"""search_runs and search_experiments: one query selects the page, bulk reads fill it."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from heron.entities import Experiment, LifecycleStage, PagedList, Run, ViewType
from heron.entities.paging import decode_page_token, encode_page_token
from heron.exceptions import NotFound
from heron.search import parse_filter, parse_order_by
from heron.search.ast import OrderKey
from heron.store.db import Database
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.experiments import EXPERIMENT_COLUMNS, load_experiments
from heron.store.tracking.sql.reads import load_runs
from heron.store.tracking.sql.search import (
    EXPERIMENTS,
    RUNS,
    Ordering,
    Sql,
    Target,
    compile_filter,
    compile_order,
)
from heron.store.tracking.sql.values import experiment_key
from heron.validation import validate_max_results

# Appended to any requested order, unless it names them already.
_DEFAULT_EXPERIMENT_ORDER = (
    OrderKey("attribute", "creation_time", ascending=False),
    OrderKey("attribute", "experiment_id", ascending=True),
)


def search_runs(
    db: Database,
    experiment_ids: Sequence[str],
    filter_string: str | None,
    run_view_type: int | str | None,
    max_results: int,
    order_by: Sequence[str] | None,
    page_token: str | None,
) -> PagedList[Run]:
    """One page of runs of these experiments matching the filter, in the requested order."""
    validate_max_results(max_results)
    offset = decode_page_token(page_token)
    experiment_keys = tuple(_experiment_keys(experiment_ids))
    if order_by is None or all(isinstance(element, str) for element in order_by):
        keys = None if order_by is None else tuple(order_by)
        page = _runs_page(db.dialect, filter_string, keys, experiment_keys, run_view_type)
    else:  # not hashable: parse_order_by rejects it
        page = _runs_page.__wrapped__(
            db.dialect, filter_string, order_by, experiment_keys, run_view_type
        )
    if page is None:
        return PagedList([], None)
    query = Sql(page[0], [*page[1], max_results + 1, offset])

    def work(cursor: Cursor) -> tuple[list[Run], bool]:
        cursor.execute(query.text, query.params)
        ids = [row[0] for row in cursor.fetchall()]
        return load_runs(cursor, db.dialect, ids[:max_results]), len(ids) > max_results

    runs, more = db.read(work)
    return PagedList(runs, encode_page_token(offset + max_results) if more else None)


@lru_cache(maxsize=256)
def _runs_page(
    dialect: Dialect,
    filter_string: str | None,
    order_by: Sequence[str] | None,
    experiment_keys: tuple[int, ...],
    view_type: int | str | None,
) -> tuple[str, tuple[object, ...]] | None:
    """The text and leading parameters (all but LIMIT and OFFSET) of the query selecting a
    page of run ids, or None when no run can match; cached, as clients repeat searches."""
    keys = parse_order_by(order_by, "runs")
    order = compile_order(keys, RUNS, dialect)
    if not any(k.entity == "attribute" and k.key == "start_time" for k in keys):
        order.terms.append("r.start_time DESC")
    order.terms.append("r.run_uuid ASC")
    where = _where(dialect, "runs", RUNS, filter_string, list(experiment_keys), view_type)
    if where is None:
        return None
    # Selecting only ids lets SQLite answer from the runs index; rows are read for the page.
    query = _page_query("SELECT r.run_uuid FROM runs r", order, where, 0, 0)
    return query.text, tuple(query.params[:-2])


def search_experiments(
    db: Database,
    view_type: int | str | None,
    max_results: int,
    filter_string: str | None,
    order_by: Sequence[str] | None,
    page_token: str | None,
) -> PagedList[Experiment]:
    """One page of experiments matching the filter, in the requested order."""
    validate_max_results(max_results)
    offset = decode_page_token(page_token)
    requested = parse_order_by(order_by, "experiments")
    named = {key.key for key in requested}
    keys = [*requested, *(key for key in _DEFAULT_EXPERIMENT_ORDER if key.key not in named)]
    order = compile_order(keys, EXPERIMENTS, db.dialect)
    where = _where(db.dialect, "experiments", EXPERIMENTS, filter_string, None, view_type)
    assert where is not None
    query = _page_query(
        f"SELECT {EXPERIMENT_COLUMNS} FROM experiments e", order, where, max_results, offset
    )

    def work(cursor: Cursor) -> tuple[list[Experiment], bool]:
        cursor.execute(query.text, query.params)
        rows = cursor.fetchall()
        return load_experiments(cursor, db.dialect, rows[:max_results]), len(rows) > max_results

    experiments, more = db.read(work)
    return PagedList(experiments, encode_page_token(offset + max_results) if more else None)


def runs_condition(
    dialect: Dialect,
    experiment_ids: Sequence[str],
    filter_string: str | None,
    view_type: int | str | None,
) -> Sql | None:
    """The WHERE clause (over ``runs r``) that :func:`search_runs` uses: experiments,
    lifecycle stages and the filter; None when no run can match.

    Raises:
        InvalidParameter: for a malformed filter.
    """
    keys = _experiment_keys(experiment_ids)
    return _where(dialect, "runs", RUNS, filter_string, keys, view_type)


def _experiment_keys(experiment_ids: Sequence[str]) -> list[int]:
    keys = []
    for experiment_id in experiment_ids or ():
        try:
            keys.append(experiment_key(experiment_id))
        except NotFound:
            continue  # an integer beyond the stored range matches no run
    return keys


def _where(
    dialect: Dialect,
    target_name: str,
    target: Target,
    filter_string: str | None,
    experiment_keys: list[int] | None,
    view_type: int | str | None,
) -> Sql | None:
    """The WHERE clause: experiments, lifecycle stages and the filter; None if it is empty."""
    node = parse_filter(filter_string, target_name)
    stages = LifecycleStage.matching_view_type(ViewType.coerce(view_type))
    parts: list[Sql] = []
    if experiment_keys is not None:
        if not experiment_keys:
            return None
        parts.append(Sql(*dialect.one_of(f"{target.alias}.experiment_id", experiment_keys)))
    parts.append(Sql(*dialect.one_of(f"{target.alias}.lifecycle_stage", stages)))
    if node is not None:
        parts.append(compile_filter(node, target, dialect))
    return Sql(" AND ".join(p.text for p in parts), [x for p in parts for x in p.params])


def _page_query(select: str, order: Ordering, where: Sql, limit: int, offset: int) -> Sql:
    # One row more than the page shows whether another page follows.
    text = (
        f"{select} {' '.join(order.joins)} WHERE {where.text} "
        f"ORDER BY {', '.join(order.terms)} LIMIT ? OFFSET ?"
    )
    return Sql(text, [*order.join_params, *where.params, limit + 1, offset])
