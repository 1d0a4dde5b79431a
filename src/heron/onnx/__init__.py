"""The ONNX flavor: ``onnx.ModelProto`` saved as ``model.onnx``, predicted with onnxruntime.

The ``onnx`` MLmodel block (``onnx_version``, ``data``, ``providers``,
``onnx_session_options``, ``code``) and the ``python_function`` block (loader
``mlflow.onnx``) are MLflow's. Tensors go to external data files by default
(``save_as_external_data``), which also lifts protobuf's 2 GB limit.
``import heron.onnx`` does not import onnx.
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
from heron.onnx.session import ONNX_EXECUTION_PROVIDERS, check_session_options
from heron.onnx.wrapper import OnnxModelWrapper

if TYPE_CHECKING:
    from heron.models.model import Model, ModelInfo
    from heron.models.signature import ModelSignature

__all__ = [
    "FLAVOR_NAME",
    "ONNX_EXECUTION_PROVIDERS",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]

FLAVOR_NAME = "onnx"
LOADER_MODULE = "mlflow.onnx"
MODEL_FILE = "model.onnx"


def get_default_pip_requirements() -> list[str]:
    """The pinned requirements of an ONNX model: onnx and onnxruntime."""
    from heron.models.environment import infer_pip_requirements

    return infer_pip_requirements(["onnx", "onnxruntime"])[1:]


def save_model(
    onnx_model: Any,
    path: str | os.PathLike[str],
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    mlflow_model: Model | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    onnx_execution_providers: Sequence[Any] | None = None,
    onnx_session_options: Mapping[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    save_as_external_data: bool = True,
    extra_files: Sequence[str] | None = None,
    **kwargs: Any,
) -> None:
    """Save an ONNX model as an MLflow model directory at ``path``.

    Args:
        onnx_model: An ``onnx.ModelProto``.
        path: The directory to create (must not exist, or be empty).
        conda_env: A conda environment instead of the inferred pins.
        code_paths: Files or directories copied into ``code/``.
        mlflow_model: The Model to add the flavors to.
        signature: The signature (not inferred, as in MLflow); none if False.
        input_example: An example input.
        pip_requirements: Requirements replacing the inferred ones.
        extra_pip_requirements: Requirements added to the inferred ones.
        onnx_execution_providers: onnxruntime providers in order of preference (names or
            ``(name, options)`` pairs); CUDA then CPU if None.
        onnx_session_options: ``onnxruntime.SessionOptions`` attributes to set when loading
            (``intra_op_num_threads``, ``execution_mode``, ``graph_optimization_level``,
            ``extra_session_config``...).
        metadata: Free-form metadata.
        save_as_external_data: Write tensors to external files beside ``model.onnx``.
        extra_files: Files or URIs stored in ``extra_files/``.
        **kwargs: Passed to ``onnx.save_model``.

    Raises:
        InvalidParameter: Not a ModelProto, bad session options.
    """
    import onnx

    if not isinstance(onnx_model, onnx.ModelProto):
        raise InvalidParameter(f"Expected an onnx.ModelProto, got {type(onnx_model).__name__}")
    check_session_options(onnx_session_options)
    providers = list(onnx_execution_providers or ONNX_EXECUTION_PROVIDERS)
    options = dict(onnx_session_options) if onnx_session_options is not None else None

    def write(directory: str) -> FlavorFiles:
        onnx.save_model(
            onnx_model,
            os.path.join(directory, MODEL_FILE),
            save_as_external_data=save_as_external_data,
            **kwargs,
        )
        return FlavorFiles(
            flavor={
                "onnx_version": onnx.__version__,
                "data": MODEL_FILE,
                "providers": providers,
                "onnx_session_options": options,
            },
            pyfunc={"data": MODEL_FILE},
            modules=["onnx", "onnxruntime"],
        )

    save_flavor_model(
        path,
        FLAVOR_NAME,
        LOADER_MODULE,
        write,
        mlflow_model=mlflow_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=False if signature is None else signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        metadata=metadata,
        extra_files=extra_files,
    )


def load_model(model_uri: str | os.PathLike[str], dst_path: str | None = None) -> Any:
    """Load the ``onnx.ModelProto`` of a model URI (external data included).

    Raises:
        NotFound: No model there, or no onnx flavor.
    """
    import onnx

    local, conf = download_flavor_model(model_uri, dst_path, FLAVOR_NAME)
    return onnx.load(os.path.join(local, str(conf["data"])))


def _load_pyfunc(path: str) -> OnnxModelWrapper:
    """The pyfunc implementation of the model file ``path`` (``model.onnx``)."""
    return OnnxModelWrapper(path)


def log_model(
    onnx_model: Any,
    artifact_path: str | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    registered_model_name: str | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    onnx_execution_providers: Sequence[Any] | None = None,
    onnx_session_options: Mapping[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    model_id: str | None = None,
    save_as_external_data: bool = True,
    extra_files: Sequence[str] | None = None,
    **kwargs: Any,
) -> ModelInfo:
    """Log an ONNX model of the active run: :func:`save_model`'s arguments plus MLflow 3.x's
    ``name``, ``params``, ``tags``, ``model_type``, ``step`` and registration."""
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
        onnx_model=onnx_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        onnx_execution_providers=onnx_execution_providers,
        onnx_session_options=onnx_session_options,
        metadata=metadata,
        save_as_external_data=save_as_external_data,
        extra_files=extra_files,
        **kwargs,
    )
