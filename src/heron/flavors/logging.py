"""``log_model`` for every flavor: save into a temporary directory, then log it to a run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.models.model import Model, ModelInfo


def log_flavor_model(
    save: Callable[..., Any],
    flavor_name: str,
    *,
    artifact_path: str | None = None,
    name: str | None = None,
    registered_model_name: str | None = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    params: Mapping[str, Any] | None = None,
    tags: Mapping[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    run_id: str | None = None,
    model_id: str | None = None,
    **save_kwargs: Any,
) -> ModelInfo:
    """Log a model as an MLflow 3.x LoggedModel of the active run (if any), calling the
    flavor's ``save_model``.

    Args:
        save: The flavor's ``save_model``; called as ``save(path=..., mlflow_model=...,
            **save_kwargs)``.
        flavor_name: The flavor's name, recorded on the LoggedModel.
        artifact_path: MLflow 2.x's name for ``name`` (deprecated).
        name: The model's name (``"model"`` if neither is given); ``runs:/<run>/<name>``
            resolves to it.
        registered_model_name: Also register it as a new version of this model.
        await_registration_for: Seconds to wait for that version to be READY.
        params: Params of the LoggedModel (MLflow 3.x).
        tags: Tags of the LoggedModel.
        model_type: A free-form type of the LoggedModel.
        step: The step at which the model is the run's output.
        run_id: The run; the active one if None.
        model_id: An existing LoggedModel (e.g. an external one) to log the files into
            instead of a new one.
        **save_kwargs: The rest of ``save_model``'s arguments.

    Returns:
        The logged model's ModelInfo (``model_uri`` loads it).
    """
    from heron.pyfunc.logging import LoggedModelDetails, log_model_dir

    def save_into(path: str, mlflow_model: Model) -> None:
        save(path=path, mlflow_model=mlflow_model, **save_kwargs)

    return log_model_dir(
        save_into,
        artifact_path=artifact_path,
        name=name,
        flavor=flavor_name,
        run_id=run_id,
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        details=LoggedModelDetails(params, tags, model_type, int(step), model_id),
    )
