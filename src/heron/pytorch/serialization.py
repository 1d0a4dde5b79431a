"""Writing and reading a PyTorch model in the ``data/`` directory of MLflow's layout.

``pickle``: ``data/model.pth`` written by ``torch.save`` with a pickle module whose name is
kept in ``data/pickle_module_info.txt`` (TorchScript modules are saved with their own
``save``); ``pt2``: ``data/model.pt2``, a ``torch.export`` program traced on the input example.
"""

from __future__ import annotations

import importlib
import logging
import os
from types import ModuleType
from typing import Any

from heron.exceptions import InvalidParameter, NotFound
from heron.flavors.configuration import require_pickle_allowed

SERIALIZATION_FORMAT_PICKLE = "pickle"
SERIALIZATION_FORMAT_PT2 = "pt2"
SERIALIZATION_FORMATS = (SERIALIZATION_FORMAT_PICKLE, SERIALIZATION_FORMAT_PT2)
MODEL_DATA_DIR = "data"
PICKLED_MODEL_FILE = "model.pth"
EXPORTED_MODEL_FILE = "model.pt2"
PICKLE_MODULE_INFO_FILE = "pickle_module_info.txt"
# The pickle module's name written to disk: MLflow's, so MLflow loads Heron's models.
MLFLOW_PICKLE_MODULE = "mlflow.pytorch.pickle_module"
HERON_PICKLE_MODULE = "heron.pytorch.pickle_module"

_logger = logging.getLogger(__name__)


def unwrap_module(model: Any) -> Any:
    """The module to save: ``torch.compile``'s original module, DataParallel's inner one."""
    import torch

    while True:
        if isinstance(model, (torch.nn.DataParallel, torch.nn.parallel.DistributedDataParallel)):
            _logger.info("Saving the module inside %s", type(model).__name__)
            model = model.module
        elif hasattr(model, "_orig_mod") and type(model).__name__ == "OptimizedModule":
            _logger.info("Saving the original module of a torch.compile'd model")
            model = model._orig_mod
        else:
            return model


def pickle_module_name(pickle_module: ModuleType | None) -> str:
    """The name recorded for ``pickle_module`` (Heron's own is written as MLflow's)."""
    if pickle_module is None:
        return MLFLOW_PICKLE_MODULE
    name = pickle_module.__name__
    return MLFLOW_PICKLE_MODULE if name == HERON_PICKLE_MODULE else name


def import_pickle_module(name: str) -> ModuleType:
    """The module of a recorded pickle module name (MLflow's is Heron's here).

    Raises:
        NotFound: The module cannot be imported.
    """
    module_name = HERON_PICKLE_MODULE if name.strip() == MLFLOW_PICKLE_MODULE else name.strip()
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        raise NotFound(
            "Failed to import the pickle module that was used to save the PyTorch model. "
            f"Pickle module name: `{name}`"
        ) from error


def save_pickled(
    data_dir: str, model: Any, pickle_module: ModuleType | None, **kwargs: Any
) -> None:
    """Write ``model.pth`` and ``pickle_module_info.txt`` into ``data_dir``."""
    import torch

    name = pickle_module_name(pickle_module)
    with open(os.path.join(data_dir, PICKLE_MODULE_INFO_FILE), "w", encoding="utf-8") as out:
        out.write(name)
    path = os.path.join(data_dir, PICKLED_MODEL_FILE)
    if isinstance(model, torch.jit.ScriptModule):
        torch.jit.save(model, path)
        return
    module = pickle_module if pickle_module is not None else import_pickle_module(name)
    torch.save(model, path, pickle_module=module, **kwargs)


def _example_tensors(input_example: Any) -> list[Any]:
    import numpy as np
    import torch

    values = input_example if isinstance(input_example, (tuple, list)) else (input_example,)
    if not values or not all(isinstance(v, (np.ndarray, torch.Tensor)) for v in values):
        raise InvalidParameter(
            "If `serialization_format` is set to 'pt2', then input_example is required. It "
            "must be a numpy array or torch tensor, or a tuple/list of them: 'pt2' traces the "
            "model graph by running model.forward on the example."
        )
    return [torch.from_numpy(v) if isinstance(v, np.ndarray) else v for v in values]


def save_exported(data_dir: str, model: Any, input_example: Any) -> None:
    """Write ``model.pt2``: ``torch.export`` of ``model`` on the example, batch dim dynamic."""
    import torch
    from torch.export import Dim

    if isinstance(model, torch.jit.ScriptModule):
        raise InvalidParameter(
            "The 'pt2' serialization format is not supported for torch.jit.ScriptModule "
            "models, please set `serialization_format` to 'pickle'."
        )
    tensors = _example_tensors(input_example)
    dynamic = [{0: Dim.AUTO} if t.dim() > 0 else None for t in tensors]
    try:
        program = torch.export.export(model, tuple(tensors), dynamic_shapes=dynamic)
    except Exception as error:
        raise InvalidParameter(f"torch.export could not trace the model: {error}") from error
    torch.export.save(program, os.path.join(data_dir, EXPORTED_MODEL_FILE))


def load_from_data_dir(path: str, device: str | None = None, **kwargs: Any) -> Any:
    """Load the model in ``path`` (the ``data`` directory, or a model file), on ``device``.

    ``kwargs`` go to ``torch.load`` (``map_location``, ``pickle_module``, ``weights_only``...).

    Raises:
        NotFound: No model file there, or its pickle module cannot be imported.
        InvalidParameter: Pickle deserialization is disabled by the environment.
    """
    import torch

    model_path = path
    if os.path.isdir(path):
        model_path = os.path.join(path, PICKLED_MODEL_FILE)
        if not os.path.exists(model_path):
            return _load_exported(os.path.join(path, EXPORTED_MODEL_FILE), device)
        info = os.path.join(path, PICKLE_MODULE_INFO_FILE)
        if "pickle_module" not in kwargs and os.path.exists(info):
            with open(info, encoding="utf-8") as source:
                kwargs["pickle_module"] = import_pickle_module(source.read())
    require_pickle_allowed("this PyTorch model")
    if _is_torchscript(model_path):
        kwargs.pop("pickle_module", None)
        kwargs.pop("weights_only", None)
        model = torch.jit.load(model_path, **kwargs)  # type: ignore[no-untyped-call]
    else:
        kwargs.setdefault("weights_only", False)
        model = torch.load(model_path, **kwargs)
    model.eval()
    if device:
        model.to(device)
    return model


def _is_torchscript(model_path: str) -> bool:
    import zipfile

    if not zipfile.is_zipfile(model_path):
        return False
    with zipfile.ZipFile(model_path) as archive:
        return any(name.endswith("constants.pkl") for name in archive.namelist())


def _load_exported(model_path: str, device: str | None) -> Any:
    import torch

    if not os.path.exists(model_path):
        raise NotFound(f"No PyTorch model file (model.pth or model.pt2) at '{model_path}'")
    module = torch.export.load(model_path).module()
    if device and torch.device(device).type != "cpu":
        module.to(device)
    return module
