"""The runs table's columns: what a ``columns`` URL parameter names, the defaults, how each
column sorts, and the text of a cell.

A column is named in the URL as ``metrics.<key>`` (latest value), ``metrics.<key>:min`` or
``:max`` (over the whole history; ``:latest`` names the latest value of a key that itself
ends in ``:min``), ``params.<key>``, ``tags.<key>``, or
``attributes.<name>`` for the fixed columns of :data:`ATTRIBUTES`. The run name is always
shown first and is no column of the list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from heron.entities import Run
from heron.entities.summary import MetricRange, RunKeys
from heron.server.ui.formatting import duration, number, timestamp

Kind = Literal["attribute", "metric", "param", "tag"]
Aggregate = Literal["latest", "min", "max"]

USER_TAG = "mlflow.user"
SOURCE_TAG = "mlflow.source.name"
PARENT_TAG = "mlflow.parentRunId"
COMMIT_TAG = "mlflow.source.git.commit"
NOTE_TAG = "mlflow.note.content"

_PREFIXES: dict[str, Kind] = {
    "attributes": "attribute",
    "metrics": "metric",
    "params": "param",
    "tags": "tag",
}
_PLURAL = {kind: prefix for prefix, kind in _PREFIXES.items()}
_SUFFIXES = (":min", ":max", ":latest")


@dataclass(frozen=True)
class Attribute:
    """A fixed column: its label and the ``order_by`` element that sorts by it, if any."""

    label: str
    order_by: str | None = None


ATTRIBUTES: dict[str, Attribute] = {
    "created": Attribute("Created", "attributes.start_time"),
    "duration": Attribute("Duration"),
    "user": Attribute("User", "attributes.user_id"),
    "source": Attribute("Source", "tags.`mlflow.source.name`"),
    "version": Attribute("Version", "tags.`mlflow.source.git.commit`"),
    "status": Attribute("Status", "attributes.status"),
    "datasets": Attribute("Dataset"),
    "models": Attribute("Models"),
    "ended": Attribute("Ended", "attributes.end_time"),
    "run_id": Attribute("Run ID", "attributes.run_id"),
    "experiment": Attribute("Experiment", "attributes.experiment_id"),
    "description": Attribute("Description"),
}
"""Every attribute column, in the chooser's order."""

DEFAULT_ATTRIBUTES = ("created", "duration", "user", "source", "status", "datasets", "models")
DEFAULT_KEYS_SHOWN = 3
"""How many metric and param columns the default view shows (the keys most runs have)."""

NAME_ORDER = "attributes.run_name"


def identifier(kind: Kind, key: str) -> str:
    """``metrics.`key``` as the search grammar reads it (any key, backticks escaped)."""
    escaped = key.replace("\\", "\\\\").replace("`", "\\`")
    return f"{_PLURAL[kind]}.`{escaped}`"


@dataclass(frozen=True)
class Column:
    """One column of the table: ``spec`` is its name in the URL."""

    kind: Kind
    key: str
    aggregate: Aggregate = "latest"

    @property
    def spec(self) -> str:
        suffix = "" if self.aggregate == "latest" else f":{self.aggregate}"
        if self.kind == "metric" and not suffix and self.key.endswith(_SUFFIXES):
            suffix = ":latest"  # a key may end in ":min" itself (keys may hold colons)
        return f"{_PLURAL[self.kind]}.{self.key}{suffix}"

    @property
    def label(self) -> str:
        if self.kind == "attribute":
            return ATTRIBUTES[self.key].label
        return self.key if self.aggregate == "latest" else f"{self.key} ({self.aggregate})"

    @property
    def group(self) -> str:
        """Where it sits in the chooser and above the header: Attributes, Metrics, ..."""
        return _PLURAL[self.kind].capitalize()

    @property
    def numeric(self) -> bool:
        return self.kind == "metric" or (self.kind == "attribute" and self.key == "duration")

    @property
    def order_by(self) -> str | None:
        """The ``order_by`` element sorting by this column (None: it does not sort)."""
        if self.kind == "attribute":
            return ATTRIBUTES[self.key].order_by
        if self.aggregate != "latest":
            return None
        return identifier(self.kind, self.key)


def parse_column(spec: str) -> Column | None:
    """The column a ``columns`` value names, or None for one that names none."""
    prefix, dot, rest = spec.partition(".")
    kind = _PREFIXES.get(prefix)
    if not dot or kind is None or not rest:
        return None
    if kind == "attribute":
        return Column(kind, rest) if rest in ATTRIBUTES else None
    if kind == "metric":
        for suffix in _SUFFIXES:
            if rest.endswith(suffix) and len(rest) > len(suffix):
                aggregate: Aggregate = "min" if suffix == ":min" else "max"
                if suffix == ":latest":
                    aggregate = "latest"
                return Column(kind, rest[: -len(suffix)], aggregate)
    return Column(kind, rest)


def parse_columns(specs: Iterable[str]) -> list[Column]:
    """The columns named, in order, each once; unknown names are left out."""
    columns: dict[str, Column] = {}
    for spec in specs:
        column = parse_column(spec.strip())
        if column is not None:
            columns.setdefault(column.spec, column)
    return list(columns.values())


def default_columns(runs: Sequence[Run], several_experiments: bool) -> list[Column]:
    """The default view: the usual attributes, then the few metric and param keys most of
    the shown runs have (sorted by name), so the first page needs no key catalogue.

    Most used, not first by name: a metric of one run (or of child runs only) sorting
    before ``val/loss`` would otherwise fill the table with empty cells.
    """
    names = ("experiment", *DEFAULT_ATTRIBUTES) if several_experiments else DEFAULT_ATTRIBUTES
    columns = [Column("attribute", name) for name in names]
    columns += [Column("metric", key) for key in _most_used(run.data.metrics for run in runs)]
    columns += [Column("param", key) for key in _most_used(run.data.params for run in runs)]
    return columns


def _most_used(keys_of_runs: Iterable[Iterable[str]]) -> list[str]:
    """The :data:`DEFAULT_KEYS_SHOWN` keys the most runs have (ties by name), by name."""
    counts = Counter(key for keys in keys_of_runs for key in keys)
    return sorted(sorted(counts, key=lambda key: (-counts[key], key))[:DEFAULT_KEYS_SHOWN])


@dataclass(frozen=True)
class ChooserGroup:
    """One group of the column chooser: its columns, and how many of them are shown."""

    name: str
    columns: list[Column]
    shown: int


def chooser_groups(keys: RunKeys | None, chosen: Sequence[Column]) -> list[ChooserGroup]:
    """The chooser's groups: every attribute, then every known metric (with its min and
    max), param and tag key; chosen columns first within a group so they are never lost."""
    chosen_specs = {column.spec for column in chosen}
    groups: list[ChooserGroup] = []
    candidates: dict[str, list[Column]] = {
        "Attributes": [Column("attribute", name) for name in ATTRIBUTES],
        "Metrics": [
            Column("metric", key, aggregate)
            for key in (keys.metrics if keys else ())
            for aggregate in ("latest", "min", "max")
        ],
        "Params": [Column("param", key) for key in (keys.params if keys else ())],
        "Tags": [Column("tag", key) for key in (keys.tags if keys else ())],
    }
    for name, columns in candidates.items():
        known = {column.spec for column in columns}
        extra = [c for c in chosen if c.group == name and c.spec not in known]
        everything = extra + columns
        ordered = [c for c in everything if c.spec in chosen_specs]
        ordered += [c for c in everything if c.spec not in chosen_specs]
        groups.append(
            ChooserGroup(name, ordered, len([c for c in ordered if c.spec in chosen_specs]))
        )
    return groups


def attribute_text(run: Run, name: str, experiment_names: Mapping[str, str]) -> str:
    """The plain text of an attribute cell (also its CSV value where one exists)."""
    info, tags = run.info, run.data.tags
    if name == "created":
        return timestamp(info.start_time)
    if name == "ended":
        return timestamp(info.end_time)
    if name == "duration":
        return duration(info.start_time, info.end_time)
    if name == "user":
        return tags.get(USER_TAG) or info.user_id or ""
    if name == "source":
        return short_source(tags.get(SOURCE_TAG, ""))
    if name == "version":
        return tags.get(COMMIT_TAG, "")[:7]
    if name == "status":
        return info.status
    if name == "run_id":
        return info.run_id
    if name == "experiment":
        return experiment_names.get(info.experiment_id, info.experiment_id)
    if name == "description":
        return tags.get(NOTE_TAG, "")
    if name == "datasets":
        return ", ".join(d.dataset.name for d in run.inputs.dataset_inputs)
    if name == "models":
        return ", ".join(o.model_id for o in run.outputs.model_outputs)
    return ""


def short_source(source: str) -> str:
    """The last part of a source path or URL (``train.py`` for ``/home/a/train.py``)."""
    trimmed = source.rstrip("/\\")
    for separator in ("/", "\\"):
        trimmed = trimmed.rsplit(separator, 1)[-1]
    return trimmed or source


def data_text(
    run: Run, column: Column, ranges: Mapping[str, Mapping[str, MetricRange]]
) -> str | None:
    """The text of a metric, param or tag cell; None when the run has no such value."""
    if column.kind == "param":
        return run.data.params.get(column.key)
    if column.kind == "tag":
        return run.data.tags.get(column.key)
    if column.aggregate == "latest":
        value = run.data.metrics.get(column.key)
        return None if value is None else number(value)
    found = ranges.get(run.info.run_id, {}).get(column.key)
    value = None if found is None else getattr(found, column.aggregate)
    return None if value is None else number(value)


def range_keys(columns: Iterable[Column]) -> list[str]:
    """The metric keys whose min or max a view shows."""
    return sorted({c.key for c in columns if c.kind == "metric" and c.aggregate != "latest"})
