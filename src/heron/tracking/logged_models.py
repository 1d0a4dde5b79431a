"""The client's logged-model methods (MLflow 3.x), with MLflow's names and arguments.

A logged model is created PENDING, gets its files with :meth:`log_model_artifacts` (under
its ``artifact_location``), is linked to the run that produced it with :meth:`log_outputs`,
and is finalized READY (or FAILED when the upload failed).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import Any

from heron.entities import (
    LoggedModel,
    LoggedModelOutput,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
    PagedList,
)
from heron.exceptions import InvalidParameter
from heron.store.artifacts import get_artifact_repository
from heron.store.artifacts.base import ArtifactRepository
from heron.store.tracking.base import TrackingStore


class LoggedModelMethods(abc.ABC):
    """Logged-model methods of :class:`heron.tracking.MlflowClient`, on top of its store."""

    @property
    @abc.abstractmethod
    def tracking_uri(self) -> str:
        """The tracking URI this client talks to (``mlflow-artifacts:`` resolves against it)."""

    @property
    @abc.abstractmethod
    def store(self) -> TrackingStore:
        """The tracking store."""

    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None = None,
        source_run_id: str | None = None,
        tags: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        model_type: str | None = None,
        flavor: str | None = None,
    ) -> LoggedModel:
        """Create a PENDING logged model in an experiment.

        Args:
            experiment_id: The experiment.
            name: The model's name (no ``/ : . % " '``); generated if None.
            source_run_id: The run that produced it, if any.
            tags: Tags; values are converted with ``str``.
            params: Params (e.g. hyperparameters); values are converted with ``str``.
            model_type: A free-form type, e.g. ``"agent"``.
            flavor: Ignored (MLflow uses it for telemetry).
        """
        return self.store.create_logged_model(
            str(experiment_id),
            name=name,
            source_run_id=source_run_id,
            tags=[LoggedModelTag(str(k), str(v)) for k, v in (tags or {}).items()],
            params=[LoggedModelParameter(str(k), str(v)) for k, v in (params or {}).items()],
            model_type=model_type,
        )

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        """The logged model with this id; NotFound if missing or deleted (unless allowed)."""
        return self.store.get_logged_model(model_id, allow_deleted=allow_deleted)

    def finalize_logged_model(self, model_id: str, status: LoggedModelStatus | str) -> LoggedModel:
        """Set a model's final status: ``READY``, or ``FAILED`` (any spelling)."""
        return self.store.finalize_logged_model(model_id, LoggedModelStatus.coerce(status))

    def delete_logged_model(self, model_id: str) -> None:
        """Soft-delete a logged model."""
        self.store.delete_logged_model(model_id)

    def set_logged_model_tags(self, model_id: str, tags: Mapping[str, Any]) -> None:
        """Set (or overwrite) tags of a logged model; values are converted with ``str``."""
        self.store.set_logged_model_tags(
            model_id, [LoggedModelTag(str(k), str(v)) for k, v in tags.items()]
        )

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        """Remove a tag of a logged model; NotFound if it is not set."""
        self.store.delete_logged_model_tag(model_id, key)

    def log_model_params(self, model_id: str, params: Mapping[str, Any]) -> None:
        """Log params of a logged model; values are converted with ``str``."""
        self.store.log_logged_model_params(
            model_id, [LoggedModelParameter(str(k), str(v)) for k, v in params.items()]
        )

    def search_logged_models(
        self,
        experiment_ids: list[str],
        filter_string: str | None = None,
        datasets: Sequence[Mapping[str, Any]] | None = None,
        max_results: int | None = None,
        order_by: Sequence[Mapping[str, Any]] | None = None,
        page_token: str | None = None,
    ) -> PagedList[LoggedModel]:
        """One page of the experiments' logged models matching a filter.

        Args:
            experiment_ids: The experiments (a list of strings).
            filter_string: E.g. ``"name = 'model' AND metrics.accuracy > 0.9"``.
            datasets: ``[{"dataset_name": ..., "dataset_digest": ...}]`` that metric
                clauses look at.
            max_results: Page size; default 50.
            order_by: ``[{"field_name": "metrics.accuracy", "ascending": False}]``.
            page_token: ``token`` of the previous page.
        """
        if not isinstance(experiment_ids, list) or not all(
            isinstance(experiment_id, str) for experiment_id in experiment_ids
        ):
            raise InvalidParameter(
                f"experiment_ids must be a list of strings, got {type(experiment_ids)}"
            )
        return self.store.search_logged_models(
            experiment_ids, filter_string, datasets, max_results, order_by, page_token
        )

    def log_outputs(self, run_id: str, models: Sequence[LoggedModelOutput]) -> None:
        """Record logged models a run produced (shown in ``run.outputs``)."""
        self.store.log_outputs(run_id, models)

    def log_model_artifact(self, model_id: str, local_path: str) -> None:
        """Upload a file to a logged model's artifacts."""
        self._model_repository(model_id).log_artifact(local_path)

    def log_model_artifacts(self, model_id: str, local_dir: str) -> None:
        """Upload a directory's contents to a logged model's artifacts."""
        self._model_repository(model_id).log_artifacts(local_dir)

    def _model_repository(self, model_id: str) -> ArtifactRepository:
        location = self.get_logged_model(model_id).artifact_location
        return get_artifact_repository(location, self.tracking_uri)
