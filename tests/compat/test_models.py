"""sklearn models cross the libraries both ways: MLflow 3.17.2 saves, Heron loads, and back.

The MLflow side is ``scripts/models_mlflow.py`` run with the MLflow virtualenv's python; the
data set travels as a JSON file, so both sides fit and predict the very same numbers.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from processes import run_script
from sklearn.linear_model import LogisticRegression

import heron.pyfunc
import heron.sklearn
from heron.models import infer_signature
from heron.models.model import Model

pytestmark = pytest.mark.compat

FORMATS = ("pickle", "cloudpickle", "skops")


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 rows of 3 named float columns and a 0/1 label, as JSON."""
    rng = random.Random(0)
    x = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(30)]
    data = {"columns": ["a", "b", "c"], "x": x, "y": [int(a + b > 0) for a, b, _ in x]}
    path = tmp_path_factory.mktemp("models-data") / "data.json"
    path.write_text(json.dumps(data))
    return path


def _frame(data_file: Path) -> tuple[pd.DataFrame, list[int]]:
    data = json.loads(data_file.read_text())
    return pd.DataFrame(data["x"], columns=data["columns"]), data["y"]


def _example(path: Path) -> dict[str, Any] | None:
    model = Model.load(path)
    example = model.load_input_example(str(path))
    return None if example is None else example.to_dict(orient="split")


@pytest.fixture(scope="module")
def saved_by_mlflow(
    mlflow_venv: Path, data_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """Models saved by MLflow in each format, and what MLflow reported about them."""
    out = tmp_path_factory.mktemp("saved-by-mlflow")
    return out, run_script(mlflow_venv, "models_mlflow.py", "save", str(data_file), str(out))


@pytest.mark.parametrize("fmt", FORMATS)
def test_mlflow_model_loads_in_heron(
    saved_by_mlflow: tuple[Path, dict[str, Any]], data_file: Path, fmt: str
) -> None:
    out, reported = saved_by_mlflow
    x, _ = _frame(data_file)
    path = out / fmt
    assert Model.load(path).flavors["sklearn"]["serialization_format"] == fmt
    sk_model = heron.sklearn.load_model(str(path))
    assert sk_model.predict(x).tolist() == reported["predictions"]
    np.testing.assert_allclose(sk_model.predict_proba(x), reported["probabilities"])
    pyfunc_model = heron.pyfunc.load_model(str(path))
    assert pd.Series(pyfunc_model.predict(x)).tolist() == reported["predictions"]
    # Signature and input example read by Heron are what MLflow wrote.
    assert Model.load(path).signature.to_dict() == reported[fmt]["signature"]  # type: ignore[union-attr]
    assert _example(path) == reported[fmt]["input_example"]


@pytest.fixture(scope="module")
def saved_by_heron(
    data_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Path], LogisticRegression]:
    """Models saved by Heron in each format, plus one whose pyfunc predicts probabilities."""
    x, y = _frame(data_file)
    model = LogisticRegression().fit(x, y)
    signature = infer_signature(x, model.predict(x))
    out = tmp_path_factory.mktemp("saved-by-heron")
    paths = {}
    for fmt in FORMATS:
        paths[fmt] = out / fmt
        heron.sklearn.save_model(
            model, paths[fmt], serialization_format=fmt, signature=signature, input_example=x[:3]
        )
    paths["proba"] = out / "proba"
    heron.sklearn.save_model(model, paths["proba"], pyfunc_predict_fn="predict_proba")
    return paths, model


def test_heron_models_load_in_mlflow(
    mlflow_venv: Path,
    data_file: Path,
    saved_by_heron: tuple[dict[str, Path], LogisticRegression],
) -> None:
    paths, model = saved_by_heron
    x, _ = _frame(data_file)
    reported = run_script(
        mlflow_venv, "models_mlflow.py", "load", str(data_file), *map(str, paths.values())
    )
    for fmt in FORMATS:
        seen = reported[str(paths[fmt])]
        assert seen["sklearn"] == model.predict(x).tolist(), fmt
        assert seen["pyfunc"] == model.predict(x).tolist(), fmt
        assert seen["signature"] == Model.load(paths[fmt]).signature.to_dict()  # type: ignore[union-attr]
        assert seen["input_example"] == _example(paths[fmt])
        assert seen["example_info"] == Model.load(paths[fmt]).saved_input_example_info
    proba = reported[str(paths["proba"])]
    np.testing.assert_allclose(proba["pyfunc"], model.predict_proba(x))
