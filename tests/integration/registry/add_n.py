"""A tiny PythonModel whose predictions tell which logged model was loaded."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pandas as pd

from heron.models.model import ModelInfo
from heron.pyfunc import PythonModel

DATA = pd.DataFrame({"x": [1, 2]})


class AddN(PythonModel):
    """Adds ``n`` to its input."""

    def __init__(self, n: int) -> None:
        self.n = n

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input + self.n


def log_add_n(mlflow: ModuleType, n: int, registered_model_name: str | None = None) -> ModelInfo:
    """Log ``AddN(n)`` as ``model`` in a new run and return its ModelInfo."""
    import heron.pyfunc

    with mlflow.start_run():
        return heron.pyfunc.log_model(
            name="model", python_model=AddN(n), registered_model_name=registered_model_name
        )


def added(model: Any) -> int:
    """The ``n`` a loaded AddN model adds."""
    return int(model.predict(DATA)["x"].tolist()[0]) - 1
