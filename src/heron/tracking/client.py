"""``MlflowClient``: MLflow 3.x's tracking client, with its names, arguments and results.

The client holds nothing but its tracking store (created on first use from the tracking URI).
Experiments and runs go straight to the store; logging may be queued for the background
writer (:mod:`heron.tracking.async_logging`); artifact methods come from
:class:`heron.tracking.artifacts.ArtifactMethods`, logged-model methods from
:class:`heron.tracking.logged_models.LoggedModelMethods`, model-registry methods from
:class:`heron.tracking.registration.RegistrationMethods` (on top of
:class:`heron.tracking.registry.RegistryMethods`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from heron import config
from heron.entities import (
    DatasetInput,
    Experiment,
    ExperimentTag,
    LoggedModelInput,
    Metric,
    PagedList,
    Param,
    Run,
    RunStatus,
    RunTag,
    ViewType,
)
from heron.store.batching import split_batch
from heron.store.clock import now_millis
from heron.store.tracking.base import SEARCH_MAX_RESULTS_DEFAULT, TrackingStore
from heron.tracking.artifacts import ArtifactMethods
from heron.tracking.async_logging import RunOperations, async_logger
from heron.tracking.context import current_user
from heron.tracking.logged_models import LoggedModelMethods
from heron.tracking.registration import RegistrationMethods
from heron.tracking.run_links import print_run_links
from heron.validation import validate_batch

USER_TAG = "mlflow.user"
PARENT_RUN_ID_TAG = "mlflow.parentRunId"


def _id(experiment_id: str | int) -> str:
    """Experiment ids are strings; accept the integers users often pass."""
    return str(experiment_id) if isinstance(experiment_id, int) else experiment_id


def metric_value(value: Any) -> Any:
    """``float(value)`` when that works (numpy scalars, tensors, numeric strings).

    Booleans and anything ``float`` refuses are returned as they are, for validation to
    refuse with MLflow's message.
    """
    if isinstance(value, (bool, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


class MlflowClient(ArtifactMethods, LoggedModelMethods, RegistrationMethods):
    """A client for a tracking store and a model registry.

    Args:
        tracking_uri: Where runs are stored (``sqlite:///heron.db``, ``postgresql://...``);
            defaults to ``HERON_TRACKING_URI``, then ``MLFLOW_TRACKING_URI``, then
            ``sqlite:///heron.db``.
        registry_uri: The model registry's store; defaults to the tracking URI.
    """

    def __init__(self, tracking_uri: str | None = None, registry_uri: str | None = None):
        self._tracking_uri = config.tracking_uri(tracking_uri)
        self._registry_uri = config.registry_uri(registry_uri, self._tracking_uri)
        self._store: TrackingStore | None = None

    @property
    def tracking_uri(self) -> str:
        """The tracking URI this client talks to."""
        return self._tracking_uri

    @property
    def store(self) -> TrackingStore:
        """The tracking store, created on first use."""
        if self._store is None:
            from heron.store.tracking import get_tracking_store

            self._store = get_tracking_store(self._tracking_uri)
        return self._store

    # -- experiments -------------------------------------------------------------------

    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: Mapping[str, Any] | None = None,
    ) -> str:
        """Create an experiment and return its id.

        Args:
            name: A unique name (deleted experiments keep theirs).
            artifact_location: Where its runs keep artifacts; under the store's default
                artifact root if None.
            tags: Experiment tags; values are converted with ``str``.
        """
        experiment_tags = [ExperimentTag(k, str(v)) for k, v in (tags or {}).items()]
        return self.store.create_experiment(name, artifact_location, experiment_tags)

    def get_experiment(self, experiment_id: str) -> Experiment:
        """The experiment with this id (deleted ones too); NotFound otherwise."""
        return self.store.get_experiment(_id(experiment_id))

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment with this name (deleted ones too), or None."""
        return self.store.get_experiment_by_name(name)

    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """One page of experiments; its ``token`` fetches the next page.

        Args:
            view_type: ``ViewType.ACTIVE_ONLY``, ``DELETED_ONLY`` or ``ALL`` (or its name).
            max_results: The page size.
            filter_string: e.g. ``"name LIKE 'exp%' AND tags.team = 'a'"``.
            order_by: e.g. ``["name ASC", "creation_time DESC"]``.
            page_token: The ``token`` of the previous page.
        """
        return self.store.search_experiments(
            ViewType.coerce(view_type), max_results, filter_string, order_by, page_token
        )

    def delete_experiment(self, experiment_id: str) -> None:
        """Soft-delete an experiment and its runs."""
        self.store.delete_experiment(_id(experiment_id))

    def restore_experiment(self, experiment_id: str) -> None:
        """Restore a deleted experiment and its runs."""
        self.store.restore_experiment(_id(experiment_id))

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """Give an experiment a new, unused name."""
        self.store.rename_experiment(_id(experiment_id), new_name)

    def set_experiment_tag(self, experiment_id: str, key: str, value: Any) -> None:
        """Set an experiment tag (the value is converted with ``str``)."""
        self.store.set_experiment_tag(_id(experiment_id), ExperimentTag(key, str(value)))

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        """Remove an experiment tag; NotFound if it is not set."""
        self.store.delete_experiment_tag(_id(experiment_id), key)

    # -- runs --------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: Mapping[str, Any] | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Create a RUNNING run.

        Args:
            experiment_id: The experiment to create it in.
            start_time: Milliseconds since the epoch; now if None.
            tags: Run tags (values converted with ``str``). The ``mlflow.user`` tag, if given,
                is also the run's ``user_id``; otherwise the tracking user name or the OS user.
            run_name: The run's name; generated if None.
        """
        run_tags = {key: str(value) for key, value in (tags or {}).items()}
        return self.store.create_run(
            experiment_id=_id(experiment_id),
            user_id=run_tags.get(USER_TAG) or current_user(),
            start_time=start_time if start_time is not None else now_millis(),
            tags=[RunTag(key, value) for key, value in run_tags.items()],
            run_name=run_name,
        )

    def get_run(self, run_id: str) -> Run:
        """The run with this id (deleted ones too), with its latest metrics; NotFound otherwise."""
        return self.store.get_run(run_id)

    def get_parent_run(self, run_id: str) -> Run | None:
        """The run named by this run's ``mlflow.parentRunId`` tag, or None."""
        parent_id = self.get_run(run_id).data.tags.get(PARENT_RUN_ID_TAG)
        return None if parent_id is None else self.get_run(parent_id)

    def update_run(self, run_id: str, status: str | None = None, name: str | None = None) -> None:
        """Change a run's status (e.g. ``"FINISHED"``) and/or name; None keeps a field."""
        if status is None and name is None:
            return
        run_status = None if status is None else RunStatus.name_of(status)
        self.store.update_run_info(run_id, run_status, None, name)

    def set_terminated(
        self, run_id: str, status: str | None = None, end_time: int | None = None
    ) -> None:
        """End a run: status FINISHED (or ``status``) at ``end_time`` (now by default).

        Writes queued for asynchronous logging are applied first.
        """
        async_logger().flush()
        run_status = RunStatus.name_of(status or "FINISHED")
        info = self.store.update_run_info(run_id, run_status, end_time or now_millis(), None)
        print_run_links(self._tracking_uri, info)

    def delete_run(self, run_id: str) -> None:
        """Soft-delete a run."""
        self.store.delete_run(run_id)

    def restore_run(self, run_id: str) -> None:
        """Restore a deleted run."""
        self.store.restore_run(run_id)

    def search_runs(
        self,
        experiment_ids: str | Sequence[str],
        filter_string: str = "",
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """One page of runs; its ``token`` fetches the next page.

        Args:
            experiment_ids: An experiment id or a list of them.
            filter_string: e.g. ``"metrics.rmse < 1 AND params.model = 'tree'"``.
            run_view_type: ``ViewType.ACTIVE_ONLY``, ``DELETED_ONLY`` or ``ALL`` (or its name).
            max_results: The page size.
            order_by: e.g. ``["metrics.rmse ASC"]``; by default newest runs first.
            page_token: The ``token`` of the previous page.
        """
        ids = [experiment_ids] if isinstance(experiment_ids, (str, int)) else experiment_ids
        return self.store.search_runs(
            [_id(e) for e in ids],
            filter_string,
            ViewType.coerce(run_view_type),
            max_results,
            order_by,
            page_token,
        )

    # -- logging -----------------------------------------------------------------------

    @staticmethod
    def _synchronous(synchronous: bool | None) -> bool:
        if synchronous is not None:
            return synchronous
        return not config.ENABLE_ASYNC_LOGGING.get()

    def _queue(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> RunOperations:
        """Validate now, then queue the writes in batches within limits."""
        operations = []
        for batch_metrics, batch_params, batch_tags in split_batch(metrics, params, tags):
            checked_params, checked_tags = validate_batch(batch_metrics, batch_params, batch_tags)
            operations.append(
                async_logger().submit(
                    self.store, run_id, batch_metrics, checked_params, checked_tags
                )
            )
        return RunOperations.merge(operations)

    def log_param(self, run_id: str, key: str, value: Any, synchronous: bool | None = None) -> Any:
        """Log a param (converted with ``str``); a param's value cannot change once logged.

        Returns:
            ``value`` when synchronous, else a :class:`RunOperations` to wait on.
        """
        param = Param(key, str(value))
        if not self._synchronous(synchronous):
            return self._queue(run_id, params=[param])
        self.store.log_param(run_id, param)
        return value

    def log_metric(
        self,
        run_id: str,
        key: str,
        value: float,
        timestamp: int | None = None,
        step: int | None = None,
        synchronous: bool | None = None,
        dataset_name: str | None = None,
        dataset_digest: str | None = None,
        model_id: str | None = None,
    ) -> RunOperations | None:
        """Log one metric point.

        Args:
            run_id: The run.
            key: The metric name.
            value: A number (converted with ``float``); booleans are refused.
            timestamp: Milliseconds since the epoch; now if None.
            step: The training step; 0 if None.
            synchronous: False queues the write; None follows ``HERON_ENABLE_ASYNC_LOGGING``.
            dataset_name: The dataset the metric was computed on, if any.
            dataset_digest: That dataset's digest.
            model_id: The logged model the metric belongs to, if any.

        Returns:
            None when synchronous, else a :class:`RunOperations` to wait on.
        """
        metric = Metric(
            key,
            metric_value(value),
            timestamp if timestamp is not None else now_millis(),
            step if step is not None else 0,
            dataset_name=dataset_name,
            dataset_digest=dataset_digest,
            model_id=model_id,
            run_id=run_id,
        )
        if not self._synchronous(synchronous):
            return self._queue(run_id, metrics=[metric])
        self.store.log_metric(run_id, metric)
        return None

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        synchronous: bool | None = None,
    ) -> RunOperations | None:
        """Log metrics, params and tags, in as many calls as MLflow's batch limits need.

        Each call is all-or-nothing; a batch larger than the limits (1000 metrics, 100
        params, 100 tags, 1000 in all) is split and so is not atomic as a whole.

        Returns:
            None when synchronous, else a :class:`RunOperations` to wait on.
        """
        params = [Param(p.key, str(p.value)) for p in params]
        tags = [RunTag(t.key, str(t.value)) for t in tags]
        if not self._synchronous(synchronous):
            return self._queue(run_id, list(metrics), params, tags)
        for batch_metrics, batch_params, batch_tags in split_batch(list(metrics), params, tags):
            self.store.log_batch(run_id, batch_metrics, batch_params, batch_tags)
        return None

    def set_tag(
        self, run_id: str, key: str, value: Any, synchronous: bool | None = None
    ) -> RunOperations | None:
        """Set a run tag (converted with ``str``); the last write wins.

        Returns:
            None when synchronous, else a :class:`RunOperations` to wait on.
        """
        tag = RunTag(key, str(value))
        if not self._synchronous(synchronous):
            return self._queue(run_id, tags=[tag])
        self.store.set_tag(run_id, tag)
        return None

    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a run tag; NotFound if it is not set."""
        self.store.delete_tag(run_id, key)

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every point of one metric of a run, ordered by step then timestamp."""
        history: list[Metric] = []
        token: str | None = None
        while True:
            page = self.store.get_metric_history(run_id, key, page_token=token)
            history.extend(page)
            token = page.token
            if not token:
                return history

    def log_inputs(
        self,
        run_id: str,
        datasets: Sequence[DatasetInput] | None = None,
        models: Sequence[LoggedModelInput] | None = None,
    ) -> None:
        """Record datasets and logged models a run used."""
        if models:
            self.store.log_inputs(run_id, datasets, models=models)
        else:
            self.store.log_inputs(run_id, datasets)
