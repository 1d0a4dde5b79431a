"""The PyTorch flavor: save, log and load ``torch.nn.Module`` models in MLflow's layout.

A model directory holds ``data/model.pth`` (whole-module pickle through
``mlflow.pytorch.pickle_module``, or a TorchScript archive) or ``data/model.pt2``
(``torch.export``), the ``pytorch`` MLmodel block (``model_data``, ``pytorch_version``,
``code``, ``extra_files``) and a ``python_function`` block whose loader is ``mlflow.pytorch``,
so MLflow and Heron load each other's models. ``import heron.pytorch`` does not import torch.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.exceptions import InvalidParameter
from heron.flavors import (
    FlavorFiles,
    download_flavor_model,
    log_flavor_model,
    save_flavor_model,
)
from heron.pytorch.autolog import autolog, load_checkpoint
from heron.pytorch.serialization import (
    MODEL_DATA_DIR,
    SERIALIZATION_FORMAT_PICKLE,
    SERIALIZATION_FORMAT_PT2,
    SERIALIZATION_FORMATS,
    load_from_data_dir,
    pickle_module_name,
    save_exported,
    save_pickled,
    unwrap_module,
)
from heron.pytorch.state_dict import load_state_dict, log_state_dict, save_state_dict
from heron.pytorch.wrapper import CPU, PyTorchWrapper

if TYPE_CHECKING:
    from heron.models.model import Model, ModelInfo
    from heron.models.signature import ModelSignature

__all__ = [
    "FLAVOR_NAME",
    "SERIALIZATION_FORMAT_PICKLE",
    "SERIALIZATION_FORMAT_PT2",
    "autolog",
    "get_default_pip_requirements",
    "load_checkpoint",
    "load_model",
    "load_state_dict",
    "log_model",
    "log_state_dict",
    "save_model",
    "save_state_dict",
]

FLAVOR_NAME = "pytorch"
LOADER_MODULE = "mlflow.pytorch"
DEVICE_ENV = "MLFLOW_DEFAULT_PREDICTION_DEVICE"

_logger = logging.getLogger(__name__)


def get_default_pip_requirements() -> list[str]:
    """The pinned requirements every PyTorch model gets: torch and cloudpickle."""
    from heron.models.environment import infer_pip_requirements

    return infer_pip_requirements(["torch", "cloudpickle"])[1:]


def _is_tensor_example(example: Any) -> bool:
    import numpy as np

    values = example if isinstance(example, (tuple, list)) else (example,)
    return bool(values) and all(
        isinstance(v, np.ndarray) or type(v).__module__.startswith("torch") for v in values
    )


def _choose_format(serialization_format: str | None, input_example: Any) -> str:
    if serialization_format is None:
        # MLflow 3.x defaults to pt2, which needs a tensor example; without one, pickle.
        if input_example is not None and _is_tensor_example(input_example):
            return SERIALIZATION_FORMAT_PT2
        return SERIALIZATION_FORMAT_PICKLE
    if serialization_format not in SERIALIZATION_FORMATS:
        raise InvalidParameter(
            "The `serialization_format` param value must be one of 'pickle' or 'pt2'."
        )
    return serialization_format


def _numpy_example(example: Any) -> Any:
    """Tensors become ndarrays so the example can be saved as JSON."""
    if type(example).__module__.startswith("torch"):
        return example.detach().cpu().numpy()
    if isinstance(example, (tuple, list)) and len(example) == 1:
        return _numpy_example(example[0])
    return example


def save_model(
    pytorch_model: Any,
    path: str | os.PathLike[str],
    conda_env: str | Mapping[str, Any] | None = None,
    mlflow_model: Model | None = None,
    code_paths: Sequence[str] | None = None,
    pickle_module: ModuleType | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    extra_files: Sequence[str] | None = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    export_model: bool = False,
    serialization_format: str | None = None,
    **kwargs: Any,
) -> None:
    """Save a PyTorch module as an MLflow model directory at ``path``.

    Args:
        pytorch_model: A ``torch.nn.Module`` (eager, TorchScript, ``torch.compile``'d or
            DataParallel-wrapped: the inner module is saved).
        path: The directory to create (must not exist, or be empty).
        conda_env: A conda environment instead of the inferred pins.
        mlflow_model: The Model to add the flavors to.
        code_paths: Files or directories copied into ``code/``.
        pickle_module: The module ``torch.save`` pickles with (MLflow's cloudpickle-based
            ``pickle_module`` if None).
        signature: The signature; inferred from ``input_example`` if None, none if False.
        input_example: An example input (DataFrame, ndarray, tensor...).
        extra_files: Files or URIs stored in ``extra_files/``.
        pip_requirements: Requirements replacing the inferred ones.
        extra_pip_requirements: Requirements added to the inferred ones.
        metadata: Free-form metadata.
        export_model: Deprecated: ``serialization_format='pt2'``.
        serialization_format: ``pickle`` or ``pt2`` (``torch.export``, needs a tensor or
            ndarray example). If None: ``pt2`` with such an example, else ``pickle``.
        **kwargs: Passed to ``torch.save``.

    Raises:
        InvalidParameter: Not a module, bad format, untraceable model for ``pt2``.
        AlreadyExists: ``path`` is not empty.
    """
    import torch

    if export_model:
        if serialization_format == SERIALIZATION_FORMAT_PICKLE:
            raise InvalidParameter(
                "Cannot set both `export_model=True` and `serialization_format='pickle'`."
            )
        serialization_format = SERIALIZATION_FORMAT_PT2
    fmt = _choose_format(serialization_format, input_example)
    module = unwrap_module(pytorch_model)
    if not isinstance(module, torch.nn.Module):
        raise InvalidParameter("Argument 'pytorch_model' should be a torch.nn.Module")

    def write(directory: str) -> FlavorFiles:
        data_dir = os.path.join(directory, MODEL_DATA_DIR)
        os.makedirs(data_dir)
        if fmt == SERIALIZATION_FORMAT_PT2:
            save_exported(data_dir, module, input_example)
        else:
            _logger.info("Saving the PyTorch model with pickle: loading it can run code.")
            save_pickled(data_dir, module, pickle_module, **kwargs)
        pyfunc: dict[str, Any] | None = {
            "data": MODEL_DATA_DIR,
            "pickle_module_name": pickle_module_name(pickle_module),
            "config": {"device": None},
        }
        multi = isinstance(input_example, (tuple, list)) and len(input_example) > 1
        if fmt == SERIALIZATION_FORMAT_PT2 and multi:
            pyfunc = None  # several positional tensors: no single-input python function
        return FlavorFiles(
            flavor={"model_data": MODEL_DATA_DIR, "pytorch_version": str(torch.__version__)},
            pyfunc=pyfunc,
            modules=["torch", "cloudpickle"],
        )

    example = _numpy_example(input_example)
    save_flavor_model(
        path,
        FLAVOR_NAME,
        LOADER_MODULE,
        write,
        mlflow_model=mlflow_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        metadata=metadata,
        extra_files=extra_files,
        predict=PyTorchWrapper(module, CPU).predict if example is not None else None,
    )


def load_model(
    model_uri: str | os.PathLike[str], dst_path: str | None = None, **kwargs: Any
) -> Any:
    """Load the PyTorch module of a model URI (path, ``runs:/``, ``models:/``...), in eval mode.

    Args:
        model_uri: Where the model is.
        dst_path: A local directory to download it to.
        **kwargs: ``device`` (move the module there) and ``torch.load`` arguments
            (``map_location``, ``pickle_module``, ``weights_only``...).

    Raises:
        NotFound: No model there, or no pytorch flavor.
    """
    local, conf = download_flavor_model(model_uri, dst_path, FLAVOR_NAME)
    _warn_version(conf)
    device = kwargs.pop("device", None)
    return load_from_data_dir(os.path.join(local, conf["model_data"]), device=device, **kwargs)


def _warn_version(conf: Mapping[str, Any]) -> None:
    import torch

    if conf.get("pytorch_version") and conf["pytorch_version"] != torch.__version__:
        _logger.warning(
            "Stored model version '%s' does not match installed PyTorch version '%s'",
            conf["pytorch_version"],
            torch.__version__,
        )


def _load_pyfunc(
    path: str, model_config: Mapping[str, Any] | None = None, weights_only: bool = False
) -> PyTorchWrapper:
    """The pyfunc implementation of the model whose ``data`` directory is ``path``.

    The device is ``model_config["device"]``, else ``MLFLOW_DEFAULT_PREDICTION_DEVICE``, else
    the CPU.
    """
    device = (model_config or {}).get("device") or os.environ.get(DEVICE_ENV) or CPU
    model = load_from_data_dir(path, device=device, weights_only=weights_only)
    return PyTorchWrapper(model, str(device))


def log_model(
    pytorch_model: Any,
    artifact_path: str | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    pickle_module: ModuleType | None = None,
    registered_model_name: str | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    extra_files: Sequence[str] | None = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    model_id: str | None = None,
    export_model: bool = False,
    serialization_format: str | None = None,
    **kwargs: Any,
) -> ModelInfo:
    """Log a PyTorch module as a model of the active run; :func:`save_model`'s arguments plus
    MLflow 3.x's ``name``, ``params``, ``tags``, ``model_type``, ``step`` and registration.

    ``model_id`` (reusing an existing LoggedModel) is not supported.

    Returns:
        The logged model's ModelInfo.
    """
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
        pytorch_model=pytorch_model,
        conda_env=conda_env,
        code_paths=code_paths,
        pickle_module=pickle_module,
        signature=signature,
        input_example=input_example,
        extra_files=extra_files,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        metadata=metadata,
        export_model=export_model,
        serialization_format=serialization_format,
        **kwargs,
    )
