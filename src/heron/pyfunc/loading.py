"""Loading a model as a python function: :func:`load_model` and :class:`PyFuncModel`.

Loading reads the MLmodel, requires a ``python_function`` flavor, puts its ``code``
directory on ``sys.path``, imports its ``loader_module`` (``mlflow.X`` is mapped to
``heron.X``) and calls that module's ``_load_pyfunc``. Predictions go through the
signature's schema enforcement first.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from typing import Any

from heron.exceptions import InvalidParameter
from heron.models.enforcement import enforce_schema  # light; imported here, not per predict
from heron.models.model import Model
from heron.models.params import enforce_params
from heron.pyfunc.configuration import ModelConfigArgument, overridden_model_config
from heron.pyfunc.model import PYFUNC_FLAVOR


def heron_module_name(loader_module: str) -> str:
    """The Heron module for a ``loader_module``: ``mlflow.sklearn`` -> ``heron.sklearn``."""
    if loader_module == "mlflow" or loader_module.startswith("mlflow."):
        return "heron" + loader_module[len("mlflow") :]
    return loader_module


class PyFuncModel:
    """A loaded model with MLflow's pyfunc interface.

    Args:
        model_meta: The model's MLmodel.
        model_impl: What the loader module's ``_load_pyfunc`` returned.
        predict_fn: The method of ``model_impl`` that predicts.
    """

    def __init__(self, model_meta: Model, model_impl: Any, predict_fn: str = "predict"):
        if not hasattr(model_impl, predict_fn):
            raise InvalidParameter(f"Model implementation is missing required {predict_fn} method.")
        self._model_meta = model_meta
        self._model_impl = model_impl
        self._predict = getattr(model_impl, predict_fn)
        self._predict_takes_params = _takes_params(self._predict)

    @property
    def metadata(self) -> Model:
        """The model's MLmodel (:class:`heron.models.Model`)."""
        return self._model_meta

    @property
    def model_config(self) -> dict[str, Any]:
        """The configuration the model was loaded with."""
        context = getattr(self._model_impl, "context", None)
        config = getattr(context, "model_config", None)
        return dict(config) if isinstance(config, dict) else {}

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """Predictions for ``data`` after checking it (and ``params``) against the signature.

        Raises:
            InvalidParameter: The input or params do not match the signature (names the
                column and the expected type).
        """
        signature = self._model_meta.signature
        if signature is not None and signature.inputs is not None:
            data = enforce_schema(data, signature.inputs)
        schema = signature.params if signature is not None else None
        if schema is not None or params is not None:
            # Without a params schema, given params are ignored with a warning and the
            # model gets {} (as in MLflow); with one, they are checked and defaults filled.
            checked = enforce_params(params, schema)
            params = {} if checked is None else checked
        if self._predict_takes_params:
            return self._predict(data, params=params)
        return self._predict(data)

    def unwrap_python_model(self) -> Any:
        """The user's PythonModel object of a PythonModel-flavor model.

        Raises:
            InvalidParameter: The model is not a PythonModel.
        """
        unwrap = getattr(self._model_impl, "unwrap_python_model", None)
        if unwrap is None:
            raise InvalidParameter("Model is not a PythonModel; it has no Python model to unwrap")
        return unwrap()

    def get_raw_model(self) -> Any:
        """The flavor's native model (the sklearn estimator, the torch module...), as MLflow's.

        Raises:
            NotImplementedError: The flavor's loader gives no native model, as MLflow raises.
        """
        raw = getattr(self._model_impl, "get_raw_model", None)
        if raw is None:
            raise NotImplementedError("`get_raw_model` is not implemented by the underlying model")
        return raw()

    def __repr__(self) -> str:
        flavor = self._model_meta.flavors.get(PYFUNC_FLAVOR, {})
        return (
            f"heron.pyfunc.loaded_model:\n  run_id: {self._model_meta.run_id}\n"
            f"  flavor: {flavor.get('loader_module')}"
        )


def _takes_params(function: Any) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "params" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _import_loader(loader_module: str) -> Any:
    name = heron_module_name(loader_module)
    try:
        return importlib.import_module(name)
    except ImportError as error:
        if error.name is not None and not name.startswith(error.name):
            raise  # the loader exists but one of its own imports is missing: say so
        raise InvalidParameter(
            f"Cannot load the model: its loader module '{loader_module}' "
            f"(imported as '{name}') is not installed or does not exist"
        ) from error


def _call_loader(module: Any, data_path: str, model_config: dict[str, Any] | None) -> Any:
    loader = getattr(module, "_load_pyfunc", None)
    if loader is None:
        raise InvalidParameter(f"Loader module '{module.__name__}' has no _load_pyfunc function")
    if model_config and len(inspect.signature(loader).parameters) >= 2:
        return loader(data_path, model_config)
    return loader(data_path)


def load_local_model(local_path: str, model_config: ModelConfigArgument = None) -> PyFuncModel:
    """Load a model directory on the local filesystem as a :class:`PyFuncModel`.

    Raises:
        NotFound: The directory has no MLmodel file.
        InvalidParameter: No ``python_function`` flavor, or its loader module is missing.
    """
    model_meta = Model.load(local_path)
    conf = model_meta.flavors.get(PYFUNC_FLAVOR)
    if conf is None:
        raise InvalidParameter(
            f'Model does not have the "{PYFUNC_FLAVOR}" flavor; it has '
            f"{sorted(model_meta.flavors)}, none of which loads as a python function"
        )
    if not conf.get("loader_module"):
        raise InvalidParameter(f"The {PYFUNC_FLAVOR} flavor of the model has no loader_module")
    code = conf.get("code")
    if code:
        code_path = os.path.abspath(os.path.join(local_path, code))
        if code_path not in sys.path:
            sys.path.insert(0, code_path)
    data_path = os.path.join(local_path, conf["data"]) if conf.get("data") else local_path
    module = _import_loader(str(conf["loader_module"]))
    config = overridden_model_config(conf.get("config"), model_config)  # MLflow's override rule
    impl = _call_loader(module, data_path, config)
    return PyFuncModel(model_meta, impl, predict_fn=str(conf.get("predict_fn") or "predict"))


def load_model(
    model_uri: str,
    suppress_warnings: bool = False,
    dst_path: str | None = None,
    model_config: ModelConfigArgument = None,
) -> PyFuncModel:
    """Load a model as a python function from a URI (spec 14.1).

    Args:
        model_uri: A local path, ``file:``, ``runs:/<run_id>/<path>``, ``models:/m-<id>``,
            ``models:/<name>/<version|stage|latest>``, ``models:/<name>@<alias>``,
            ``mlflow-artifacts:``, ``s3://``, ...
        suppress_warnings: Accepted for MLflow compatibility.
        dst_path: Where to download a remote model; a temporary directory if None.
        model_config: Overrides of the model's saved configuration.

    Raises:
        NotFound: There is no model (MLmodel file) at the URI.
        InvalidParameter: Not a pyfunc model, or its loader module is missing.
    """
    from heron.artifacts import download_model

    del suppress_warnings
    local_path = download_model(model_uri, dst_path)
    return load_local_model(local_path, model_config)
