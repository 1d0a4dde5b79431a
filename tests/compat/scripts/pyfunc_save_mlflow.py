"""Run by MLflow's python: save a PythonModel subclass defined in this script (pickled by
value, its MLflow base class by reference) with an artifact, for Heron to load.

Usage: pyfunc_save_mlflow.py <model dir>
Prints one JSON line: MLflow's own predictions on x = [1.0, 2.0].
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd


class AddFromArtifact(mlflow.pyfunc.PythonModel):
    """Adds the number stored in its artifact file."""

    def load_context(self, context: Any) -> None:
        self.n = float(Path(context.artifacts["n"]).read_text())

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
        return model_input + self.n


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        number = Path(scratch) / "n.txt"
        number.write_text("3")
        data = pd.DataFrame({"x": [1.0, 2.0]})
        mlflow.pyfunc.save_model(
            sys.argv[1], python_model=AddFromArtifact(), artifacts={"n": str(number)},
            input_example=data,
        )  # fmt: skip
    predictions = mlflow.pyfunc.load_model(sys.argv[1]).predict(data)
    print(json.dumps({"predictions": predictions["x"].tolist()}))


if __name__ == "__main__":
    main()
