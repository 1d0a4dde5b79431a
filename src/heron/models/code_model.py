"""Models from code: :func:`set_model`, called by a model's own Python file.

``heron.pyfunc.log_model(python_model="model.py")`` runs ``model.py``, which builds its model
and hands it over with ``heron.models.set_model(model)``; the file (not a pickle) is stored
with the model and run again when the model loads. :func:`set_model` keeps the object here
until the loader takes it with :func:`take_model`.
"""

from __future__ import annotations

import sys
from typing import Any

from heron.exceptions import InvalidParameter

SET_MODEL_ERROR = (
    "Model should either be an instance of PythonModel, a callable object, "
    "or a path to a model code file."
)
"""MLflow's message when ``set_model`` gets something it cannot serve."""

_model: Any = None


def set_model(model: Any) -> None:
    """Hand the model defined by a model-from-code file to the code that runs the file.

    Args:
        model: A :class:`~heron.pyfunc.PythonModel` instance (an object with a ``predict``
            method) or a callable that takes the model input.

    Raises:
        InvalidParameter: Anything else (a path string included, as in MLflow).
    """
    global _model
    if isinstance(model, str) or not (callable(model) or callable(getattr(model, "predict", None))):
        raise InvalidParameter(SET_MODEL_ERROR)
    _model = model
    # The same file may be run by MLflow (a model logged by Heron, loaded with MLflow in
    # the same process): MLflow looks for the object in its own module.
    mlflow_model_module = sys.modules.get("mlflow.models.model")
    if mlflow_model_module is not None:
        mlflow_model_module.__mlflow_model__ = model  # type: ignore[attr-defined]


def take_model() -> Any:
    """The object the last :func:`set_model` call set (or None), clearing it."""
    global _model
    model, _model = _model, None
    mlflow_model_module = sys.modules.get("mlflow.models.model")
    if model is None and mlflow_model_module is not None:
        # The file called MLflow's own set_model (MLflow is installed in this process).
        model = getattr(mlflow_model_module, "__mlflow_model__", None)
        mlflow_model_module.__mlflow_model__ = None  # type: ignore[attr-defined]
    return model


def clear_model() -> None:
    """Forget any model set before, so a file that does not call :func:`set_model` is seen."""
    take_model()
