"""Metric history: every point of one metric of a run, in (step, timestamp) order."""

from __future__ import annotations

from typing import Any

from heron.entities import Metric, PagedList
from heron.entities.paging import decode_page_token, encode_page_token
from heron.exceptions import NotFound
from heron.store.db import Database
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.points import fetch_points
from heron.store.tracking.sql.values import new_metric, stored_metric
from heron.validation import validate_max_results

_HISTORY = (
    "SELECT CASE WHEN is_nan THEN NULL ELSE value END, timestamp, step, {} FROM metrics "
    "WHERE run_uuid = ? AND key = ? "
    "ORDER BY step, timestamp, value, is_nan LIMIT ? OFFSET ?"
)
_MAX_PAGE = 2**31 - 1
_NO_LIMIT = 2**62


def get_metric_history(
    db: Database,
    run_id: str,
    key: str,
    max_results: int | None = None,
    page_token: str | None = None,
) -> PagedList[Metric]:
    """A page of a metric's history (all of it when ``max_results`` is None).

    The query is a range scan of the metrics primary key, which is already in the
    returned order.
    """
    offset = decode_page_token(page_token)
    limit = _NO_LIMIT
    if max_results is not None:
        limit = validate_max_results(max_results, limit=_MAX_PAGE) + 1
    params = (run_id, key, limit, offset)

    def work(cursor: Cursor) -> list[tuple[Any, ...]]:
        rows, _ = fetch_points(cursor, _HISTORY, params)
        if not rows and not offset:
            cursor.execute("SELECT 1 FROM runs WHERE run_uuid = ?", (run_id,))
            if cursor.fetchone() is None:
                raise NotFound(f"Run with id={run_id} not found")
        return rows

    rows = db.read(work)
    token = None
    if max_results is not None and len(rows) > max_results:
        rows = rows[:max_results]
        token = encode_page_token(offset + max_results)
    if rows and len(rows[0]) == 4:
        return PagedList([new_metric(key, v, ts, step) for v, ts, step, _ in rows], token)
    return PagedList([stored_metric(key, *row) for row in rows], token)
