"""The PythonModel flavor: saving a PythonModel's directory, and ``_load_pyfunc`` for it.

MLmodel files name ``mlflow.pyfunc.model`` as loader module (Heron maps it to this module)
so that MLflow loads Heron's PythonModels too; the model object is cloudpickled with
:mod:`heron.pyfunc.python_model` by value, so unpickling needs neither library's import.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from heron.exceptions import InvalidParameter
from heron.models.model import Model
from heron.pyfunc import python_model as python_model_module
from heron.pyfunc.python_model import FunctionPythonModel, PythonModel, PythonModelContext

PYFUNC_FLAVOR = "python_function"
MLFLOW_LOADER_MODULE = "mlflow.pyfunc.model"
PICKLE_FILE = "python_model.pkl"
ARTIFACTS_DIR = "artifacts"


def _local_module(python_model: Any) -> ModuleType | None:
    """The module defining the model's class if it is the user's own code, else None.

    Installed distributions (site-packages) and Heron or MLflow stay pickled by reference.
    """
    owner = python_model.func if isinstance(python_model, FunctionPythonModel) else python_model
    name = getattr(owner, "__module__", None) if owner is not python_model else None
    module = sys.modules.get(name or type(python_model).__module__)
    file = getattr(module, "__file__", None)
    if module is None or file is None or module.__name__ == "__main__":
        return None
    if module.__name__.split(".")[0] in ("heron", "mlflow"):
        return None
    parts = os.path.normpath(file).split(os.sep)
    return None if "site-packages" in parts or "dist-packages" in parts else module


def dump_python_model(python_model: Any, file: str) -> None:
    """Cloudpickle a model object by value: its class (when it is the user's own module)
    and the PythonModel base class, so MLflow and Heron both load it without the other.
    """
    import cloudpickle

    modules = [python_model_module]
    local = _local_module(python_model)
    if local is not None:
        modules.append(local)
    for module in modules:
        cloudpickle.register_pickle_by_value(module)
    try:
        with open(file, "wb") as out:
            cloudpickle.dump(python_model, out)
    finally:
        for module in modules:
            cloudpickle.unregister_pickle_by_value(module)


def copy_artifacts(model_dir: str, artifacts: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Download each artifact URI into ``artifacts/``; the flavor's ``artifacts`` entry."""
    from heron.artifacts import download_artifacts

    target = os.path.join(model_dir, ARTIFACTS_DIR)
    os.makedirs(target, exist_ok=True)
    entries: dict[str, dict[str, str]] = {}
    for name, uri in artifacts.items():
        destination = os.path.join(target, name)
        os.makedirs(destination, exist_ok=True)
        local = download_artifacts(artifact_uri=uri, dst_path=destination)
        relative = os.path.relpath(local, model_dir).replace(os.sep, "/")
        entries[name] = {"path": relative, "uri": uri}
    return entries


def save_python_model(
    model_dir: str,
    python_model: Any,
    artifacts: Mapping[str, str] | None,
    model_config: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Write a PythonModel's files; the python_function flavor keys it needs.

    Raises:
        InvalidParameter: ``python_model`` has no callable ``predict``.
    """
    import cloudpickle

    dump_python_model(as_python_model(python_model), os.path.join(model_dir, PICKLE_FILE))
    keys: dict[str, Any] = {
        "loader_module": MLFLOW_LOADER_MODULE,
        "python_model": PICKLE_FILE,
        "cloudpickle_version": cloudpickle.__version__,
    }
    if artifacts:
        keys["artifacts"] = copy_artifacts(model_dir, artifacts)
    if model_config:
        keys["config"] = dict(model_config)
    return keys


def as_python_model(python_model: Any) -> Any:
    """The model itself when it has ``predict``; a one-argument function, wrapped as MLflow
    does (:class:`FunctionPythonModel`).

    Raises:
        InvalidParameter: Neither, or a function of another number of arguments.
    """
    if callable(getattr(python_model, "predict", None)):
        return python_model
    if not callable(python_model):
        raise InvalidParameter(
            "`python_model` must be a PythonModel instance, callable object, or path to a "
            "script that uses set_model() to set a PythonModel instance or callable object."
        )
    try:
        count = len(inspect.signature(python_model).parameters)
    except (TypeError, ValueError):
        count = 1  # a builtin or C callable: its arity cannot be read, let it be tried
    if count != 1:
        raise InvalidParameter(
            "When `python_model` is a callable object, it must accept exactly one argument. "
            f"Found {count} arguments."
        )
    return FunctionPythonModel(python_model)


def _accepts(function: Any, name: str) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


class PythonModelWrapper:
    """The object ``_load_pyfunc`` returns: calls the user's predict with its context."""

    def __init__(self, python_model: Any, context: PythonModelContext):
        self.python_model = python_model
        self.context = context
        predict = python_model.predict
        self._with_context = _accepts(predict, "context")
        self._with_params = _accepts(predict, "params")

    def predict(self, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        """The user's predictions for already enforced input."""
        args: tuple[Any, ...] = (
            (self.context, model_input) if self._with_context else (model_input,)
        )
        if self._with_params:
            return self.python_model.predict(*args, params=params)
        return self.python_model.predict(*args)

    def unwrap_python_model(self) -> Any:
        """The user's PythonModel object."""
        return self.python_model

    def get_raw_model(self) -> Any:
        """The user's PythonModel object (what MLflow's wrapper returns)."""
        return self.python_model


def _load_pyfunc(model_path: str, model_config: dict[str, Any] | None = None) -> Any:
    """Load a PythonModel directory (MLflow's loader entry point for ``mlflow.pyfunc.model``)."""
    import cloudpickle

    conf = Model.load(model_path).flavors.get(PYFUNC_FLAVOR, {})
    pickle_file = os.path.join(model_path, conf.get("python_model", PICKLE_FILE))
    from heron.pyfunc.code_model import mlflow_resolves_to_heron

    # MLflow pickles its PythonModel base class by reference: it resolves to Heron's.
    with open(pickle_file, "rb") as source, mlflow_resolves_to_heron():
        python_model = cloudpickle.load(source)
    artifacts = {
        name: os.path.abspath(os.path.join(model_path, entry["path"]))
        for name, entry in (conf.get("artifacts") or {}).items()
    }
    config = dict(conf.get("config") or {})
    config.update(model_config or {})
    context = PythonModelContext(artifacts=artifacts, model_config=config or None)
    python_model.load_context(context)
    return PythonModelWrapper(python_model, context)


__all__ = ["PythonModel", "PythonModelContext", "PythonModelWrapper", "save_python_model"]
