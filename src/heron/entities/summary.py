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
    one is cut into buckets of equal width along the x axis (steps or timestamps; a power
    of two, aligned on its multiples) and each bucket keeps its first, last, smallest and
    largest point, so a spike is never lost.
    The kept points of bucket ``i`` have x in ``[bucket_start + i * bucket_width,
    bucket_start + (i + 1) * bucket_width)``, so a chart can draw each bucket's min/max band
    from the points themselves.

    Attributes:
        run_id: The run.
        key: The metric.
        steps: The kept points' steps, in x order.
        timestamps: Their times, in milliseconds since the epoch.
        values: Their values (NaN for NaN).
        count: The points the run has for the key in the range.
        sampled: Whether the series was cut into buckets.
        bucket_start: The x the first bucket starts at (None when not sampled).
        bucket_width: The width of the buckets along x (None when not sampled).
    """

    run_id: str
    key: str
    steps: tuple[int, ...] = ()
    timestamps: tuple[int, ...] = ()
    values: tuple[float, ...] = ()
    count: int = 0
    sampled: bool = False
    bucket_start: int | None = None
    bucket_width: int | None = None
