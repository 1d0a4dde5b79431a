"""The fluent logged-model API of MLflow 3.x: create, finalize, find and tag logged models.

``initialize_logged_model`` / ``finalize_logged_model`` bracket a model whose files are
written later; ``create_external_model`` records one whose files live elsewhere;
``set_active_model`` makes a model the one later calls refer to by default. The last model
created or logged in this process is what ``last_logged_model`` returns.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Literal

from heron.entities import LoggedModel, LoggedModelOutput, LoggedModelStatus
from heron.exceptions import InvalidParameter
from heron.search.lexer import string_literal
from heron.tracking import session
from heron.tracking.fluent_experiments import active_experiment_id
from heron.tracking.fluent_runs import active_run, active_run_id, get_run

_logger = logging.getLogger(__name__)

MODEL_IS_EXTERNAL_TAG = "mlflow.model.isExternal"


class _ModelState:
    """The last logged model's id and the active model's id, for the whole process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last_model_id: str | None = None
        self.active_model_id: str | None = None


_state = _ModelState()


def remember_logged_model(model_id: str) -> None:
    """Record ``model_id`` as the model :func:`last_logged_model` returns (for log_model)."""
    with _state.lock:
        _state.last_model_id = model_id


def _create(
    name: str | None,
    source_run_id: str | None,
    tags: Mapping[str, Any] | None,
    params: Mapping[str, Any] | None,
    model_type: str | None,
    experiment_id: str | None,
    flavor: str | None = None,
) -> LoggedModel:
    run = active_run()
    if source_run_id is None and run is not None:
        source_run_id = run.info.run_id
    if experiment_id is None:
        if run is not None:
            experiment_id = run.info.experiment_id
        elif source_run_id is not None and session.state().active_experiment_id is None:
            experiment_id = get_run(source_run_id).info.experiment_id
        else:
            experiment_id = active_experiment_id()
    return session.client().create_logged_model(
        str(experiment_id),
        name=name,
        source_run_id=source_run_id,
        tags=tags,
        params=params,
        model_type=model_type,
        flavor=flavor,
    )


def initialize_logged_model(
    name: str | None = None,
    source_run_id: str | None = None,
    tags: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    model_type: str | None = None,
    experiment_id: str | None = None,
) -> LoggedModel:
    """Create a PENDING logged model, to finalize once its files are written.

    Args:
        name: The model's name; generated if None.
        source_run_id: The run that produced it; the active run's if None.
        tags: Tags of the model.
        params: Params of the model (e.g. hyperparameters).
        model_type: A free-form type, e.g. ``"agent"``.
        experiment_id: Its experiment; the active run's (or the active experiment) if None.

    Returns:
        The new logged model (status PENDING).
    """
    model = _create(name, source_run_id, tags, params, model_type, experiment_id)
    remember_logged_model(model.model_id)
    return model


def finalize_logged_model(
    model_id: str, status: Literal["READY", "FAILED"] | LoggedModelStatus
) -> LoggedModel:
    """Set a logged model's final status, ``READY`` or ``FAILED``, and return it."""
    return session.client().finalize_logged_model(model_id, status)


def create_external_model(
    name: str | None = None,
    source_run_id: str | None = None,
    tags: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    model_type: str | None = None,
    experiment_id: str | None = None,
) -> LoggedModel:
    """Record a READY logged model whose files live outside Heron (tagged as external).

    Its artifacts hold only an MLmodel file describing it. Arguments as
    :func:`initialize_logged_model`.
    """
    from heron.models.model import MLMODEL_FILE_NAME, Model

    all_tags = {**(tags or {}), MODEL_IS_EXTERNAL_TAG: "true"}
    model = _create(name, source_run_id, all_tags, params, model_type, experiment_id, "external")
    spec = Model(
        artifact_path=model.artifact_location,
        run_id=model.source_run_id,
        model_uuid=model.model_id,
        model_id=model.model_id,
        metadata={MODEL_IS_EXTERNAL_TAG: True},
    )
    client = session.client()
    with tempfile.TemporaryDirectory(prefix="heron-external-") as temp:
        spec.save(os.path.join(temp, MLMODEL_FILE_NAME))
        client.log_model_artifacts(model.model_id, temp)
    model = client.finalize_logged_model(model.model_id, LoggedModelStatus.READY)
    remember_logged_model(model.model_id)
    return model


def get_logged_model(model_id: str) -> LoggedModel:
    """The logged model with this id; NotFound if there is none."""
    return session.client().get_logged_model(model_id)


def last_logged_model() -> LoggedModel | None:
    """The model most recently created or logged by this process, or None."""
    with _state.lock:
        model_id = _state.last_model_id
    return get_logged_model(model_id) if model_id else None


def search_logged_models(
    experiment_ids: list[str] | None = None,
    filter_string: str | None = None,
    datasets: list[dict[str, str]] | None = None,
    max_results: int | None = None,
    order_by: list[dict[str, Any]] | None = None,
    output_format: Literal["pandas", "list"] = "pandas",
) -> Any:
    """Logged models of experiments matching a filter, read over every page.

    Args:
        experiment_ids: The experiments; the active one if None or empty.
        filter_string: E.g. ``"name = 'model' AND metrics.accuracy > 0.9"``.
        datasets: ``[{"dataset_name": ..., "dataset_digest": ...}]`` metric clauses use.
        max_results: At most this many models; all if None.
        order_by: ``[{"field_name": "metrics.accuracy", "ascending": False}]``.
        output_format: ``"pandas"`` (a DataFrame, one row per model) or ``"list"``.

    Raises:
        InvalidParameter: Another ``output_format``.
    """
    if output_format not in ("pandas", "list"):
        raise InvalidParameter(
            f"Unsupported output format: {output_format!r}. Supported string values are "
            "'pandas' or 'list'"
        )
    ids = experiment_ids or [active_experiment_id()]
    client = session.client()
    models: list[LoggedModel] = []
    token: str | None = None
    while True:
        page = client.search_logged_models(
            ids, filter_string, datasets, max_results, order_by, page_token=token
        )
        models.extend(page)
        token = page.token
        if not token or (max_results is not None and len(models) >= max_results):
            break
    if max_results is not None:
        models = models[:max_results]
    if output_format == "list":
        return models
    from heron.extras import import_extra

    pd = import_extra("pandas", "pandas", "search_logged_models (a DataFrame)")
    return pd.DataFrame([model.to_dictionary() for model in models])


def set_logged_model_tags(model_id: str, tags: dict[str, Any]) -> None:
    """Set (or overwrite) tags of a logged model."""
    session.client().set_logged_model_tags(model_id, tags)


def delete_logged_model_tag(model_id: str, key: str) -> None:
    """Remove a tag of a logged model."""
    session.client().delete_logged_model_tag(model_id, key)


def log_model_params(params: dict[str, str], model_id: str | None = None) -> None:
    """Log params of a logged model: ``model_id``, else the active model.

    Raises:
        InvalidParameter: No ``model_id`` and no active model.
    """
    model_id = model_id or get_active_model_id()
    if model_id is None:
        raise InvalidParameter("No model_id given and no active model set (set_active_model).")
    session.client().log_model_params(model_id, params)


def log_outputs(models: list[LoggedModelOutput] | None = None) -> None:
    """Record logged models as outputs of the active run (one is started if none is)."""
    session.client().log_outputs(active_run_id(), models or [])


class ActiveModel(LoggedModel):
    """The logged model :func:`set_active_model` made active; ``with`` restores the previous."""

    __slots__ = ("_previous_model_id",)
    _previous_model_id: str | None

    @classmethod
    def activate(cls, model: LoggedModel) -> ActiveModel:
        """Make ``model`` the active model and return it as an ActiveModel."""
        fields = {field.name: getattr(model, field.name) for field in dataclasses.fields(model)}
        active = cls(**fields)
        with _state.lock:
            object.__setattr__(active, "_previous_model_id", _state.active_model_id)
            _state.active_model_id = model.model_id
        return active

    def __enter__(self) -> ActiveModel:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with _state.lock:
            _state.active_model_id = self._previous_model_id


def set_active_model(*, name: str | None = None, model_id: str | None = None) -> ActiveModel:
    """Make a logged model the active one: by id, or by name (created if missing).

    Raises:
        InvalidParameter: Neither given, or the model with ``model_id`` has another name.
    """
    if name is None and model_id is None:
        raise InvalidParameter("Either name or model_id must be provided")
    if model_id is not None:
        model = get_logged_model(model_id)
        if name is not None and model.name != name:
            raise InvalidParameter(
                f"LoggedModel with model_id {model_id!r} has name {model.name!r}, which does"
                f" not match the provided name {name!r}."
            )
    else:
        found: Sequence[LoggedModel] = search_logged_models(
            filter_string=f"name = {string_literal(str(name))}",
            max_results=2,
            output_format="list",
        )
        if len(found) > 1:
            _logger.warning(
                "Multiple LoggedModels found with name %r, setting the latest one as active model.",
                name,
            )
        model = found[0] if found else create_external_model(name=name)
    return ActiveModel.activate(model)


def get_active_model_id() -> str | None:
    """The id of the active model (see :func:`set_active_model`), or None."""
    with _state.lock:
        return _state.active_model_id


def clear_active_model() -> None:
    """Forget the active model."""
    with _state.lock:
        _state.active_model_id = None
