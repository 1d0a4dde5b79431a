"""The python_function model flavor, with ``mlflow.pyfunc``'s names.

``heron.pyfunc.load_model(uri)`` loads any model with a ``python_function`` flavor (Heron's
or MLflow's); :class:`PythonModel` subclasses are saved with :func:`save_model` and logged
with :func:`log_model`.
"""

from __future__ import annotations

from heron.pyfunc.context import Context, set_prediction_context
from heron.pyfunc.defaults import get_default_conda_env, get_default_pip_requirements, load_pyfunc
from heron.pyfunc.dependencies import get_model_dependencies, spark_udf
from heron.pyfunc.environment_archive import (
    EnvType,
    archive_directory,
    build_model_env,
    extract_archive_to_dir,
)
from heron.pyfunc.loading import PyFuncModel, load_model
from heron.pyfunc.model import PYFUNC_FLAVOR
from heron.pyfunc.python_model import PythonModel, PythonModelContext
from heron.pyfunc.saving import add_to_model, log_model, save_model
from heron.pyfunc.signature_hints import update_signature_for_type_hint_from_example

FLAVOR_NAME = PYFUNC_FLAVOR

__all__ = [
    "FLAVOR_NAME",
    "Context",
    "EnvType",
    "PyFuncModel",
    "PythonModel",
    "PythonModelContext",
    "add_to_model",
    "archive_directory",
    "build_model_env",
    "extract_archive_to_dir",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "get_model_dependencies",
    "load_model",
    "load_pyfunc",
    "log_model",
    "save_model",
    "set_prediction_context",
    "spark_udf",
    "update_signature_for_type_hint_from_example",
]
