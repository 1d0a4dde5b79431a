"""The REST tracking store: the tracking-store contract over a Heron or MLflow server.

Every method is one call of :mod:`heron.protocol`'s route table (the same table and codecs
the server uses), sent MLflow-shaped so an MLflow 3.x server answers it too. A server's
error body comes back as the same :class:`~heron.exceptions.HeronError` class a local
store raises.
"""

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
    RunInfo,
    RunTag,
    ViewType,
)
from heron.entities.run_data import ExperimentTag
from heron.exceptions import NotFound
from heron.store.rpc import page_of as _page
from heron.store.tracking.base import SEARCH_MAX_RESULTS_DEFAULT
from heron.store.tracking.rest_runs import WholeRunCalls
from heron.validation import validate_metric

HISTORY_PAGE_SIZE = 25000
"""Points per metric-history page when the whole history is read (MLflow's client's)."""
PARAMS_PER_REQUEST = 100
"""Logged-model params sent per request (MLflow's client's batch size)."""


class RestStore(WholeRunCalls):
    """A tracking store behind a tracking server's REST API.

    Args:
        host_uri: The server, e.g. ``http://localhost:5000`` (a path prefix is kept).
        transport: The HTTP transport; by default one keep-alive pool configured from
            :mod:`heron.config` (auth, TLS, retries).
    """

    # -- experiments -------------------------------------------------------------------

    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: Sequence[ExperimentTag] | None = None,
    ) -> str:
        """See :meth:`TrackingStore.create_experiment`."""
        result = self.call(
            "CreateExperiment", name=name, artifact_location=artifact_location, tags=tags
        )
        return str(result["experiment_id"])

    def get_experiment(self, experiment_id: str) -> Experiment:
        """See :meth:`TrackingStore.get_experiment`."""
        experiment: Experiment = self.call("GetExperiment", experiment_id=experiment_id)[
            "experiment"
        ]
        return experiment

    def get_experiment_by_name(self, experiment_name: str) -> Experiment | None:
        """See :meth:`TrackingStore.get_experiment_by_name`."""
        try:
            result = self.call("GetExperimentByName", experiment_name=experiment_name)
        except NotFound:
            return None
        experiment: Experiment = result["experiment"]
        return experiment

    def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """See :meth:`TrackingStore.search_experiments`."""
        result = self.call(
            "SearchExperiments",
            view_type=view_type,
            max_results=max_results,
            filter=filter_string,
            order_by=order_by,
            page_token=page_token,
        )
        return _page(result, "experiments")

    def delete_experiment(self, experiment_id: str) -> None:
        """See :meth:`TrackingStore.delete_experiment`."""
        self.call("DeleteExperiment", experiment_id=experiment_id)

    def restore_experiment(self, experiment_id: str) -> None:
        """See :meth:`TrackingStore.restore_experiment`."""
        self.call("RestoreExperiment", experiment_id=experiment_id)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """See :meth:`TrackingStore.rename_experiment`."""
        self.call("UpdateExperiment", experiment_id=experiment_id, new_name=new_name)

    def set_experiment_tag(self, experiment_id: str, tag: ExperimentTag) -> None:
        """See :meth:`TrackingStore.set_experiment_tag`."""
        self.call("SetExperimentTag", experiment_id=experiment_id, key=tag.key, value=tag.value)

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_experiment_tag`."""
        self.call("DeleteExperimentTag", experiment_id=experiment_id, key=key)

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
        run: Run = self.call(
            "CreateRun",
            experiment_id=experiment_id,
            user_id=user_id,
            start_time=start_time,
            tags=tags,
            run_name=run_name,
        )["run"]
        return run

    def get_run(self, run_id: str) -> Run:
        """See :meth:`TrackingStore.get_run`."""
        run: Run = self.call("GetRun", run_id=run_id)["run"]
        return run

    def update_run_info(
        self,
        run_id: str,
        run_status: int | str | None,
        end_time: int | None,
        run_name: str | None,
    ) -> RunInfo:
        """See :meth:`TrackingStore.update_run_info`."""
        info: RunInfo = self.call(
            "UpdateRun", run_id=run_id, status=run_status, end_time=end_time, run_name=run_name
        )["run_info"]
        return info

    def delete_run(self, run_id: str) -> None:
        """See :meth:`TrackingStore.delete_run`."""
        self.call("DeleteRun", run_id=run_id)

    def restore_run(self, run_id: str) -> None:
        """See :meth:`TrackingStore.restore_run`."""
        self.call("RestoreRun", run_id=run_id)

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
        result = self.call(
            "SearchRuns",
            experiment_ids=experiment_ids,
            filter=filter_string,
            run_view_type=run_view_type,
            max_results=max_results,
            order_by=order_by,
            page_token=page_token,
        )
        return _page(result, "runs")

    # -- logging -----------------------------------------------------------------------

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
    ) -> None:
        """See :meth:`TrackingStore.log_batch`."""
        for metric in metrics:
            validate_metric(metric)  # as MLflow's client does: values must be numbers
        self.call("LogBatch", run_id=run_id, metrics=metrics, params=params, tags=tags)

    def log_metric(self, run_id: str, metric: Metric) -> None:
        """See :meth:`TrackingStore.log_metric`."""
        validate_metric(metric)
        self.call(
            "LogMetric",
            run_id=run_id,
            key=metric.key,
            value=metric.value,
            timestamp=metric.timestamp,
            step=metric.step,
            model_id=metric.model_id,
            dataset_name=metric.dataset_name,
            dataset_digest=metric.dataset_digest,
        )

    def log_param(self, run_id: str, param: Param) -> None:
        """See :meth:`TrackingStore.log_param`."""
        self.call("LogParam", run_id=run_id, key=param.key, value=param.value)

    def set_tag(self, run_id: str, tag: RunTag) -> None:
        """See :meth:`TrackingStore.set_tag`."""
        self.call("SetTag", run_id=run_id, key=tag.key, value=tag.value)

    def delete_tag(self, run_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_tag`."""
        self.call("DeleteTag", run_id=run_id, key=key)

    def get_metric_history(
        self,
        run_id: str,
        metric_key: str,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> PagedList[Metric]:
        """See :meth:`TrackingStore.get_metric_history`.

        Without ``max_results`` every page is read (as MLflow's client does).
        """
        if max_results is not None:
            result = self.call(
                "GetMetricHistory",
                run_id=run_id,
                metric_key=metric_key,
                max_results=max_results,
                page_token=page_token,
            )
            return _page(result, "metrics")
        points: list[Metric] = []
        token = page_token
        while True:
            page = self.get_metric_history(run_id, metric_key, HISTORY_PAGE_SIZE, token)
            points.extend(page)
            token = page.token
            if not token:
                return PagedList(points, None)

    def log_inputs(
        self,
        run_id: str,
        datasets: Sequence[DatasetInput] | None = None,
        models: Sequence[LoggedModelInput] | None = None,
    ) -> None:
        """See :meth:`TrackingStore.log_inputs`."""
        self.call("LogInputs", run_id=run_id, datasets=datasets, models=models)

    def log_outputs(self, run_id: str, models: Sequence[LoggedModelOutput]) -> None:
        """See :meth:`TrackingStore.log_outputs`."""
        self.call("LogOutputs", run_id=run_id, models=models)

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
        """See :meth:`TrackingStore.create_logged_model`.

        At most 100 params travel with the creation, the rest in batches of 100 (as
        MLflow's client sends them).
        """
        params = list(params or ())
        model: LoggedModel = self.call(
            "CreateLoggedModel",
            experiment_id=experiment_id,
            name=name,
            source_run_id=source_run_id,
            tags=tags,
            params=params[:PARAMS_PER_REQUEST],
            model_type=model_type,
        )["model"]
        if len(params) > PARAMS_PER_REQUEST:
            self.log_logged_model_params(model.model_id, params[PARAMS_PER_REQUEST:])
            model = self.get_logged_model(model.model_id)
        return model

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        """See :meth:`TrackingStore.get_logged_model`."""
        model: LoggedModel = self.call(
            "GetLoggedModel", model_id=model_id, allow_deleted=allow_deleted or None
        )["model"]
        return model

    def finalize_logged_model(
        self, model_id: str, status: LoggedModelStatus | str | int
    ) -> LoggedModel:
        """See :meth:`TrackingStore.finalize_logged_model`."""
        wire_status = LoggedModelStatus.coerce(status).wire_name
        model: LoggedModel = self.call(
            "FinalizeLoggedModel", model_id=model_id, status=wire_status
        )["model"]
        return model

    def delete_logged_model(self, model_id: str) -> None:
        """See :meth:`TrackingStore.delete_logged_model`."""
        self.call("DeleteLoggedModel", model_id=model_id)

    def set_logged_model_tags(self, model_id: str, tags: Sequence[LoggedModelTag]) -> None:
        """See :meth:`TrackingStore.set_logged_model_tags`."""
        self.call("SetLoggedModelTags", model_id=model_id, tags=tags)

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        """See :meth:`TrackingStore.delete_logged_model_tag`."""
        self.call("DeleteLoggedModelTag", model_id=model_id, tag_key=key)

    def log_logged_model_params(
        self, model_id: str, params: Sequence[LoggedModelParameter]
    ) -> None:
        """See :meth:`TrackingStore.log_logged_model_params` (sent in batches of 100)."""
        params = list(params)
        for start in range(0, len(params), PARAMS_PER_REQUEST):
            batch = params[start : start + PARAMS_PER_REQUEST]
            self.call("LogLoggedModelParams", model_id=model_id, params=batch)

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
        if not experiment_ids:
            return PagedList([], None)  # the server requires some; none match nothing
        result = self.call(
            "SearchLoggedModels",
            experiment_ids=experiment_ids,
            filter=filter_string,
            datasets=datasets,
            max_results=max_results,
            order_by=order_by,
            page_token=page_token,
        )
        return _page(result, "models")
