"""The tracking-store contract.

Every backend (SQL, REST, ...) implements :class:`TrackingStore`. Implementers provide the
abstract methods; the concrete ones are derived behaviour that a backend may override for
speed (the SQL store overrides ``log_metric`` with a one-statement path, for example).

Semantics every implementation keeps (the contract suite in ``tests/contract`` checks them):

- ``get_*`` raises :class:`heron.exceptions.NotFound` for a missing id;
  ``get_experiment_by_name`` returns None instead, as MLflow does.
- Writes to a run whose lifecycle stage is ``deleted`` raise ``InvalidParameter``.
- ``log_batch`` is all-or-nothing: after an error, nothing of the batch is stored.
- Re-logging a param with the same value is accepted; a different value is refused.
- Identical metric points (key, value, timestamp, step) are stored once, so a retried call
  never duplicates data.
- Setting tag ``mlflow.runName`` renames the run, and renaming the run sets the tag.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence

from heron.entities import (
    DatasetInput,
    Experiment,
    Metric,
    PagedList,
    Param,
    Run,
    RunInfo,
    RunTag,
    ViewType,
)
from heron.entities.run_data import ExperimentTag

SEARCH_MAX_RESULTS_DEFAULT = 1000
DEFAULT_EXPERIMENT_ID = "0"
DEFAULT_EXPERIMENT_NAME = "Default"


class TrackingStore(abc.ABC):
    """Experiments, runs and everything logged to runs."""

    # -- experiments -------------------------------------------------------------------

    @abc.abstractmethod
    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: Sequence[ExperimentTag] | None = None,
    ) -> str:
        """Create an experiment and return its id. Names are unique, deleted ones included."""

    @abc.abstractmethod
    def get_experiment(self, experiment_id: str) -> Experiment:
        """The experiment with this id (deleted ones too)."""

    @abc.abstractmethod
    def get_experiment_by_name(self, experiment_name: str) -> Experiment | None:
        """The experiment with this name (deleted ones too), or None."""

    @abc.abstractmethod
    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """One page of experiments matching the filter, in the requested order."""

    @abc.abstractmethod
    def delete_experiment(self, experiment_id: str) -> None:
        """Soft-delete an experiment and its runs."""

    @abc.abstractmethod
    def restore_experiment(self, experiment_id: str) -> None:
        """Undo :meth:`delete_experiment`, runs included."""

    @abc.abstractmethod
    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """Give an experiment a new, unused name."""

    @abc.abstractmethod
    def set_experiment_tag(self, experiment_id: str, tag: ExperimentTag) -> None:
        """Set (or overwrite) an experiment tag."""

    @abc.abstractmethod
    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        """Remove an experiment tag; a missing tag is NotFound."""

    # -- runs --------------------------------------------------------------------------

    @abc.abstractmethod
    def create_run(
        self,
        experiment_id: str,
        user_id: str,
        start_time: int,
        tags: Sequence[RunTag],
        run_name: str | None,
    ) -> Run:
        """Create a RUNNING run. A missing ``run_name`` gets a generated one."""

    @abc.abstractmethod
    def get_run(self, run_id: str) -> Run:
        """The run with this id (deleted ones too), with its latest metrics."""

    @abc.abstractmethod
    def update_run_info(
        self,
        run_id: str,
        run_status: int | str | None,
        end_time: int | None,
        run_name: str | None,
    ) -> RunInfo:
        """Change status, end time and/or name; None leaves a field as it is."""

    @abc.abstractmethod
    def delete_run(self, run_id: str) -> None:
        """Soft-delete a run."""

    @abc.abstractmethod
    def restore_run(self, run_id: str) -> None:
        """Undo :meth:`delete_run`."""

    @abc.abstractmethod
    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """One page of runs of these experiments matching the filter."""

    # -- logging -----------------------------------------------------------------------

    @abc.abstractmethod
    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> None:
        """Log metrics, params and tags at once: all of them, or none on error."""

    def log_metric(self, run_id: str, metric: Metric) -> None:
        """Log one metric point."""
        self.log_batch(run_id, metrics=[metric])

    def log_param(self, run_id: str, param: Param) -> None:
        """Log one param."""
        self.log_batch(run_id, params=[param])

    def set_tag(self, run_id: str, tag: RunTag) -> None:
        """Set one run tag."""
        self.log_batch(run_id, tags=[tag])

    @abc.abstractmethod
    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a run tag; a missing tag is NotFound."""

    @abc.abstractmethod
    def get_metric_history(
        self,
        run_id: str,
        metric_key: str,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> PagedList[Metric]:
        """Every point of one metric of a run, ordered by step then timestamp."""

    @abc.abstractmethod
    def log_inputs(self, run_id: str, datasets: Sequence[DatasetInput] | None = None) -> None:
        """Record datasets a run used; the same dataset twice is stored once."""
