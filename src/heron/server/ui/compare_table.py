"""The compare page's tables: run details, params, latest metrics and tags, one row per
key and one cell per run, each row knowing whether its values differ."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from heron.entities import Run
from heron.server.ui.formatting import TagItem, hidden_tag, number
from heron.server.ui.runs_columns import ATTRIBUTES, attribute_text

DETAILS = ("status", "created", "ended", "duration", "user", "source", "version")


@dataclass(frozen=True)
class Row:
    """One key of a table: its label, the text of each run's cell (``None``: the run has
    no value) and whether the runs' values differ."""

    label: str
    cells: tuple[str | None, ...]
    differs: bool


@dataclass(frozen=True)
class Section:
    """A table of the page: ``rows`` are those shown, ``total`` counts every key (the rows
    that differences-only hides included)."""

    name: str
    title: str
    rows: tuple[Row, ...]
    total: int

    @property
    def hidden(self) -> int:
        """How many rows differences-only hides."""
        return self.total - len(self.rows)


def compare_sections(
    runs: Sequence[Run], experiment_names: Mapping[str, str], differences_only: bool
) -> list[Section]:
    """The details, params, metrics and tags tables of ``runs`` (details are never hidden:
    their times differ always)."""
    details = [*DETAILS, "experiment"] if len(experiment_names) > 1 else list(DETAILS)
    detail_rows = []
    for name in details:
        texts = [attribute_text(run, name, experiment_names) or None for run in runs]
        if any(texts):  # no empty Source or Version rows
            detail_rows.append(_row(ATTRIBUTES[name].label, texts, str))
    params = _data_rows(runs, lambda run: run.data.params, str)
    metrics = _data_rows(runs, lambda run: run.data.metrics, number)
    tags = _data_rows(runs, _visible_tags, str)
    sections = [
        Section("details", "Run details", tuple(detail_rows), len(detail_rows)),
        _section("params", "Parameters", params, differences_only),
        _section("metrics", "Metrics", metrics, differences_only),
        _section("tags", "Tags", tags, differences_only),
    ]
    return sections


def _visible_tags(run: Run) -> dict[str, str]:
    """The run's tags but the system ones (``mlflow.*``)."""
    return {k: v for k, v in run.data.tags.items() if not hidden_tag(TagItem(k, v))}


def _section(name: str, title: str, rows: list[Row], differences_only: bool) -> Section:
    shown = [row for row in rows if row.differs] if differences_only else rows
    return Section(name, title, tuple(shown), len(rows))


def _data_rows(
    runs: Sequence[Run],
    values_of: Callable[[Run], Mapping[str, object]],
    text: Callable[[object], str],
) -> list[Row]:
    """A row per key any run has, sorted by key."""
    maps = [values_of(run) for run in runs]
    keys = sorted({key for values in maps for key in values})
    return [_row(key, [values.get(key) for values in maps], text) for key in keys]


def _row(label: str, values: Sequence[object], text: Callable[[object], str]) -> Row:
    cells = tuple(None if value is None else text(value) for value in values)
    distinct = {_identity(value) for value in values}
    return Row(label, cells, len(distinct) > 1)


def _identity(value: object) -> object:
    """What two equal values share (NaN equals NaN here, unlike in floating point)."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value
