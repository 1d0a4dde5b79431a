"""What a run holds: metrics, params and tags, and their containers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from heron.entities._base import Entity


@dataclass(frozen=True, slots=True)
class Metric(Entity):
    """One metric point: a value at a step and a time (milliseconds since the epoch)."""

    key: str
    value: float
    timestamp: int
    step: int = 0
    model_id: str | None = None  # MLflow's order: (key, value, timestamp, step, model_id, ...)
    dataset_name: str | None = None
    dataset_digest: str | None = None
    run_id: str | None = None


@dataclass(frozen=True, slots=True)
class Param(Entity):
    """A run parameter; written once per run."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class RunTag(Entity):
    """A run tag; the last write wins."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class ExperimentTag(Entity):
    """An experiment tag; the last write wins."""

    key: str
    value: str


class RunData:
    """A run's latest metrics, params and tags.

    ``metrics``, ``params`` and ``tags`` are plain ``{key: value}`` dictionaries, as in
    MLflow; ``metric_objects`` keeps the full latest :class:`Metric` of each key.
    """

    __slots__ = ("_metric_objs", "metrics", "params", "tags")
    __hash__ = None  # type: ignore[assignment]  # mutable dictionaries inside

    def __init__(
        self,
        metrics: Iterable[Metric] | None = None,
        params: Iterable[Param] | None = None,
        tags: Iterable[RunTag] | None = None,
    ):
        self._metric_objs: list[Metric] = list(metrics or ())
        self.metrics: dict[str, float] = {m.key: m.value for m in self._metric_objs}
        self.params: dict[str, str] = {p.key: p.value for p in params or ()}
        self.tags: dict[str, str] = {t.key: t.value for t in tags or ()}

    @classmethod
    def from_mappings(
        cls, metrics: list[Metric], params: dict[str, str], tags: dict[str, str]
    ) -> RunData:
        """A RunData holding these metrics, and these dictionaries as its params and tags
        (taken as they are, not copied)."""
        data = cls(metrics)
        data.params = params
        data.tags = tags
        return data

    @property
    def metric_objects(self) -> list[Metric]:
        """The latest :class:`Metric` of each key."""
        return list(self._metric_objs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunData):
            return NotImplemented
        return (self.metrics, self.params, self.tags) == (other.metrics, other.params, other.tags)

    def __repr__(self) -> str:
        return f"<RunData: metrics={self.metrics}, params={self.params}, tags={self.tags}>"

    def to_dictionary(self) -> dict[str, dict[str, object]]:
        """``{"metrics": {...}, "params": {...}, "tags": {...}}``."""
        return {"metrics": dict(self.metrics), "params": dict(self.params), "tags": dict(self.tags)}
