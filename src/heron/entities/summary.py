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
