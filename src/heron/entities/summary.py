"""Summaries the web UI shows: experiment activity, the keys runs use, metric ranges, the
datasets of experiments."""

from __future__ import annotations

from dataclasses import dataclass

from heron.entities._base import Entity


@dataclass(frozen=True)
class ExperimentActivity(Entity):
    """How busy an experiment is.

    Attributes:
        run_count: Its runs that are not deleted.
        last_activity: The latest start or end time of any of those runs, in
            milliseconds (None without runs).
    """

    run_count: int = 0
    last_activity: int | None = None


@dataclass(frozen=True)
class RunKeys(Entity):
    """Every metric, param and tag key the runs of some experiments use, sorted."""

    metrics: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetricRange(Entity):
    """The smallest and largest value of one metric of one run (NaN ignored)."""

    min: float | None = None
    max: float | None = None


__all__ = ["ExperimentActivity", "MetricRange", "RunKeys"]


@dataclass(frozen=True)
class DatasetSummary(Entity):
    """A dataset some run of an experiment used, and in what context (MLflow's
    ``_DatasetSummary``: the ``mlflow.data.context`` tag of the input, if any)."""

    experiment_id: str
    name: str
    digest: str
    context: str | None = None


@dataclass(frozen=True)
class SampledSeries(Entity):
    """One metric of one run as a chart draws it, as columns of equal length.

    A series with few points in the asked range comes whole (``sampled`` False). A longer
    one is cut into buckets of equal width along the x axis (steps or timestamps) and each
    bucket keeps its first, last, smallest and largest point, so a spike is never lost;
    ``lows`` and ``highs`` then give, for each kept point, the smallest and largest value of
    its bucket (None for a bucket holding only NaN).

    Attributes:
        run_id: The run.
        key: The metric.
        steps: The kept points' steps, in x order.
        timestamps: Their times, in milliseconds since the epoch.
        values: Their values (NaN for NaN).
        lows: Per kept point, its bucket's smallest value (empty when not sampled).
        highs: Per kept point, its bucket's largest value (empty when not sampled).
        count: The points the run has for the key in the range.
        sampled: Whether the series was cut into buckets.
    """

    run_id: str
    key: str
    steps: tuple[int, ...] = ()
    timestamps: tuple[int, ...] = ()
    values: tuple[float, ...] = ()
    lows: tuple[float | None, ...] = ()
    highs: tuple[float | None, ...] = ()
    count: int = 0
    sampled: bool = False
