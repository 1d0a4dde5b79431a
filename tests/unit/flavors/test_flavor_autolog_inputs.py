"""XGBoost and LightGBM autolog: signatures, input examples and datasets of Booster training,
and the scikit-learn API estimators (XGBClassifier, LGBMRegressor) logged as themselves,
once, also when scikit-learn autolog is on."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

xgb = pytest.importorskip("xgboost")
lgb = pytest.importorskip("lightgbm")

import heron.lightgbm  # noqa: E402
import heron.pyfunc  # noqa: E402
import heron.sklearn  # noqa: E402
import heron.xgboost  # noqa: E402
from heron.models import Model  # noqa: E402
from heron.tracking import MlflowClient  # noqa: E402


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, Any, pd.DataFrame, Any]:
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((80, 3)), columns=["a", "b", "c"])
    y = (x["a"] > 0.5).astype(int)
    return x[:60], y[:60], x[60:], y[60:]


@pytest.fixture
def autologging(fluent: ModuleType) -> Iterator[ModuleType]:
    yield fluent
    heron.xgboost.autolog(disable=True)
    heron.lightgbm.autolog(disable=True)
    heron.sklearn.autolog(disable=True)


def _model(run_id: str) -> Model:
    return Model.load(f"runs:/{run_id}/model")


def _inputs(fluent: ModuleType, run_id: str) -> dict[str, tuple[str, str]]:
    """dataset name -> (context, digest)."""
    found = {}
    for item in fluent.get_run(run_id).inputs.dataset_inputs:
        context = {t.key: t.value for t in item.tags}["mlflow.data.context"]
        found[item.dataset.name] = (context, item.dataset.digest)
    return found


def test_xgboost_train_logs_signature_example_and_datasets(
    autologging: ModuleType, data: Any
) -> None:
    x, y, vx, vy = data
    heron.xgboost.autolog(log_input_examples=True)
    dtrain, dvalid = xgb.DMatrix(x, y), xgb.DMatrix(vx, vy)
    xgb.train({"max_depth": 2}, dtrain, 3, evals=[(dvalid, "valid")])
    run_id = autologging.last_active_run().info.run_id
    model = _model(run_id)
    assert model.signature is not None
    assert model.signature.inputs.input_names() == ["a", "b", "c"]
    example = pd.read_json(
        MlflowClient().download_artifacts(run_id, "model/input_example.json"), orient="split"
    )
    assert len(example) == 5
    inputs = _inputs(autologging, run_id)
    train = heron.data.from_numpy(dtrain.get_data().toarray())
    assert inputs["dataset"] == ("train", train.digest)
    assert inputs["valid"][0] == "eval"
    artifacts = {f.path for f in MlflowClient().list_artifacts(run_id)}
    assert {"feature_importance_weight.json", "feature_importance_weight.png"} <= artifacts


def test_xgboost_options_turn_parts_off(autologging: ModuleType, data: Any) -> None:
    x, y, _, _ = data
    heron.xgboost.autolog(log_model_signatures=False, log_datasets=False)
    xgb.train({"max_depth": 2}, xgb.DMatrix(x, y), 2)
    run_id = autologging.last_active_run().info.run_id
    assert _model(run_id).signature is None
    assert _model(run_id).saved_input_example_info is None
    assert _inputs(autologging, run_id) == {}


def test_xgboost_sklearn_api_logs_the_estimator(autologging: ModuleType, data: Any) -> None:
    x, y, vx, vy = data
    heron.xgboost.autolog()
    classifier = xgb.XGBClassifier(n_estimators=4, max_depth=2)
    classifier.fit(x, y, eval_set=[(vx, vy)], verbose=False)
    run = autologging.last_active_run()
    assert run.data.tags["mlflow.autologging"] == "xgboost"
    assert run.data.params["max_depth"] == "2"
    history = MlflowClient().get_metric_history(run.info.run_id, "validation_0-logloss")
    assert len(history) == 4
    loaded = heron.xgboost.load_model(f"runs:/{run.info.run_id}/model")
    assert isinstance(loaded, xgb.XGBClassifier)  # the estimator, not its Booster
    np.testing.assert_array_equal(loaded.predict(vx), classifier.predict(vx))
    assert _model(run.info.run_id).signature is not None
    assert {c for c, _ in _inputs(autologging, run.info.run_id).values()} == {"train", "eval"}
    assert len(autologging.search_runs(output_format="list")) == 1


def test_lightgbm_train_and_sklearn_api(autologging: ModuleType, data: Any) -> None:
    x, y, vx, vy = data
    heron.lightgbm.autolog()
    lgb.train(
        {"objective": "binary", "verbose": -1},
        lgb.Dataset(x, y),
        3,
        valid_sets=[lgb.Dataset(vx, vy)],
        valid_names=["valid"],
    )
    run_id = autologging.last_active_run().info.run_id
    assert _model(run_id).signature.inputs.input_names() == ["a", "b", "c"]
    train = heron.data.from_pandas(x)
    assert _inputs(autologging, run_id) == {
        "dataset": ("train", train.digest),
        "valid": ("eval", heron.data.from_pandas(vx).digest),
    }
    artifacts = {f.path for f in MlflowClient().list_artifacts(run_id)}
    assert {"feature_importance_split.png", "feature_importance_gain.png"} <= artifacts
    regressor = lgb.LGBMRegressor(n_estimators=3, verbose=-1).fit(x, x["a"] * 2)
    run_id = autologging.last_active_run().info.run_id
    loaded = heron.lightgbm.load_model(f"runs:/{run_id}/model")
    assert isinstance(loaded, lgb.LGBMRegressor)
    np.testing.assert_allclose(loaded.predict(vx), regressor.predict(vx))


def test_estimator_inside_an_autologged_pipeline_is_logged_once(
    autologging: ModuleType, data: Any
) -> None:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y, _, _ = data
    heron.sklearn.autolog(log_models=False)
    heron.xgboost.autolog()
    heron.lightgbm.autolog()
    make_pipeline(StandardScaler(), xgb.XGBClassifier(n_estimators=2)).fit(x, y)
    runs = autologging.search_runs(output_format="list")
    assert [r.data.tags["mlflow.autologging"] for r in runs] == ["sklearn"]
    assert not any(k.startswith("validation") for k in runs[0].data.metrics)
    assert not MlflowClient().get_run(runs[0].info.run_id).outputs.model_outputs
    lgb.LGBMClassifier(n_estimators=2, verbose=-1).fit(x, y)  # alone: its own run
    assert autologging.last_active_run().data.tags["mlflow.autologging"] == "lightgbm"
