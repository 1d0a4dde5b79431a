"""What a transfer moves, independent of where it comes from or goes to.

A reader (a bundle directory, or a live tracking store) yields these records; a writer (a
bundle directory, or a destination store) consumes them. Artifact bytes travel separately,
through :mod:`heron.transfer.sources`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from heron.entities import (
    DatasetInput,
    Experiment,
    LoggedModel,
    LoggedModelOutput,
    Metric,
    MetricSeries,
    Run,
    RunHistory,
    RunInfo,
)
from heron.transfer.checksums import FileDigest

PARENT_RUN_ID_TAG = "mlflow.parentRunId"
RUN_NAME_TAG = "mlflow.runName"
USER_TAG = "mlflow.user"


@dataclass
class RunRecord:
    """One run with everything it holds.

    Attributes:
        info: Identity, status, times, user, name and the source artifact URI.
        params: ``{key: value}``.
        series: The full history of plain points (no logged model, no dataset), one
            series per key.
        points: Points naming a logged model or a dataset.
        tags: ``{key: value}``, ``mlflow.*`` system tags included.
        dataset_inputs: Datasets the run used, with their input tags.
        model_inputs: Ids of logged models the run used.
        model_outputs: Logged models the run produced, with their steps.
        artifacts: Each artifact file with its sha256; None when the source recorded none
            (bundles written by other tools).
        full_history: False when the source kept only each metric's last value (the oldest
            bundle layout).
    """

    info: RunInfo
    params: dict[str, str] = field(default_factory=dict)
    series: dict[str, MetricSeries] = field(default_factory=dict)
    points: list[Metric] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    dataset_inputs: list[DatasetInput] = field(default_factory=list)
    model_inputs: list[str] = field(default_factory=list)
    model_outputs: list[LoggedModelOutput] = field(default_factory=list)
    artifacts: list[FileDigest] | None = None
    full_history: bool = True

    @property
    def run_id(self) -> str:
        """The source run id."""
        return self.info.run_id

    @property
    def parent_run_id(self) -> str | None:
        """The source id of the parent run (tag ``mlflow.parentRunId``), if nested."""
        return self.tags.get(PARENT_RUN_ID_TAG) or None

    @property
    def metric_count(self) -> int:
        """How many metric points the run holds."""
        return sum(map(len, self.series.values())) + len(self.points)

    @property
    def metrics(self) -> dict[str, list[Metric]]:
        """``{key: [every point, by step and time]}``: the full history, as points."""
        return self.history.by_key()

    @property
    def history(self) -> RunHistory:
        """The full history, as a store reads and writes it."""
        return RunHistory(self.run_id, list(self.series.values()), self.points)

    def set_metrics(self, metrics: Mapping[str, Sequence[Metric]]) -> None:
        """Replace the history with these points: ``{key: [points]}``."""
        history = RunHistory.from_points(self.run_id, metrics)
        self.series = {series.key: series for series in history.series}
        self.points = list(history.points)

    @classmethod
    def from_run(cls, run: Run, history: RunHistory) -> RunRecord:
        """A record of a live run and the full history of each of its metrics."""
        return cls(
            info=run.info,
            params=dict(run.data.params),
            series={series.key: series for series in history.series},
            points=list(history.points),
            tags=dict(sorted(run.data.tags.items())),
            dataset_inputs=list(run.inputs.dataset_inputs),
            model_inputs=[model.model_id for model in run.inputs.model_inputs],
            model_outputs=list(run.outputs.model_outputs),
        )


@dataclass
class LoggedModelRecord:
    """A logged model (MLflow 3.x) and, when known, the checksums of its files."""

    model: LoggedModel
    artifacts: list[FileDigest] | None = None

    @property
    def model_id(self) -> str:
        """The source model id."""
        return self.model.model_id


@dataclass
class ExperimentRecord:
    """An experiment and the runs an export holds for it.

    Attributes:
        experiment: The source experiment (id, name, location, tags, times).
        run_ids: The runs exported successfully, in export order.
        failed_run_ids: Runs the export could not write.
        logged_model_ids: Logged models exported with the runs.
        parents: The parent of each nested run, when the bundle lists them (Heron's
            bundles do; None: read each run's file to know).
    """

    experiment: Experiment
    run_ids: list[str] = field(default_factory=list)
    failed_run_ids: list[str] = field(default_factory=list)
    logged_model_ids: list[str] = field(default_factory=list)
    parents: dict[str, str] | None = field(default_factory=dict)
