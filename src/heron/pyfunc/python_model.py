"""PythonModel and PythonModelContext: a user's own model class and what it gets at load.

This module is pickled by value together with a user's subclass (see
:mod:`heron.pyfunc.model`), so a saved model loads where Heron is not installed (MLflow).
Keep it free of imports and module-level helpers the methods would need.
"""

from __future__ import annotations

from typing import Any


class PythonModelContext:
    """What a :class:`PythonModel` gets in ``load_context`` and ``predict``.

    Args:
        artifacts: Artifact name to the local absolute path of its copy in the model.
        model_config: The model's configuration (saved, or overridden at load).
    """

    def __init__(self, artifacts: dict[str, str], model_config: dict[str, Any] | None = None):
        self._artifacts = artifacts
        self._model_config = model_config

    @property
    def artifacts(self) -> dict[str, str]:
        """Artifact name to local absolute path."""
        return self._artifacts

    @property
    def model_config(self) -> dict[str, Any] | None:
        """The model's configuration; None when it has none (as in MLflow)."""
        return self._model_config


class PythonModel:
    """Base class of custom pyfunc models: override ``predict`` (and ``load_context``).

    ``predict(self, context, model_input, params=None)`` gets the context, the input after
    schema enforcement, and inference params; MLflow's context-less form
    ``predict(self, model_input, params=None)`` works too.
    """

    def load_context(self, context: PythonModelContext) -> None:
        """Load what ``predict`` needs from ``context.artifacts``; nothing by default."""

    def predict(self, context: Any, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        """Compute predictions for ``model_input``; subclasses must override this."""
        raise NotImplementedError("PythonModel subclasses must implement predict()")

    @property
    def predict_type_hints(self) -> Any:
        """The type hints of ``predict``, which MLflow's pyfunc wrapper asks for.

        Only used when MLflow loads a Heron model: computed by MLflow's own implementation.
        """
        from mlflow.pyfunc.model import PythonModel as MlflowPythonModel  # type: ignore[import-not-found]

        return MlflowPythonModel.predict_type_hints.fget(self)


class FunctionPythonModel(PythonModel):
    """A function given as the model (``python_model=fn``, ``set_model(fn)``): it gets the
    model input and returns the predictions, as in MLflow."""

    def __init__(self, func: Any) -> None:
        self.func = func

    def predict(self, model_input: Any, params: dict[str, Any] | None = None) -> Any:  # type: ignore[override]
        """The function's result for ``model_input``."""
        return self.func(model_input)

    @property
    def predict_type_hints(self) -> Any:
        """The function's type hints (only asked for by MLflow, when it loads the model)."""
        from mlflow.pyfunc.model import _FunctionPythonModel

        return _FunctionPythonModel.predict_type_hints.fget(self)
