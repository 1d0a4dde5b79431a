"""The Keras 3 flavor: ``.keras`` archives (or exported SavedModels) in MLflow's layout.

A model directory holds ``data/model.keras`` and ``data/keras_module.txt``, the ``keras``
MLmodel block (``data``, ``keras_version``, ``keras_backend``, ``save_exported_model``) and a
``python_function`` block whose loader is ``mlflow.keras``. Models MLflow 2.x wrote with its
older Keras flavor (``data/model.h5``, or a TensorFlow SavedModel in ``data/model``) load too.
Keras runs on whichever backend ``KERAS_BACKEND`` names (``torch`` needs no TensorFlow).
``import heron.keras`` does not import keras.
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
    flavor_configuration,
    log_flavor_model,
    save_flavor_model,
)
from heron.keras.autolog import autolog
from heron.keras.loading import load_keras_model
from heron.keras.wrapper import KerasModelWrapper

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

FLAVOR_NAME = "keras"
LOADER_MODULE = "mlflow.keras"
DATA_DIR = "data"
MODEL_NAME = "model"
KERAS_MODULE_FILE = "keras_module.txt"


def get_default_pip_requirements() -> list[str]:
    """The pinned requirement of a Keras model."""
    from heron.models.environment import infer_pip_requirements

    return infer_pip_requirements(["keras"])[1:]


def _export(model: Any, target: str, signature: ModelSignature | None) -> None:
    import keras

    if signature is None or signature.inputs is None:
        raise InvalidParameter(
            "`signature` cannot be None when `save_exported_model=True` for a Keras 3 model"
        )
    try:
        import tensorflow as tf
    except ImportError as error:
        raise InvalidParameter(
            "`tensorflow` must be installed to export a Keras 3 model; install it or set "
            "`save_exported_model=False`."
        ) from error
    from heron.types.schema import TensorSpec

    specs = []
    for spec in signature.inputs.inputs:
        if not isinstance(spec, TensorSpec):
            raise InvalidParameter("Exporting a Keras model needs a tensor-based signature")
        shape = [None if d == -1 else d for d in spec.shape]
        specs.append(tf.TensorSpec(shape=shape, dtype=spec.type))
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(name="serve", fn=model.call, input_signature=specs)
    archive.write_out(target)


def save_model(
    model: Any,
    path: str | os.PathLike[str],
    save_exported_model: bool = False,
    conda_env: str | Mapping[str, Any] | None = None,
    mlflow_model: Model | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    save_model_kwargs: Mapping[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
) -> None:
    """Save a Keras 3 model as an MLflow model directory at ``path``.

    Args:
        model: A ``keras.Model``.
        path: The directory to create (must not exist, or be empty).
        save_exported_model: Export a TensorFlow SavedModel (inference only, needs
            TensorFlow and a tensor signature) instead of the ``.keras`` archive.
        conda_env: A conda environment instead of the inferred pins.
        mlflow_model: The Model to add the flavors to.
        signature: The signature (given, as in MLflow; inferred from ``input_example``
            when None); none if False.
        input_example: An example input.
        pip_requirements: Requirements replacing the inferred ones.
        extra_pip_requirements: Requirements added to the inferred ones.
        save_model_kwargs: Passed to ``model.save``.
        metadata: Free-form metadata.
        code_paths: Files or directories copied into ``code/``.

    Raises:
        InvalidParameter: Not a Keras 3 model; export without signature or TensorFlow.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise InvalidParameter(f"Expected a keras.Model, got {type(model).__name__}")
    explicit = None if isinstance(signature, bool) else signature

    def write(directory: str) -> FlavorFiles:
        data = os.path.join(directory, DATA_DIR)
        os.makedirs(data)
        with open(os.path.join(data, KERAS_MODULE_FILE), "w", encoding="utf-8") as out:
            out.write("keras")
        if save_exported_model:
            _export(model, os.path.join(data, MODEL_NAME), explicit)
        else:
            model.save(os.path.join(data, f"{MODEL_NAME}.keras"), **dict(save_model_kwargs or {}))
        return FlavorFiles(
            flavor={
                "data": DATA_DIR,
                "keras_version": keras.__version__,
                "keras_backend": keras.backend.backend(),
                "save_exported_model": save_exported_model,
            },
            pyfunc={},
            modules=["keras"] + (["tensorflow"] if save_exported_model else []),
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
        predict=KerasModelWrapper(model).predict,
    )


def load_model(
    model_uri: str | os.PathLike[str],
    dst_path: str | None = None,
    custom_objects: Mapping[str, Any] | None = None,
    load_model_kwargs: Mapping[str, Any] | None = None,
) -> Any:
    """Load the Keras model of a model URI (a TensorFlow object for exported models).

    Args:
        model_uri: Where the model is.
        dst_path: A local directory to download it to.
        custom_objects: Custom layers, losses... by name, for ``keras.saving.load_model``.
        load_model_kwargs: More arguments for ``keras.saving.load_model``.

    Raises:
        NotFound: No model there, or no keras flavor.
    """
    local, conf = download_flavor_model(model_uri, dst_path, FLAVOR_NAME)
    return load_keras_model(local, conf, custom_objects, dict(load_model_kwargs or {}))


def _load_pyfunc(path: str) -> KerasModelWrapper:
    """The pyfunc implementation of the Keras model in the model directory ``path``."""
    from heron.flavors.configuration import model_dir_of

    model_dir = model_dir_of(path)
    if not os.path.exists(os.path.join(model_dir, "MLmodel")):
        model_dir = os.path.dirname(model_dir)  # MLflow 2.x passed the data directory
    conf = flavor_configuration(model_dir, FLAVOR_NAME)
    return KerasModelWrapper(
        load_keras_model(model_dir, conf), bool(conf.get("save_exported_model"))
    )


def log_model(
    model: Any,
    artifact_path: str | None = None,
    save_exported_model: bool = False,
    conda_env: str | Mapping[str, Any] | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    registered_model_name: str | None = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    save_model_kwargs: Mapping[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    model_id: str | None = None,
    code_paths: Sequence[str] | None = None,
) -> ModelInfo:
    """Log a Keras 3 model of the active run: :func:`save_model`'s arguments plus MLflow
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
        save_exported_model=save_exported_model,
        conda_env=conda_env,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        save_model_kwargs=save_model_kwargs,
        metadata=metadata,
        code_paths=code_paths,
    )
