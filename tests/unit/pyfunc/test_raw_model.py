"""PyFuncModel.get_raw_model gives the flavor's native model, as MLflow 3.17.2's does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import heron.pyfunc
import heron.sklearn
from heron.pyfunc.loading import PyFuncModel


class Doubler(heron.pyfunc.PythonModel):
    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input * 2


class _PredictOnly:
    def predict(self, model_input: Any, params: Any = None) -> Any:
        return model_input


def test_sklearn_gives_the_estimator(tmp_path: Path) -> None:
    linear_model = pytest.importorskip("sklearn.linear_model")
    estimator = linear_model.LinearRegression().fit([[0.0], [1.0]], [0.0, 2.0])
    heron.sklearn.save_model(estimator, tmp_path / "m")
    raw = heron.pyfunc.load_model(str(tmp_path / "m")).get_raw_model()
    assert type(raw) is linear_model.LinearRegression
    assert raw.predict([[2.0]])[0] == pytest.approx(4.0)


def test_python_model_gives_the_users_object(tmp_path: Path) -> None:
    heron.pyfunc.save_model(tmp_path / "m", python_model=Doubler())
    assert isinstance(heron.pyfunc.load_model(str(tmp_path / "m")).get_raw_model(), Doubler)


def test_a_loader_without_a_native_model_raises_as_mlflow(tmp_path: Path) -> None:
    heron.pyfunc.save_model(tmp_path / "m", python_model=Doubler())
    loaded = heron.pyfunc.load_model(str(tmp_path / "m"))
    bare = PyFuncModel(loaded.metadata, _PredictOnly())
    with pytest.raises(NotImplementedError, match="`get_raw_model` is not implemented"):
        bare.get_raw_model()
