"""Logging a model to a run, shared by every flavor's ``log_model``.

The flavor saves the model into a temporary directory; :func:`log_model_dir` uploads it
twice: under the run's artifacts at ``<name>`` (so ``runs:/<run_id>/<name>`` loads it
anywhere, as in MLflow 2.x) and, when the store supports it, as an MLflow 3.x LoggedModel
(created PENDING, files uploaded, linked to the run as an output, finalized READY). It
also appends the model to the run's ``mlflow.log-model.history`` tag, and registers it
under ``registered_model_name`` when one is given (as ``models:/<model_id>``, like MLflow
3.x, or ``runs:/<run_id>/<name>`` when the store has no logged models).
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heron.entities import LoggedModelOutput, LoggedModelStatus
from heron.exceptions import InvalidParameter, NotImplementedFeature
from heron.models.model import Model, ModelInfo
from heron.tracking.registry import DEFAULT_AWAIT_MAX_SLEEP_SECONDS

if TYPE_CHECKING:
    from heron.entities import LoggedModel
    from heron.tracking.client import MlflowClient

LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history"


@dataclass(frozen=True)
class LoggedModelDetails:
    """MLflow 3.x's ``log_model`` extras for the LoggedModel: its params, tags and type, and
    the step of the run it is linked to as an output."""

    params: Mapping[str, Any] | None = None
    tags: Mapping[str, Any] | None = None
    model_type: str | None = None
    step: int = 0


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
            stacklevel=3,
        )
    chosen = (name or artifact_path or "model").strip("/")
    if not chosen:
        raise InvalidParameter("The model name must not be empty")
    return chosen


def _create_logged_model(
    client: MlflowClient,
    experiment_id: str,
    name: str,
    run_id: str,
    flavor: str | None,
    details: LoggedModelDetails | None = None,
) -> LoggedModel | None:
    details = details or LoggedModelDetails()
    try:
        return client.create_logged_model(
            experiment_id,
            name=name,
            source_run_id=run_id,
            flavor=flavor,
            tags=details.tags,
            params=details.params,
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


def _upload(
    client: MlflowClient, local: str, run_id: str, name: str, model_id: str | None, step: int = 0
) -> None:
    client.log_artifacts(run_id, local, name)
    if model_id is None:
        return
    try:
        client.log_model_artifacts(model_id, local)
    except BaseException:
        client.finalize_logged_model(model_id, LoggedModelStatus.FAILED)
        raise
    client.finalize_logged_model(model_id, LoggedModelStatus.READY)
    client.log_outputs(run_id, [LoggedModelOutput(model_id=model_id, step=step)])


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
    """Save a model with ``save`` and log it to a run; what ``log_model`` returns.

    Args:
        save: ``save(path, mlflow_model)``: the flavor's ``save_model`` writing into
            ``path`` and adding its flavors to ``mlflow_model`` (which carries run_id,
            model_id and artifact_path already).
        artifact_path: MLflow 2.x name of the run-relative path (deprecated in 3.x).
        name: The model's name and run-relative path; ``"model"`` if neither is given.
        flavor: The flavor's name, for the LoggedModel.
        run_id: The run; the active run (started if none) if None.
        client: The client; the fluent API's if None.
        registered_model_name: Register the model as a new version of this registered
            model (created if missing); the version is in ``registered_model_version``.
        await_registration_for: Seconds to wait for that version to become READY.
        details: The LoggedModel's params, tags, model type and output step.
    """
    from heron.tracking import fluent_runs, session

    path_name = model_name(artifact_path, name)
    client = client or session.client()
    run_id = run_id or fluent_runs.active_run_id()
    run = client.get_run(run_id)
    logged = _create_logged_model(
        client, run.info.experiment_id, path_name, run_id, flavor, details
    )
    model_id = logged.model_id if logged is not None else None
    mlflow_model = Model(
        artifact_path=logged.artifact_location if logged is not None else path_name,
        run_id=run_id,
        model_id=model_id,
        model_uuid=model_id,  # MLflow 3.x: model_uuid equals the model id
    )
    with tempfile.TemporaryDirectory(prefix="heron-model-") as temp:
        local = os.path.join(temp, "model")
        try:
            save(local, mlflow_model)
        except BaseException:
            if model_id is not None:
                client.finalize_logged_model(model_id, LoggedModelStatus.FAILED)
            raise
        _upload(client, local, run_id, path_name, model_id, details.step if details else 0)
    if model_id is not None:
        from heron.tracking.fluent_models import remember_logged_model

        remember_logged_model(model_id)  # what heron.last_logged_model() returns
    _append_history(client, run_id, _history_entry(mlflow_model, path_name))
    # MLflow 3.x: the URI of the logged model itself (runs:/<run_id>/<name> still resolves).
    uri = f"models:/{model_id}" if model_id is not None else f"runs:/{run_id}/{path_name}"
    info = ModelInfo.from_model(mlflow_model, path_name, uri)
    if registered_model_name is not None:
        from heron.tracking.fluent_registry import register

        source = f"models:/{model_id}" if model_id is not None else info.model_uri
        version = register(source, registered_model_name, await_registration_for, client=client)
        info.registered_model_version = version.version
    return info
