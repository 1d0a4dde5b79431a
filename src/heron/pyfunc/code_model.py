"""Models from code: saving a model given as a Python file, and running that file to load it.

``save_model(path, python_model="model.py")`` runs ``model.py`` once (it must call
``heron.models.set_model``), copies the file into the model directory and writes MLflow's
flavor keys (``loader_module: mlflow.pyfunc.loaders.code_model``, ``model_code_path``), so
MLflow loads the model too. Loading runs the copied file again under a fresh module name.

A model file written for MLflow says ``import mlflow``: where MLflow is not installed, the
file runs with ``mlflow`` and ``mlflow.<x>`` resolving to ``heron`` and ``heron.<x>`` (only
while the file runs), so MLflow's model files load unchanged.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from types import ModuleType
from typing import Any

from heron.exceptions import HeronError, InvalidParameter
from heron.models import code_model as set_model_state
from heron.pyfunc.python_model import FunctionPythonModel

MODEL_CODE_PATH = "model_code_path"
CODE_MODEL_LOADER = "mlflow.pyfunc.loaders.code_model"
"""The loader module MLflow writes for models from code (Heron maps it to its own)."""


def code_file(python_model: str | os.PathLike[str]) -> str:
    """The absolute path of a model's code file.

    Raises:
        InvalidParameter: The file does not exist or is not a readable file.
    """
    path = os.path.realpath(os.fspath(python_model))
    if not os.path.exists(path):
        hint = f" Perhaps you meant '{path}.py'?" if not os.path.splitext(path)[1] else ""
        raise InvalidParameter(
            f"The provided model path '{path}' does not exist. "
            f"Ensure the file path is valid and try again.{hint}"
        )
    if not os.path.isfile(path):
        raise InvalidParameter(f"The provided model path '{path}' is not a valid Python file path.")
    return path


class _MlflowAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves ``mlflow`` and ``mlflow.<x>`` to the already importable ``heron`` modules."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "mlflow" and not fullname.startswith("mlflow."):
            return None
        heron_name = "heron" + fullname[len("mlflow") :]
        if importlib.util.find_spec(heron_name) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module("heron" + spec.name[len("mlflow") :])

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the Heron module is loaded already."""


@contextlib.contextmanager
def mlflow_resolves_to_heron() -> Iterator[None]:
    """While inside, ``import mlflow`` gives Heron when MLflow itself is not installed."""
    if "mlflow" in sys.modules or importlib.util.find_spec("mlflow") is not None:
        yield
        return
    alias = _MlflowAlias()
    sys.meta_path.insert(0, alias)
    try:
        yield
    finally:
        sys.meta_path.remove(alias)
        for name in [n for n in sys.modules if n == "mlflow" or n.startswith("mlflow.")]:
            del sys.modules[name]


def run_model_code(path: str) -> Any:
    """Run a model's code file and return the model it passed to ``set_model``.

    Raises:
        HeronError: The file failed to import or run, or never called ``set_model``.
    """
    set_model_state.clear_model()
    module_name = f"code_model_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise InvalidParameter(f"The provided model path '{path}' is not a valid Python file path.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        with mlflow_resolves_to_heron():
            spec.loader.exec_module(module)
    except ImportError as error:
        raise HeronError(f"Failed to import code model from {path}. Error: {error!s}") from error
    except Exception as error:
        raise HeronError(
            f"Failed to run user code from {path}. Error: {error!s}. "
            "Review the stack trace for more information."
        ) from error
    model = set_model_state.take_model()
    if model is None:
        raise HeronError(
            "If the model is logged as code, ensure the model is set using "
            "heron.models.set_model() (or mlflow.models.set_model()) within the code file."
        )
    return model


def as_python_model(model: Any) -> Any:
    """The model itself when it has ``predict``; a callable wrapped in a python model."""
    if callable(getattr(model, "predict", None)):
        return model
    return FunctionPythonModel(model)


def save_code_model(
    model_dir: str,
    python_model: str | os.PathLike[str],
    artifacts: Mapping[str, str] | None,
    model_config: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], Any]:
    """Check and copy a model's code file; the flavor keys and the model object it defines.

    Raises:
        InvalidParameter: The file does not exist.
        HeronError: Running the file failed or it set no model.
    """
    import cloudpickle

    from heron.models import model_config as config_state
    from heron.pyfunc.model import copy_artifacts

    path = code_file(python_model)
    with config_state.model_config_set(dict(model_config) if model_config else None):
        model = run_model_code(path)
    shutil.copy2(path, os.path.join(model_dir, os.path.basename(path)))
    keys: dict[str, Any] = {
        "loader_module": CODE_MODEL_LOADER,
        "cloudpickle_version": cloudpickle.__version__,
    }
    if artifacts:
        keys["artifacts"] = copy_artifacts(model_dir, artifacts)
    keys["config"] = dict(model_config) if model_config else None
    keys["streamable"] = False
    keys[MODEL_CODE_PATH] = path
    return keys, model
