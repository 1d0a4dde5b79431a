"""A run's content in bulk: metric histories as columns, and a whole run to write at once.

These carry runs between stores (export/import, copy): a history of a thousand points is
three lists rather than a thousand :class:`~heron.entities.Metric` objects, which is what
makes reading and writing whole runs cheap.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from heron.entities._base import Entity
from heron.entities.run_data import Metric, Param, RunTag


@dataclass(frozen=True, slots=True)
class MetricSeries(Entity):
    """Every plain point of one metric of a run, as three columns of equal length.

    Plain points name no logged model and no dataset; points that do travel as
    :class:`Metric` (see :class:`RunHistory`).
    """

    key: str
    values: Sequence[float]
    timestamps: Sequence[int]
    steps: Sequence[int]

    def __len__(self) -> int:
        return len(self.values)

    def points(self) -> Iterator[Metric]:
        """The series as metric points."""
        key = self.key
        for value, timestamp, step in zip(self.values, self.timestamps, self.steps, strict=True):
            yield Metric(key, value, timestamp, step)


@dataclass(frozen=True, slots=True)
class RunHistory(Entity):
    """Every metric point of one run: plain ones by key, the others one by one."""

    run_id: str
    series: Sequence[MetricSeries] = ()
    points: Sequence[Metric] = ()

    @property
    def size(self) -> int:
        """How many points the history holds."""
        return sum(map(len, self.series)) + len(self.points)

    @classmethod
    def from_points(cls, run_id: str, metrics: Mapping[str, Sequence[Metric]]) -> RunHistory:
        """The history of points given by key (in order): plain ones become series."""
        series, others = [], []
        for key, points in metrics.items():
            plain = [p for p in points if p.model_id is None and p.dataset_name is None]
            if plain:
                values = [p.value for p in plain]
                series.append(
                    MetricSeries(key, values, [p.timestamp for p in plain], [p.step for p in plain])
                )
            if len(plain) < len(points):
                others += [
                    p for p in points if p.model_id is not None or p.dataset_name is not None
                ]
        return cls(run_id, series, others)

    def by_key(self) -> dict[str, list[Metric]]:
        """Every point by key, ordered by step then time."""
        found = {series.key: list(series.points()) for series in self.series}
        for point in self.points:
            found.setdefault(point.key, []).append(point)
        for key in {point.key for point in self.points}:
            found[key].sort(key=lambda point: (point.step, point.timestamp))
        return found


@dataclass(frozen=True, slots=True)
class RunContent(Entity):
    """A run to create whole: what it was, and everything logged to it.

    Attributes:
        user_id: The run's user.
        start_time: Milliseconds since the epoch (None: now).
        run_name: The run's name (None: its ``mlflow.runName`` tag, else generated).
        status: The run's status name (``FINISHED``, ...; None: ``RUNNING``).
        end_time: Milliseconds since the epoch, or None.
        tags: Run tags.
        params: Params (one per key).
        series: Plain metric points, one series per key.
        points: Metric points naming a logged model or a dataset.
    """

    user_id: str
    start_time: int | None = None
    run_name: str | None = None
    status: str | None = None
    end_time: int | None = None
    tags: Sequence[RunTag] = ()
    params: Sequence[Param] = ()
    series: Sequence[MetricSeries] = ()
    points: Sequence[Metric] = ()

    @property
    def size(self) -> int:
        """How many metric points the run holds."""
        return sum(map(len, self.series)) + len(self.points)
