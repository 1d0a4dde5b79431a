"""The XGBoost flavor: Boosters and scikit-learn-API models in XGBoost's native formats.

A model directory holds ``model.<model_format>`` (``ubj`` by default, or ``json``/``deprecated``
binary) written by the model's own ``save_model``, the ``xgboost`` MLmodel block
(``xgb_version``, ``data``, ``model_class``, ``model_format``, ``code``) and a
``python_function`` block whose loader is ``mlflow.xgboost``: MLflow's layout, so each library
loads the other's models. ``import heron.xgboost`` does not import xgboost.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.exceptions import InvalidParameter
from heron.flavors import (
    FlavorFiles,
    download_flavor_model,
    flavor_configuration,
    log_flavor_model,
    model_dir_of,
    save_flavor_model,
)
from heron.xgboost.autolog import autolog
from heron.xgboost.wrapper import XGBModelWrapper

if TYPE_CHECKING:
    from heron.models.model import Model, ModelInfo
    from heron.models.signature import ModelSignature

__all__ = [
    "FLAVOR_NAME",
    "autolog",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]

FLAVOR_NAME = "xgboost"
LOADER_MODULE = "mlflow.xgboost"
MODEL_FORMATS = ("ubj", "json", "deprecated", "bin")
DEFAULT_MODEL_CLASS = "xgboost.core.Booster"


def get_default_pip_requirements() -> list[str]:
    """The pinned requirement every XGBoost model gets."""
    from heron.models.environment import infer_pip_requirements

    return infer_pip_requirements(["xgboost"])[1:]


def _class_name(model: Any) -> str:
    return f"{type(model).__module__}.{type(model).__name__}"


def save_model(
    xgb_model: Any,
    path: str | os.PathLike[str],
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    mlflow_model: Model | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    model_format: str = "ubj",
    metadata: dict[str, Any] | None = None,
    extra_files: Sequence[str] | None = None,
    **kwargs: Any,
) -> None:
    """Save an XGBoost Booster or scikit-learn-API model as an MLflow model directory.

    Args:
        xgb_model: An ``xgboost.Booster`` or ``xgboost.XGBModel`` (``XGBClassifier``...).
        path: The directory to create (must not exist, or be empty).
        conda_env: A conda environment instead of the inferred pins.
        code_paths: Files or directories copied into ``code/``.
        mlflow_model: The Model to add the flavors to.
        signature: The signature; inferred from ``input_example`` if None, none if False.
        input_example: An example input.
        pip_requirements: Requirements replacing the inferred ones.
        extra_pip_requirements: Requirements added to the inferred ones.
        model_format: ``ubj`` (default) or ``json`` (or XGBoost's ``deprecated`` binary).
        metadata: Free-form metadata.
        extra_files: Files or URIs stored in ``extra_files/``.
        **kwargs: Passed to the model's ``save_model``.

    Raises:
        InvalidParameter: Not an XGBoost model, unknown format.
    """
    import xgboost

    if not isinstance(xgb_model, (xgboost.Booster, xgboost.XGBModel)):
        raise InvalidParameter(
            f"Expected an xgboost.Booster or an XGBoost scikit-learn model, got "
            f"{type(xgb_model).__name__}"
        )
    if model_format not in MODEL_FORMATS:
        raise InvalidParameter(f"Unknown model_format {model_format!r}; use one of {MODEL_FORMATS}")
    file_name = f"model.{model_format}"

    def write(directory: str) -> FlavorFiles:
        xgb_model.save_model(os.path.join(directory, file_name), **kwargs)
        return FlavorFiles(
            flavor={
                "xgb_version": xgboost.__version__,
                "data": file_name,
                "model_class": _class_name(xgb_model),
                "model_format": model_format,
            },
            pyfunc={"data": file_name},
            modules=["xgboost"],
        )

    save_flavor_model(
        path,
        FLAVOR_NAME,
        LOADER_MODULE,
        write,
        mlflow_model=mlflow_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        metadata=metadata,
        extra_files=extra_files,
        predict=XGBModelWrapper(xgb_model).predict,
    )


def _model_class(name: str) -> Any:
    module_name, _, class_name = name.rpartition(".")
    if not module_name.startswith("xgboost"):
        raise InvalidParameter(f"Refusing to load a model of class {name!r}: not an XGBoost class")
    return getattr(importlib.import_module(module_name), class_name)


def _load_model(path: str) -> Any:
    model_dir = model_dir_of(path)
    conf = flavor_configuration(model_dir, FLAVOR_NAME)
    model = _model_class(str(conf.get("model_class") or DEFAULT_MODEL_CLASS))()
    model.load_model(os.path.join(model_dir, str(conf["data"])))
    return model


def load_model(model_uri: str | os.PathLike[str], dst_path: str | None = None) -> Any:
    """Load the XGBoost model (Booster or scikit-learn-API object, as saved) of a model URI.

    Raises:
        NotFound: No model there, or no xgboost flavor.
    """
    local, _ = download_flavor_model(model_uri, dst_path, FLAVOR_NAME)
    return _load_model(local)


def _load_pyfunc(path: str) -> XGBModelWrapper:
    """The pyfunc implementation of the model at ``path`` (its directory or model file)."""
    return XGBModelWrapper(_load_model(path))


def log_model(
    xgb_model: Any,
    artifact_path: str | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    registered_model_name: str | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    model_format: str = "ubj",
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    model_id: str | None = None,
    extra_files: Sequence[str] | None = None,
    **kwargs: Any,
) -> ModelInfo:
    """Log an XGBoost model of the active run: :func:`save_model`'s arguments plus MLflow
    3.x's ``name``, ``params``, ``tags``, ``model_type``, ``step`` and registration."""
    return log_flavor_model(
        save_model,
        FLAVOR_NAME,
        model_id=model_id,
        artifact_path=artifact_path,
        name=name,
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        params=params,
        tags=tags,
        model_type=model_type,
        step=step,
        xgb_model=xgb_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        model_format=model_format,
        metadata=metadata,
        extra_files=extra_files,
        **kwargs,
    )
