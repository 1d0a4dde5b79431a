"""The runs table as CSV: every run matching the view's filter, streamed page by page.

Columns follow MLflow's ``search_runs`` DataFrame: ``run_id``, ``experiment_id``,
``run_name``, ``status``, ``start_time``, ``end_time`` (ISO 8601, UTC), ``user``,
``source``, then ``metrics.<key>`` (latest value), ``params.<key>`` and ``tags.<key>`` for
every key the experiments' runs use. Text cells a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return, and not a plain number)
get a leading ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence

from heron.entities import Run
from heron.entities.summary import RunKeys
from heron.server.ui.runs_columns import SOURCE_TAG, USER_TAG
from heron.server.ui.runs_query import RunsView
from heron.store.tracking.base import TrackingStore

CSV_PAGE = 1000
FIXED_HEADER = (
    "run_id",
    "experiment_id",
    "run_name",
    "status",
    "start_time",
    "end_time",
    "user",
    "source",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header(keys: RunKeys) -> list[str]:
    """The CSV's header row."""
    return [
        *FIXED_HEADER,
        *(f"metrics.{key}" for key in keys.metrics),
        *(f"params.{key}" for key in keys.params),
        *(f"tags.{key}" for key in keys.tags),
    ]


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet shows it, never as a formula it runs."""
    if value.startswith(_FORMULA_STARTS):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def iso_time(millis: int | None) -> str:
    """``2026-12-07T17:48:04.123+00:00``, or empty."""
    if millis is None:
        return ""
    moment = dt.datetime.fromtimestamp(millis / 1000, tz=dt.timezone.utc)
    return moment.isoformat(timespec="milliseconds")


def row(run: Run, keys: RunKeys) -> list[str]:
    """One run as a CSV row under :func:`header`."""
    info, data = run.info, run.data
    tags, params, metrics = data.tags, data.params, data.metrics
    cells = [
        info.run_id,
        info.experiment_id,
        safe_text(info.run_name or ""),
        info.status,
        iso_time(info.start_time),
        iso_time(info.end_time),
        safe_text(tags.get(USER_TAG) or info.user_id or ""),
        safe_text(tags.get(SOURCE_TAG, "")),
    ]
    # The hot loop of a 10k-run download: plain comprehensions, the guard only where needed.
    starts = _FORMULA_STARTS
    for value in [metrics.get(key) for key in keys.metrics]:
        cells.append("" if value is None else repr(value))
    for source, names in ((params, keys.params), (tags, keys.tags)):
        for text in [source.get(key, "") for key in names]:
            cells.append(safe_text(text) if text.startswith(starts) else text)
    return cells


def stream(store: TrackingStore, view: RunsView, keys: RunKeys) -> Iterator[str]:
    """The CSV text, one chunk per page of runs read from the store (memory stays flat)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(keys))
    yield _drain(buffer)
    token: str | None = None
    while True:
        page = store.search_runs(
            list(view.experiment_ids),
            view.store_filter,
            view.view_type,
            CSV_PAGE,
            view.store_order,
            token,
        )
        writer.writerows(row(run, keys) for run in page)
        yield _drain(buffer)
        token = page.token
        if not token:
            return


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def file_name(experiment_ids: Sequence[str]) -> str:
    """``runs-<id>.csv`` or ``runs-<id>-<id>.csv`` (ids are digits: safe in a header)."""
    safe = ["".join(ch for ch in i if ch.isalnum()) for i in experiment_ids[:5]]
    return "runs-" + "-".join(s for s in safe if s) + ".csv"
