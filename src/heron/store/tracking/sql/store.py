"""The SQL tracking store: SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

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
from heron.entities.summary import (
    DatasetSummary,
    ExperimentActivity,
    MetricRange,
    RunKeys,
    SampledSeries,
)
from heron.store.db import Database, ensure_schema
from heron.store.tracking import resolve_artifact_root
from heron.store.tracking.base import SEARCH_MAX_RESULTS_DEFAULT, TrackingStore
from heron.store.tracking.sql import (
    bulk,
    experiments,
    history,
    inputs,
    logged_model_search,
    logged_models,
    queries,
    reads,
    run_models,
    runs,
    sampling,
    summaries,
    writes,
)


class SqlTrackingStore(TrackingStore):
    """A tracking store in a SQL database.

    Opening a fresh database creates the schema and experiment 0 ("Default"); opening one
    written by another schema revision is refused until ``heron db upgrade`` has run.
    The store is safe to share between threads.

    Args:
        db_uri: ``sqlite:///relative.db``, ``sqlite:////absolute.db``, ``sqlite://``
            (in memory), or ``postgresql[+driver]://user:password@host:port/database``.
        default_artifact_root: Where new experiments keep their artifacts
            (``<root>/<experiment_id>``); a local path is made an absolute ``file://`` URI.
    """

    def __init__(self, db_uri: str, default_artifact_root: str):
        self.db_uri = db_uri
        self.artifact_root_uri = resolve_artifact_root(default_artifact_root)
        self._db = Database(db_uri)
        self.local_reads = self._db.uri.dialect == "sqlite" and not self._db.uri.in_memory
        try:
            ensure_schema(self._db)
            experiments.ensure_default_experiment(self._db, self.artifact_root_uri)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        """Close the store's database connections."""
        self._db.close()

    # -- experiments -------------------------------------------------------------------

    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: Sequence[ExperimentTag] | None = None,
    ) -> str:
        """See :meth:`TrackingStore.create_experiment`."""
        return experiments.create_experiment(
            self._db, self.artifact_root_uri, name, artifact_location, tags
        )

    def get_experiment(self, experiment_id: str) -> Experiment:
        """See :meth:`TrackingStore.get_experiment`."""
        return experiments.get_experiment(self._db, experiment_id)

    def get_experiment_by_name(self, experiment_name: str) -> Experiment | None:
        """See :meth:`TrackingStore.get_experiment_by_name`."""
        return experiments.get_experiment_by_name(self._db, experiment_name)

    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """See :meth:`TrackingStore.search_experiments`."""
        return queries.search_experiments(
            self._db, view_type, max_results, filter_string, order_by, page_token
        )

    def delete_experiment(self, experiment_id: str) -> None:
        """See :meth:`TrackingStore.delete_experiment`."""
        experiments.delete_experiment(self._db, experiment_id)

    def restore_experiment(self, experiment_id: str) -> None:
        """See :meth:`TrackingStore.restore_experiment`."""
        experiments.restore_experiment(self._db, experiment_id)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """See :meth:`TrackingStore.rename_experiment`."""
        experiments.rename_experiment(self._db, experiment_id, new_name)

    def set_experiment_tag(self, experiment_id: str, tag: ExperimentTag) -> None:
        """See :meth:`TrackingStore.set_experiment_tag`."""
        experiments.set_experiment_tag(self._db, experiment_id, tag)

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_experiment_tag`."""
        experiments.delete_experiment_tag(self._db, experiment_id, key)

    # -- runs --------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str,
        user_id: str,
        start_time: int,
        tags: Sequence[RunTag],
        run_name: str | None,
    ) -> Run:
        """See :meth:`TrackingStore.create_run`."""
        return runs.create_run(self._db, experiment_id, user_id, start_time, tags, run_name)

    def get_run(self, run_id: str) -> Run:
        """See :meth:`TrackingStore.get_run`."""
        return reads.get_run(self._db, run_id)

    def update_run_info(
        self,
        run_id: str,
        run_status: int | str | None,
        end_time: int | None,
        run_name: str | None,
    ) -> RunInfo:
        """See :meth:`TrackingStore.update_run_info`."""
        return runs.update_run_info(self._db, run_id, run_status, end_time, run_name)

    def delete_run(self, run_id: str) -> None:
        """See :meth:`TrackingStore.delete_run`."""
        runs.delete_run(self._db, run_id)

    def restore_run(self, run_id: str) -> None:
        """See :meth:`TrackingStore.restore_run`."""
        runs.restore_run(self._db, run_id)

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """See :meth:`TrackingStore.search_runs`."""
        return queries.search_runs(
            self._db,
            experiment_ids,
            filter_string,
            run_view_type,
            max_results,
            order_by,
            page_token,
        )

    # -- logging -----------------------------------------------------------------------

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> None:
        """See :meth:`TrackingStore.log_batch`."""
        writes.log_batch(self._db, run_id, metrics, params, tags)

    def log_metric(self, run_id: str, metric: Metric) -> None:
        """See :meth:`TrackingStore.log_metric`."""
        writes.log_metric(self._db, run_id, metric)

    def log_param(self, run_id: str, param: Param) -> None:
        """See :meth:`TrackingStore.log_param`."""
        writes.log_param(self._db, run_id, param)

    def set_tag(self, run_id: str, tag: RunTag) -> None:
        """See :meth:`TrackingStore.set_tag`."""
        writes.set_tag(self._db, run_id, tag)

    def delete_tag(self, run_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_tag`."""
        writes.delete_tag(self._db, run_id, key)

    def get_metric_history(
        self,
        run_id: str,
        metric_key: str,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> PagedList[Metric]:
        """See :meth:`TrackingStore.get_metric_history`."""
        return history.get_metric_history(self._db, run_id, metric_key, max_results, page_token)

    def import_run(self, experiment_id: str, content: RunContent) -> Run:
        """See :meth:`TrackingStore.import_run` (one transaction)."""
        return bulk.import_run(self._db, experiment_id, content)

    def get_run_histories(self, run_ids: Sequence[str]) -> list[RunHistory]:
        """See :meth:`TrackingStore.get_run_histories` (one query)."""
        return bulk.get_run_histories(self._db, run_ids)

    def log_inputs(
        self,
        run_id: str,
        datasets: Sequence[DatasetInput] | None = None,
        models: Sequence[LoggedModelInput] | None = None,
    ) -> None:
        """See :meth:`TrackingStore.log_inputs`."""
        inputs.log_inputs(self._db, run_id, datasets, models)

    # -- summaries for the web UI ------------------------------------------------------

    def get_experiment_activity(
        self, experiment_ids: Sequence[str]
    ) -> dict[str, ExperimentActivity]:
        """See :meth:`TrackingStore.get_experiment_activity` (one query)."""
        return summaries.experiment_activity(self._db, experiment_ids)

    def count_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        run_view_type: int = ViewType.ACTIVE_ONLY,
    ) -> int:
        """See :meth:`TrackingStore.count_runs` (one query)."""
        return summaries.count_runs(self._db, experiment_ids, filter_string, run_view_type)

    def get_run_keys(
        self, experiment_ids: Sequence[str], run_view_type: int = ViewType.ACTIVE_ONLY
    ) -> RunKeys:
        """See :meth:`TrackingStore.get_run_keys` (one query)."""
        return summaries.run_keys(self._db, experiment_ids, run_view_type)

    def get_metric_ranges(
        self, run_ids: Sequence[str], keys: Sequence[str]
    ) -> dict[str, dict[str, MetricRange]]:
        """See :meth:`TrackingStore.get_metric_ranges` (one query)."""
        return summaries.metric_ranges(self._db, run_ids, keys)

    def get_dataset_summaries(
        self, experiment_ids: Sequence[str], max_results: int = 1000
    ) -> list[DatasetSummary]:
        """See :meth:`TrackingStore.get_dataset_summaries` (one query)."""
        return summaries.dataset_summaries(self._db, experiment_ids, max_results)

    def get_sampled_histories(
        self,
        run_ids: Sequence[str],
        keys: Sequence[str],
        buckets: int = 1000,
        start: int | None = None,
        end: int | None = None,
        x: str = "step",
    ) -> list[SampledSeries]:
        """See :meth:`TrackingStore.get_sampled_histories` (bucketed in SQL)."""
        return sampling.sampled_histories(self._db, run_ids, keys, buckets, start, end, x)

    # -- logged models -----------------------------------------------------------------

    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None = None,
        source_run_id: str | None = None,
        tags: Sequence[LoggedModelTag] | None = None,
        params: Sequence[LoggedModelParameter] | None = None,
        model_type: str | None = None,
    ) -> LoggedModel:
        """See :meth:`TrackingStore.create_logged_model`."""
        return logged_models.create_logged_model(
            self._db, experiment_id, name, source_run_id, tags, params, model_type
        )

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        """See :meth:`TrackingStore.get_logged_model`."""
        return logged_models.get_logged_model(self._db, model_id, allow_deleted)

    def finalize_logged_model(
        self, model_id: str, status: LoggedModelStatus | str | int
    ) -> LoggedModel:
        """See :meth:`TrackingStore.finalize_logged_model`."""
        return logged_models.finalize_logged_model(self._db, model_id, status)

    def delete_logged_model(self, model_id: str) -> None:
        """See :meth:`TrackingStore.delete_logged_model`."""
        logged_models.delete_logged_model(self._db, model_id)

    def set_logged_model_tags(self, model_id: str, tags: Sequence[LoggedModelTag]) -> None:
        """See :meth:`TrackingStore.set_logged_model_tags`."""
        logged_models.set_logged_model_tags(self._db, model_id, tags)

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_logged_model_tag`."""
        logged_models.delete_logged_model_tag(self._db, model_id, key)

    def log_logged_model_params(
        self, model_id: str, params: Sequence[LoggedModelParameter]
    ) -> None:
        """See :meth:`TrackingStore.log_logged_model_params`."""
        logged_models.log_logged_model_params(self._db, model_id, params)

    def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        datasets: Sequence[Mapping[str, Any]] | None = None,
        max_results: int | None = None,
        order_by: Sequence[Mapping[str, Any]] | None = None,
        page_token: str | None = None,
    ) -> PagedList[LoggedModel]:
        """See :meth:`TrackingStore.search_logged_models`."""
        return logged_model_search.search_logged_models(
            self._db, experiment_ids, filter_string, datasets, max_results, order_by, page_token
        )

    def log_outputs(self, run_id: str, models: Sequence[LoggedModelOutput]) -> None:
        """See :meth:`TrackingStore.log_outputs`."""
        run_models.log_outputs(self._db, run_id, models)
