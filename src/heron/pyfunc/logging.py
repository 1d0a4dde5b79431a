"""Logging a model, shared by every flavor's ``log_model``: MLflow 3.x's layout.

The flavor saves the model into a temporary directory; :func:`log_model_dir` stores it as an
MLflow 3.x LoggedModel, the one place its files live (as MLflow 3.17.2 writes them): the
model is created PENDING in the run's experiment with the run as its source run (run params
merged into its params, the caller's tags over the default context tags), linked to the run
as an output at ``step`` (the run's metrics at that step are linked to it too), saved,
uploaded under the logged model's artifact location, then finalized READY (FAILED on any
error). ``runs:/<run_id>/<name>`` keeps resolving to it (see
:mod:`heron.tracking.run_models`). With no run given and none active, the model has no
source run, as in MLflow 3.x. It is registered under ``registered_model_name`` as
``models:/<model_id>``.

A store without logged models (an MLflow 2.x server) gets MLflow 2.x's layout instead: the
files under the run's artifacts at ``<name>`` and the ``mlflow.log-model.history`` run tag.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.entities import LoggedModelStatus
from heron.exceptions import InvalidParameter, NotImplementedFeature
from heron.models.model import Model, ModelInfo
from heron.pyfunc.model_links import link_run_metrics, link_run_output, logged_model_params

if TYPE_CHECKING:
    from heron.entities import LoggedModel
    from heron.tracking.client import MlflowClient

LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history"
MODEL_IS_EXTERNAL_TAG = "mlflow.model.isExternal"


@dataclass(frozen=True)
class LoggedModelDetails:
    """MLflow 3.x's ``log_model`` extras for the LoggedModel: its params, tags and type, and
    the step of the run it is linked to as an output."""

    params: Mapping[str, Any] | None = None
    tags: Mapping[str, Any] | None = None
    model_type: str | None = None
    step: int = 0
    model_id: str | None = None
    """An existing LoggedModel (e.g. an external one) to log the files into."""


SaveFunction = Callable[[str, Model], None]
"""Writes a flavor's model into a (not yet existing) directory, filling in the given Model."""


def model_name(artifact_path: str | None, name: str | None) -> str:
    """The model's name / run-relative path from MLflow's ``name`` or ``artifact_path``."""
    if artifact_path is not None and name is not None:
        raise InvalidParameter("Only one of `artifact_path` and `name` can be specified")
    if artifact_path is not None:
        warnings.warn(
            "`artifact_path` is deprecated. Please use `name` instead.",
            FutureWarning,
            stacklevel=_caller_stacklevel(),
        )
    chosen = (name or artifact_path or "model").strip("/")
    if not chosen:
        raise InvalidParameter("The model name must not be empty")
    return chosen


def _caller_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning raised by our caller name the first frame
    outside Heron (the user's ``log_model`` line), however deep the flavor's plumbing is."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _experiment_of(client: MlflowClient, run_id: str | None) -> str:
    if run_id is not None:
        return client.get_run(run_id).info.experiment_id
    from heron.tracking.fluent_experiments import active_experiment_id

    return active_experiment_id()


def _create_logged_model(
    client: MlflowClient,
    name: str,
    run_id: str | None,
    flavor: str | None,
    details: LoggedModelDetails,
) -> LoggedModel | None:
    """The new PENDING logged model (or ``details.model_id``'s); None when the store has no
    logged models."""
    from heron.tracking.context import resolve_tags

    if details.model_id is not None:
        return client.get_logged_model(details.model_id)
    try:
        return client.create_logged_model(
            _experiment_of(client, run_id),
            name=name,
            source_run_id=run_id,
            flavor=flavor,
            tags=resolve_tags(details.tags),
            params=logged_model_params(client, run_id, details.params),
            model_type=details.model_type,
        )
    except NotImplementedFeature:
        return None


def _history_entry(model: Model, artifact_path: str) -> dict[str, Any]:
    entry = model.to_dict()
    entry.pop("signature", None)
    entry.pop("saved_input_example_info", None)
    entry["artifact_path"] = artifact_path
    return entry


def _append_history(client: MlflowClient, run_id: str, entry: dict[str, Any]) -> None:
    tags = client.get_run(run_id).data.tags
    history = json.loads(tags.get(LOG_MODEL_HISTORY_TAG, "[]"))
    history.append(entry)
    client.set_tag(run_id, LOG_MODEL_HISTORY_TAG, json.dumps(history))


def _save(save: SaveFunction, temp: str, mlflow_model: Model) -> str:
    local = os.path.join(temp, "model")
    save(local, mlflow_model)
    return local


def _log_as_logged_model(
    save: SaveFunction,
    client: MlflowClient,
    logged: LoggedModel,
    run_id: str | None,
    step: int,
) -> Model:
    """Link, save, upload and finalize a logged model; its MLmodel. FAILED on any error."""
    model_id = logged.model_id
    try:
        if run_id is not None:
            link_run_output(client, run_id, model_id, step)
            link_run_metrics(client, run_id, model_id, step)
        mlflow_model = Model(
            artifact_path=logged.artifact_location,
            run_id=run_id,
            model_id=model_id,
            model_uuid=model_id,  # MLflow 3.x: model_uuid equals the model id
        )
        with tempfile.TemporaryDirectory(prefix="heron-model-") as temp:
            client.log_model_artifacts(model_id, _save(save, temp, mlflow_model))
    except BaseException:
        client.finalize_logged_model(model_id, LoggedModelStatus.FAILED)
        raise
    if logged.tags.get(MODEL_IS_EXTERNAL_TAG, "false").lower() == "true":
        client.delete_logged_model_tag(model_id, MODEL_IS_EXTERNAL_TAG)  # it has files now
    client.finalize_logged_model(model_id, LoggedModelStatus.READY)
    return mlflow_model


def _log_to_run(save: SaveFunction, client: MlflowClient, run_id: str, name: str) -> Model:
    """MLflow 2.x's layout: the files under the run's artifacts, the run's history tag."""
    mlflow_model = Model(artifact_path=name, run_id=run_id)
    with tempfile.TemporaryDirectory(prefix="heron-model-") as temp:
        client.log_artifacts(run_id, _save(save, temp, mlflow_model), name)
    _append_history(client, run_id, _history_entry(mlflow_model, name))
    return mlflow_model


def log_model_dir(
    save: SaveFunction,
    artifact_path: str | None = None,
    name: str | None = None,
    flavor: str | None = None,
    run_id: str | None = None,
    client: MlflowClient | None = None,
    registered_model_name: str | None = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    details: LoggedModelDetails | None = None,
) -> ModelInfo:
    """Save a model with ``save`` and log it as a LoggedModel; what ``log_model`` returns.

    Args:
        save: ``save(path, mlflow_model)``: the flavor's ``save_model`` writing into
            ``path`` and adding its flavors to ``mlflow_model`` (which carries run_id,
            model_id and artifact_path already).
        artifact_path: MLflow 2.x name of the model's name (deprecated in 3.x).
        name: The model's name (``runs:/<run_id>/<name>`` resolves to it); ``"model"`` if
            neither is given.
        flavor: The flavor's name, for the LoggedModel.
        run_id: The source run; the active run if None (no run if none is active).
        client: The client; the fluent API's if None.
        registered_model_name: Register the model as a new version of this registered
            model (created if missing); the version is in ``registered_model_version``.
        await_registration_for: Seconds to wait for that version to become READY.
        details: The LoggedModel's params, tags, model type and output step.
    """
    from heron.tracking import fluent_runs, session

    path_name = model_name(artifact_path, name)
    details = details or LoggedModelDetails()
    client = client or session.client()
    if run_id is None and (active := fluent_runs.active_run()) is not None:
        run_id = active.info.run_id
    logged = _create_logged_model(client, path_name, run_id, flavor, details)
    if logged is None:
        run_id = run_id or fluent_runs.active_run_id()
        mlflow_model = _log_to_run(save, client, run_id, path_name)
        info = ModelInfo.from_model(mlflow_model, path_name, f"runs:/{run_id}/{path_name}")
    else:
        mlflow_model = _log_as_logged_model(save, client, logged, run_id, details.step)
        from heron.tracking.fluent_models import remember_logged_model

        remember_logged_model(logged.model_id)  # what heron.last_logged_model() returns
        info = ModelInfo.from_model(mlflow_model, logged.artifact_location, logged.model_uri)
        info.name = logged.name
    if registered_model_name is not None:
        from heron.tracking.fluent_registry import register

        version = register(  # MLflow 3.x: the model's tags become the version's too
            info.model_uri,
            registered_model_name,
            await_registration_for,
            tags=details.tags,
            client=client,
        )
        info.registered_model_version = version.version
    return info
