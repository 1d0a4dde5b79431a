"""The TensorFlow flavor: Keras models, ``tf.Module``s and existing SavedModel directories.

Layouts and MLmodel keys are MLflow's (``model_type`` ``keras``, ``tf2-module`` or
``tf1-estimator``), with the loader ``mlflow.tensorflow``. As in MLflow 1.x (and seed 002), an
existing SavedModel directory becomes an MLflow model with ``tf_saved_model_dir``,
``tf_meta_graph_tags`` and ``tf_signature_def_key``: the model is the SavedModel with some
metadata. TensorFlow is a large optional dependency (``heron[tensorflow]``, the CPU wheel is
about 270 MB); ``import heron.tensorflow`` does not import it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.exceptions import InvalidParameter
from heron.flavors import (
    FlavorFiles,
    download_flavor_model,
    log_flavor_model,
    save_flavor_model,
)
from heron.tensorflow.formats import (
    MODEL_TYPE_KERAS,
    MODEL_TYPE_TF1_ESTIMATOR,
    MODEL_TYPE_TF2_MODULE,
    load_tensorflow_model,
    write_keras,
    write_saved_model_dir,
    write_tf_module,
)

if TYPE_CHECKING:
    from heron.models.model import Model, ModelInfo
    from heron.models.signature import ModelSignature

__all__ = [
    "FLAVOR_NAME",
    "MODEL_TYPE_KERAS",
    "MODEL_TYPE_TF1_ESTIMATOR",
    "MODEL_TYPE_TF2_MODULE",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]

FLAVOR_NAME = "tensorflow"
LOADER_MODULE = "mlflow.tensorflow"


def get_default_pip_requirements(include_cloudpickle: bool = False) -> list[str]:
    """The pinned requirements of a TensorFlow model (and cloudpickle for custom objects)."""
    from heron.models.environment import infer_pip_requirements

    return infer_pip_requirements(
        ["tensorflow"] + (["cloudpickle"] if include_cloudpickle else [])
    )[1:]


def save_model(
    model: Any = None,
    path: str | os.PathLike[str] | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    mlflow_model: Model | None = None,
    custom_objects: Mapping[str, Any] | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    saved_model_kwargs: Mapping[str, Any] | None = None,
    keras_model_kwargs: Mapping[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    extra_files: Sequence[str] | None = None,
    *,
    tf_saved_model_dir: str | os.PathLike[str] | None = None,
    tf_meta_graph_tags: Sequence[str] | None = None,
    tf_signature_def_key: str | None = None,
) -> None:
    """Save a Keras model, a ``tf.Module`` or a SavedModel directory as an MLflow model.

    Args:
        model: A Keras model or ``tf.Module``; None when ``tf_saved_model_dir`` is given.
        path: The directory to create (must not exist, or be empty).
        conda_env: A conda environment instead of the inferred pins.
        code_paths: Files or directories copied into ``code/``.
        mlflow_model: The Model to add the flavors to.
        custom_objects: Keras custom objects, cloudpickled beside the model.
        signature: The signature (inferred from ``input_example`` if None); none if False.
        input_example: An example input.
        pip_requirements: Requirements replacing the inferred ones.
        extra_pip_requirements: Requirements added to the inferred ones.
        saved_model_kwargs: Passed to ``tf.saved_model.save`` (tf.Module).
        keras_model_kwargs: Passed to the Keras model's ``save`` (``save_format="h5"``
            writes ``model.h5``).
        metadata: Free-form metadata.
        extra_files: Files or URIs stored in ``extra_files/``.
        tf_saved_model_dir: An existing SavedModel directory to package as is.
        tf_meta_graph_tags: Its meta graph tags (``["serve"]`` if None).
        tf_signature_def_key: The signature used for predictions (``serving_default`` if None).

    Raises:
        InvalidParameter: Neither or both of ``model`` and ``tf_saved_model_dir``; an
            unsupported model type.
    """
    if path is None:
        raise InvalidParameter("save_model needs a `path`")
    if (model is None) == (tf_saved_model_dir is None):
        raise InvalidParameter("Specify exactly one of `model` and `tf_saved_model_dir`")

    def write(directory: str) -> FlavorFiles:
        if tf_saved_model_dir is not None:
            return write_saved_model_dir(
                directory,
                os.fspath(tf_saved_model_dir),
                list(tf_meta_graph_tags or ["serve"]),
                tf_signature_def_key or "serving_default",
            )
        import tensorflow as tf

        if isinstance(model, tf.keras.Model):
            return write_keras(directory, model, custom_objects, keras_model_kwargs)
        if isinstance(model, tf.Module):
            return write_tf_module(directory, model, saved_model_kwargs)
        raise InvalidParameter(f"Unknown model type: {type(model).__name__}")

    predict = None
    if model is not None and input_example is not None:
        from heron.tensorflow.wrappers import wrapper_for

        predict = wrapper_for(model).predict
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
        predict=predict,
    )


def load_model(
    model_uri: str | os.PathLike[str],
    dst_path: str | None = None,
    saved_model_kwargs: Mapping[str, Any] | None = None,
    keras_model_kwargs: Mapping[str, Any] | None = None,
) -> Any:
    """Load the model of a model URI: a Keras model, a loaded ``tf.Module``, or (for a
    packaged SavedModel) the concrete function of its signature key.

    Raises:
        NotFound: No model there, or no tensorflow flavor.
    """
    local, conf = download_flavor_model(model_uri, dst_path, FLAVOR_NAME)
    return load_tensorflow_model(
        local, conf, dict(saved_model_kwargs or {}), dict(keras_model_kwargs or {})
    )


def _load_pyfunc(path: str) -> Any:
    """The pyfunc implementation of the model directory ``path`` (or its ``data`` dir)."""
    from heron.tensorflow.wrappers import load_pyfunc_wrapper

    return load_pyfunc_wrapper(path)


def log_model(
    model: Any = None,
    artifact_path: str | None = None,
    custom_objects: Mapping[str, Any] | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    registered_model_name: str | None = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    saved_model_kwargs: Mapping[str, Any] | None = None,
    keras_model_kwargs: Mapping[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    model_id: str | None = None,
    extra_files: Sequence[str] | None = None,
    *,
    tf_saved_model_dir: str | os.PathLike[str] | None = None,
    tf_meta_graph_tags: Sequence[str] | None = None,
    tf_signature_def_key: str | None = None,
) -> ModelInfo:
    """Log a TensorFlow model of the active run: :func:`save_model`'s arguments plus MLflow
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
        model=model,
        custom_objects=custom_objects,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        saved_model_kwargs=saved_model_kwargs,
        keras_model_kwargs=keras_model_kwargs,
        metadata=metadata,
        extra_files=extra_files,
        tf_saved_model_dir=tf_saved_model_dir,
        tf_meta_graph_tags=tf_meta_graph_tags,
        tf_signature_def_key=tf_signature_def_key,
    )
