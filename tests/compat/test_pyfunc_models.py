"""A PythonModel saved by Heron (with artifacts, signature, example) loads in MLflow 3.17.2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from processes import run_script

import heron.pyfunc
from heron.models import infer_signature
from heron.pyfunc import PythonModel, PythonModelContext

pytestmark = pytest.mark.compat


class AddFromArtifact(PythonModel):
    """Adds the number stored in its artifact file."""

    def load_context(self, context: PythonModelContext) -> None:
        with open(context.artifacts["n"]) as source:
            self.n = float(source.read())

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input + self.n


def test_heron_python_model_loads_in_mlflow(mlflow_venv: Path, tmp_path: Path) -> None:
    (tmp_path / "n.txt").write_text("3")
    data = pd.DataFrame({"x": [1.0, 2.0], "y": [0.5, 0.25]})
    path = tmp_path / "model"
    heron.pyfunc.save_model(
        path,
        python_model=AddFromArtifact(),
        artifacts={"n": str(tmp_path / "n.txt")},
        signature=infer_signature(data, data),
        input_example=data,
    )
    frame = json.dumps({"columns": ["y", "x"], "data": [[1.0, 10.0]]})  # reordered by MLflow
    result = run_script(mlflow_venv, "pyfunc_load_mlflow.py", str(path), frame)
    assert result["predictions"] == {"x": [13.0], "y": [4.0]}
    assert result["example"] == data.to_dict("list")
    assert result["inputs"] == [
        {"type": "double", "name": "x", "required": True},
        {"type": "double", "name": "y", "required": True},
    ]


def add_one(model_input: pd.DataFrame) -> pd.DataFrame:
    return model_input + 1


def test_heron_function_model_loads_in_mlflow(mlflow_venv: Path, tmp_path: Path) -> None:
    data = pd.DataFrame({"x": [1.0], "y": [2.0]})
    path = tmp_path / "model"
    # No signature given: inferred from the example, as MLflow does.
    heron.pyfunc.save_model(path, python_model=add_one, input_example=data)
    result = run_script(
        mlflow_venv, "pyfunc_load_mlflow.py", str(path), data.to_json(orient="split", index=False)
    )
    assert result["predictions"] == {"x": [2.0], "y": [3.0]}


def test_mlflow_python_model_loads_in_heron(mlflow_venv: Path, tmp_path: Path) -> None:
    """MLflow pickles its PythonModel base class (and type-hint cache) by reference: Heron
    loads the model without MLflow installed."""
    path = tmp_path / "model"
    reported = run_script(mlflow_venv, "pyfunc_save_mlflow.py", str(path))
    model = heron.pyfunc.load_model(str(path))
    assert model.predict(pd.DataFrame({"x": [1.0, 2.0]}))["x"].tolist() == reported["predictions"]
    assert reported["predictions"] == [4.0, 5.0]
