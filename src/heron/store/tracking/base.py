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
- ``import_run`` writes a whole run (it is how runs are copied between stores); stores that
  can do it in one transaction do, so that a failed import leaves no run behind.

The web UI's summaries (run counts, keys, metric ranges, sampled series...) come from
:class:`~heron.store.tracking.page_contract.PageReads`, a base of the contract with generic
versions that backends override with one query each.

Logged models (MLflow 3.x) are optional: their methods are concrete and raise
:class:`heron.exceptions.NotImplementedFeature` unless a backend overrides them.
``get_logged_model`` hides soft-deleted models unless asked; ``search_logged_models`` never
returns them. A metric logged to a run with a ``model_id`` is also one of that model's
metrics.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

from heron.entities import (
    DatasetInput,
    Experiment,
    LoggedModel,
    LoggedModelInput,
    LoggedModelOutput,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
    Metric,
    PagedList,
    Param,
    Run,
    RunContent,
    RunHistory,
    RunInfo,
    RunTag,
    ViewType,
)
from heron.entities.run_data import ExperimentTag
from heron.exceptions import NotImplementedFeature
from heron.store.batching import split_batch
from heron.store.clock import now_millis
from heron.store.tracking.page_contract import PageReads

SEARCH_MAX_RESULTS_DEFAULT = 1000
SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT = 50
DEFAULT_EXPERIMENT_ID = "0"
DEFAULT_EXPERIMENT_NAME = "Default"


class TrackingStore(PageReads, abc.ABC):
    """Experiments, runs and everything logged to runs."""

    local_reads: bool = False
    """Whether reads are answered on this machine without waiting for another process or
    the network (an embedded database): quick enough for a server's event loop."""

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
    def log_inputs(
        self,
        run_id: str,
        datasets: Sequence[DatasetInput] | None = None,
        models: Sequence[LoggedModelInput] | None = None,
    ) -> None:
        """Record datasets and logged models a run used; each is stored once per run."""

    # -- whole runs (export/import) ----------------------------------------------------

    def import_run(self, experiment_id: str, content: RunContent) -> Run:
        """Create a run with everything logged to it, in an active experiment.

        The run gets ``content``'s user, start time, name, tags, params and every metric
        point, then its status and end time. Unlike ``log_batch`` there is no limit on how
        many entities it carries. This generic version makes one call per part and, if a
        part fails, deletes the run and re-raises; stores override it with one transaction.
        """
        run = self.create_run(
            experiment_id,
            content.user_id,
            content.start_time if content.start_time is not None else now_millis(),
            content.tags,
            content.run_name,
        )
        run_id = run.info.run_id
        try:
            points = [p for series in content.series for p in series.points()]
            for metrics, params, tags in split_batch(
                [*points, *content.points], content.params, []
            ):
                self.log_batch(run_id, metrics, params, tags)
            if content.status is not None or content.end_time is not None:
                self.update_run_info(run_id, content.status, content.end_time, None)
        except BaseException:
            with contextlib.suppress(Exception):
                self.delete_run(run_id)
            raise
        return self.get_run(run_id)

    def get_run_histories(self, run_ids: Sequence[str]) -> list[RunHistory]:
        """Every metric point of each run, in the order of ``run_ids``.

        Plain points come as one :class:`MetricSeries` per key, ordered by step then
        timestamp; points naming a logged model or dataset come one by one.

        Raises:
            NotFound: a run does not exist.
        """
        histories = []
        for run_id in run_ids:
            keys = sorted(self.get_run(run_id).data.metrics)
            by_key = {key: list(self.get_metric_history(run_id, key)) for key in keys}
            histories.append(RunHistory.from_points(run_id, by_key))
        return histories

    # -- logged models (MLflow 3.x) ----------------------------------------------------

    def _unsupported(self, what: str) -> NotImplementedFeature:
        return NotImplementedFeature(f"{type(self).__name__} does not support {what}")

    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None = None,
        source_run_id: str | None = None,
        tags: Sequence[LoggedModelTag] | None = None,
        params: Sequence[LoggedModelParameter] | None = None,
        model_type: str | None = None,
    ) -> LoggedModel:
        """Create a PENDING logged model in an active experiment.

        Its id is ``m-<32 hex>``, its artifact location
        ``<experiment artifact location>/models/<model_id>/artifacts``; a missing name is
        generated.
        """
        raise self._unsupported("logged models")

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        """The logged model with this id; NotFound if missing (or deleted, unless allowed)."""
        raise self._unsupported("logged models")

    def finalize_logged_model(
        self, model_id: str, status: LoggedModelStatus | str | int
    ) -> LoggedModel:
        """Set a logged model's status (READY, or FAILED when its upload failed)."""
        raise self._unsupported("logged models")

    def delete_logged_model(self, model_id: str) -> None:
        """Soft-delete a logged model."""
        raise self._unsupported("logged models")

    def set_logged_model_tags(self, model_id: str, tags: Sequence[LoggedModelTag]) -> None:
        """Set (or overwrite) tags of a logged model."""
        raise self._unsupported("logged models")

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        """Remove a logged model's tag; a missing tag is NotFound."""
        raise self._unsupported("logged models")

    def log_logged_model_params(
        self, model_id: str, params: Sequence[LoggedModelParameter]
    ) -> None:
        """Log params of a logged model; the same value again is accepted, another refused."""
        raise self._unsupported("logged models")

    def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        datasets: Sequence[Mapping[str, Any]] | None = None,
        max_results: int | None = None,
        order_by: Sequence[Mapping[str, Any]] | None = None,
        page_token: str | None = None,
    ) -> PagedList[LoggedModel]:
        """One page of the experiments' (non-deleted) logged models matching the filter.

        Args:
            experiment_ids: The experiments to search.
            filter_string: E.g. ``"name = 'model' AND metrics.acc > 0.9"`` (attributes
                name, model_id, model_type, status, source_run_id, creation_timestamp,
                last_updated_timestamp; ``metrics.``, ``params.``, ``tags.``).
            datasets: ``[{"dataset_name": ..., "dataset_digest": ...}]``: metric clauses
                only look at points on these datasets (and without metric clauses, only
                models with a point on one of them match).
            max_results: Page size; default 50.
            order_by: ``[{"field_name": "metrics.acc", "ascending": False,
                "dataset_name": ..., "dataset_digest": ...}]``; then newest first.
            page_token: From the previous page, with the same other arguments.
        """
        raise self._unsupported("logged models")

    def log_outputs(self, run_id: str, models: Sequence[LoggedModelOutput]) -> None:
        """Record logged models an active run produced (shown in ``Run.outputs``)."""
        raise self._unsupported("logged models")
