"""heron.xgboost and heron.lightgbm: native formats, Booster and sklearn-API models, pyfunc."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

xgb = pytest.importorskip("xgboost")
lgb = pytest.importorskip("lightgbm")

import heron.lightgbm  # noqa: E402
import heron.pyfunc  # noqa: E402
import heron.xgboost  # noqa: E402
from heron.exceptions import InvalidParameter  # noqa: E402


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((80, 4)), columns=["a", "b", "c", "d"])
    return x, (x["a"] + x["b"] > 1).astype(int).to_numpy()


def _flavors(path: Path) -> dict[str, Any]:
    return yaml.safe_load((path / "MLmodel").read_text())["flavors"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("model_format", ["ubj", "json"])
def test_xgboost_booster_round_trip(tmp_path: Path, data: Any, model_format: str) -> None:
    x, y = data
    booster = xgb.train({"objective": "binary:logistic"}, xgb.DMatrix(x, y), 10)
    heron.xgboost.save_model(
        booster, tmp_path / "m", model_format=model_format, input_example=x[:3]
    )
    conf = _flavors(tmp_path / "m")["xgboost"]
    assert conf["data"] == f"model.{model_format}"
    assert conf["model_class"] == "xgboost.core.Booster"
    assert conf["model_format"] == model_format
    assert conf["xgb_version"] == xgb.__version__
    expected = booster.predict(xgb.DMatrix(x))
    loaded = heron.xgboost.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(loaded.predict(xgb.DMatrix(x)), expected)
    np.testing.assert_allclose(heron.pyfunc.load_model(str(tmp_path / "m")).predict(x), expected)
    lines = (tmp_path / "m" / "requirements.txt").read_text().split()
    assert f"xgboost-cpu=={xgb.__version__}" in lines or f"xgboost=={xgb.__version__}" in lines


def test_xgboost_sklearn_model_keeps_its_class(tmp_path: Path, data: Any) -> None:
    x, y = data
    clf = xgb.XGBClassifier(n_estimators=10).fit(x, y)
    heron.xgboost.save_model(clf, tmp_path / "m")
    assert _flavors(tmp_path / "m")["xgboost"]["model_class"] == "xgboost.sklearn.XGBClassifier"
    loaded = heron.xgboost.load_model(str(tmp_path / "m"))
    assert isinstance(loaded, xgb.XGBClassifier)
    np.testing.assert_allclose(loaded.predict_proba(x), clf.predict_proba(x))
    wrapper = heron.pyfunc.load_model(str(tmp_path / "m")).get_raw_model()
    np.testing.assert_allclose(wrapper.predict_proba(x), clf.predict_proba(x))
    with pytest.raises(InvalidParameter, match="model_format"):
        heron.xgboost.save_model(clf, tmp_path / "n", model_format="pickle")
    with pytest.raises(InvalidParameter, match="XGBoost"):
        heron.xgboost.save_model(object(), tmp_path / "o")


def test_xgboost_refuses_foreign_model_class(tmp_path: Path, data: Any) -> None:
    x, y = data
    heron.xgboost.save_model(xgb.XGBRegressor(n_estimators=2).fit(x, y), tmp_path / "m")
    mlmodel = tmp_path / "m" / "MLmodel"
    mlmodel.write_text(mlmodel.read_text().replace("xgboost.sklearn.XGBRegressor", "os.system"))
    with pytest.raises(InvalidParameter, match="not an XGBoost class"):
        heron.xgboost.load_model(str(tmp_path / "m"))


def test_lightgbm_booster_text_format(tmp_path: Path, data: Any) -> None:
    x, y = data
    booster = lgb.train({"objective": "binary", "verbose": -1}, lgb.Dataset(x, y), 10)
    heron.lightgbm.save_model(booster, tmp_path / "m", input_example=x[:2])
    conf = _flavors(tmp_path / "m")["lightgbm"]
    assert conf["data"] == "model.lgb"
    assert conf["model_class"] == "lightgbm.basic.Booster"
    assert (tmp_path / "m" / "model.lgb").read_text().startswith("tree")
    np.testing.assert_allclose(
        heron.pyfunc.load_model(str(tmp_path / "m")).predict(x), booster.predict(x)
    )


@pytest.mark.parametrize("fmt", ["skops", "cloudpickle", "pickle"])
def test_lightgbm_sklearn_model_formats(tmp_path: Path, data: Any, fmt: str) -> None:
    x, y = data
    clf = lgb.LGBMClassifier(n_estimators=10, verbose=-1).fit(x, y)
    heron.lightgbm.save_model(clf, tmp_path / "m", serialization_format=fmt)
    conf = _flavors(tmp_path / "m")["lightgbm"]
    assert conf["serialization_format"] == fmt
    assert conf["model_class"] == "lightgbm.sklearn.LGBMClassifier"
    loaded = heron.lightgbm.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(loaded.predict_proba(x), clf.predict_proba(x))
    np.testing.assert_array_equal(
        heron.pyfunc.load_model(str(tmp_path / "m")).predict(x), clf.predict(x)
    )


def test_booster_log_model_registers(fluent: ModuleType, data: Any) -> None:
    x, y = data
    booster = lgb.train({"objective": "binary", "verbose": -1}, lgb.Dataset(x, y), 5)
    with fluent.start_run():
        info = heron.lightgbm.log_model(booster, name="gbm", registered_model_name="gbm")
    assert info.registered_model_version == 1
    np.testing.assert_allclose(
        heron.pyfunc.load_model("models:/gbm/1").predict(x), booster.predict(x)
    )
