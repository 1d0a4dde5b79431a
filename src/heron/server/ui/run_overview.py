"""What the run page shows, read from the stores: metrics with their ranges and
sparklines (from one read of every point), relatives, models and registered versions."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from heron.entities import Experiment, FileInfo, LoggedModel, Run, RunHistory
from heron.entities.registry import ModelVersion
from heron.exceptions import HeronError, NotFound
from heron.search import string_literal
from heron.server.services import Services
from heron.server.ui.sparklines import sparkline

PARENT_TAG = "mlflow.parentRunId"
NOTE_TAG = "mlflow.note.content"
CHILDREN_SHOWN = 50
VERSIONS_SHOWN = 100
FILES_SHOWN = 200


@dataclass(frozen=True)
class MetricColumns:
    """One metric's history as columns, ordered by step then time."""

    key: str
    steps: Sequence[int]
    timestamps: Sequence[int]
    values: Sequence[float]


@dataclass(frozen=True)
class MetricRow:
    """A line of the run page's metrics table; ``count`` is None until the history is read."""

    key: str
    latest: float
    step: int
    timestamp: int
    low: float | None = None
    high: float | None = None
    count: int | None = None
    sparkline: str = ""


@dataclass
class RunOverview:
    """Everything the run page shows besides the run itself."""

    experiment: Experiment
    run: Run
    metrics: list[MetricRow]
    parent: Run | None = None
    parent_id: str | None = None
    children: list[Run] = field(default_factory=list)
    more_children: bool = False
    logged_models: list[LoggedModel] = field(default_factory=list)
    versions: list[ModelVersion] = field(default_factory=list)


def metric_columns(history: RunHistory) -> dict[str, MetricColumns]:
    """Each key's points as columns: plain series as they come, merged with the points
    that name a dataset or a logged model."""
    found = {s.key: MetricColumns(s.key, s.steps, s.timestamps, s.values) for s in history.series}
    if history.points:
        for key, points in history.by_key().items():
            if any(p.model_id is not None or p.dataset_name is not None for p in points):
                found[key] = MetricColumns(
                    key,
                    [p.step for p in points],
                    [p.timestamp for p in points],
                    [p.value for p in points],
                )
    return found


def metric_rows(run: Run, history: RunHistory | None) -> list[MetricRow]:
    """The metrics table: latest point, and with the history, min and max (NaN ignored),
    the number of points and a sparkline each."""
    columns = metric_columns(history) if history is not None else {}
    rows = []
    for latest in sorted(run.data.metric_objects, key=lambda metric: metric.key):
        row = MetricRow(latest.key, latest.value, latest.step, latest.timestamp)
        series = columns.get(latest.key)
        if series is not None:
            finite = [value for value in series.values if not math.isnan(value)]
            row = replace(
                row,
                low=min(finite) if finite else None,
                high=max(finite) if finite else None,
                count=len(series.values),
                sparkline=sparkline(series.steps, series.values),
            )
        rows.append(row)
    return rows


def read_metric_rows(services: Services, run: Run) -> list[MetricRow]:
    """The full metrics table, from one read of every point of the run."""
    (history,) = services.tracking.get_run_histories([run.info.run_id])
    return metric_rows(run, history)


def read_overview(services: Services, experiment: Experiment, run: Run) -> RunOverview:
    """Read what the run page needs besides the run: parent, children, logged models and
    registered versions. Its metrics table holds the latest values only; the histories
    (ranges, sparklines) are read by :func:`read_metric_rows`, after the first paint."""
    store = services.tracking
    run_id = run.info.run_id
    overview = RunOverview(experiment, run, metric_rows(run, None))
    overview.parent_id = run.data.tags.get(PARENT_TAG) or None
    if overview.parent_id:
        try:
            overview.parent = store.get_run(overview.parent_id)
        except NotFound:
            overview.parent = None
    children = store.search_runs(
        [run.info.experiment_id],
        f"tags.{PARENT_TAG} = {string_literal(run_id)}",
        max_results=CHILDREN_SHOWN,
        order_by=["attributes.start_time DESC"],
    )
    overview.children = list(children)
    overview.more_children = children.token is not None
    overview.logged_models = _logged_models(services, run)
    overview.versions = _versions(services, f"run_id = {string_literal(run_id)}")
    return overview


def _logged_models(services: Services, run: Run) -> list[LoggedModel]:
    """The models the run logged: its outputs, and models naming it as their source."""
    store = services.tracking
    try:
        found = {
            model.model_id: model
            for model in store.search_logged_models(
                [run.info.experiment_id],
                f"source_run_id = {string_literal(run.info.run_id)}",
                max_results=100,
            )
        }
    except HeronError:  # a store without logged models
        return []
    for output in run.outputs.model_outputs:
        if output.model_id not in found:
            try:
                found[output.model_id] = store.get_logged_model(output.model_id)
            except HeronError:
                continue
    return sorted(found.values(), key=lambda model: -model.creation_timestamp)


def _versions(services: Services, filter_string: str) -> list[ModelVersion]:
    """Registered model versions matching the filter; none when there is no registry."""
    try:
        return list(
            services.registry.search_model_versions(filter_string, max_results=VERSIONS_SHOWN)
        )
    except HeronError:
        return []


def logged_model_files(services: Services, model: LoggedModel) -> list[FileInfo] | None:
    """The first files of a logged model (None when they cannot be listed)."""
    try:
        repository = services.artifact_repository(model.artifact_location)
        return list(itertools.islice(repository.list_files(), FILES_SHOWN))
    except (HeronError, OSError):
        return None


def logged_model_versions(services: Services, model: LoggedModel) -> list[ModelVersion]:
    """The registered versions made from a logged model."""
    if model.source_run_id:
        candidates = _versions(services, f"run_id = {string_literal(model.source_run_id)}")
    else:
        candidates = _versions(services, f"source = {string_literal(model.model_uri)}")
    return [v for v in candidates if v.model_id == model.model_id or v.source == model.model_uri]
