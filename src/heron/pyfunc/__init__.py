"""The python_function model flavor, with ``mlflow.pyfunc``'s names.

``heron.pyfunc.load_model(uri)`` loads any model with a ``python_function`` flavor (Heron's
or MLflow's); :class:`PythonModel` subclasses are saved with :func:`save_model` and logged
with :func:`log_model`.
"""

from __future__ import annotations

from heron.pyfunc.defaults import get_default_conda_env, get_default_pip_requirements, load_pyfunc
from heron.pyfunc.dependencies import get_model_dependencies, spark_udf
from heron.pyfunc.loading import PyFuncModel, load_model
from heron.pyfunc.model import PYFUNC_FLAVOR
from heron.pyfunc.python_model import PythonModel, PythonModelContext
from heron.pyfunc.saving import add_to_model, log_model, save_model

FLAVOR_NAME = PYFUNC_FLAVOR

__all__ = [
    "FLAVOR_NAME",
    "PyFuncModel",
    "PythonModel",
    "PythonModelContext",
    "add_to_model",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "get_model_dependencies",
    "load_model",
    "load_pyfunc",
    "log_model",
    "save_model",
    "spark_udf",
]
