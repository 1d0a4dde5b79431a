"""XGBoost and LightGBM autologging: params, per-iteration metrics, early stopping, model."""

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
import heron.xgboost  # noqa: E402
from heron.tracking import MlflowClient  # noqa: E402


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, Any, pd.DataFrame, Any]:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((120, 3)), columns=["a", "b", "c"])
    y = (x["a"] + 0.2 * rng.random(120) > 0.6).astype(int)
    return x[:90], y[:90], x[90:], y[90:]


@pytest.fixture
def autologging(fluent: ModuleType) -> Iterator[ModuleType]:
    yield fluent
    heron.xgboost.autolog(disable=True)
    heron.lightgbm.autolog(disable=True)


def _history(run_id: str, key: str) -> list[tuple[int, float]]:
    return [(m.step, m.value) for m in MlflowClient().get_metric_history(run_id, key)]


def test_xgboost_train_logs_each_iteration_and_the_model(
    autologging: ModuleType, data: Any
) -> None:
    x, y, vx, vy = data
    heron.xgboost.autolog()
    dtrain, dvalid = xgb.DMatrix(x, y), xgb.DMatrix(vx, vy)
    params = {"objective": "binary:logistic", "max_depth": 2, "eval_metric": "logloss"}
    booster = xgb.train(params, dtrain, num_boost_round=8, evals=[(dvalid, "valid")])
    run = autologging.last_active_run()
    assert run.data.params["max_depth"] == "2"
    assert run.data.params["num_boost_round"] == "8"
    assert run.data.tags["mlflow.autologging"] == "xgboost"
    history = _history(run.info.run_id, "valid-logloss")
    assert [step for step, _ in history] == list(range(8))
    model = heron.xgboost.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(model.predict(xgb.DMatrix(vx)), booster.predict(xgb.DMatrix(vx)))
    artifacts = [f.path for f in MlflowClient().list_artifacts(run.info.run_id)]
    assert "feature_importance_weight.json" in artifacts


def test_xgboost_early_stopping_logs_the_best_iteration(autologging: ModuleType, data: Any) -> None:
    x, y, vx, vy = data
    heron.xgboost.autolog(log_models=False)
    dvalid = xgb.DMatrix(vx, vy)
    params = {"objective": "binary:logistic", "eta": 1.0, "max_depth": 6}
    booster = xgb.train(
        params, xgb.DMatrix(x, y), 200, evals=[(dvalid, "valid")], early_stopping_rounds=3
    )
    run = autologging.last_active_run()
    metrics = run.data.metrics
    assert metrics["best_iteration"] == booster.best_iteration
    stopped = int(metrics["stopped_iteration"])
    assert stopped < 199
    best_value = _history(run.info.run_id, "valid-logloss")[booster.best_iteration][1]
    assert _history(run.info.run_id, "valid-logloss")[-1] == (stopped + 1, best_value)
    assert "model" not in [f.path for f in MlflowClient().list_artifacts(run.info.run_id)]


def test_xgboost_sklearn_fit_is_logged_inside_the_users_run(
    autologging: ModuleType, data: Any
) -> None:
    x, y, vx, vy = data
    heron.xgboost.autolog()
    with autologging.start_run() as run:
        xgb.XGBClassifier(n_estimators=5).fit(x, y, eval_set=[(vx, vy)], verbose=False)
    assert len(_history(run.info.run_id, "validation_0-logloss")) == 5
    assert autologging.get_run(run.info.run_id).info.status == "FINISHED"


def test_lightgbm_train_logs_iterations_early_stopping_and_model(
    autologging: ModuleType, data: Any
) -> None:
    x, y, vx, vy = data
    heron.lightgbm.autolog()
    params = {
        "objective": "binary",
        "verbose": -1,
        "metric": "binary_logloss",
        "learning_rate": 0.5,
    }
    booster = lgb.train(
        params,
        lgb.Dataset(x, y),
        num_boost_round=100,
        valid_sets=[lgb.Dataset(vx, vy)],
        valid_names=["valid"],
        callbacks=[lgb.early_stopping(3, verbose=False)],
    )
    run = autologging.last_active_run()
    assert run.data.params["learning_rate"] == "0.5"
    history = _history(run.info.run_id, "valid-binary_logloss")
    assert run.data.metrics["best_iteration"] == booster.best_iteration
    assert history[-1] == (len(history) - 1, history[booster.best_iteration - 1][1])
    pyfunc_model = heron.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(pyfunc_model.predict(vx), booster.predict(vx))
    artifacts = [f.path for f in MlflowClient().list_artifacts(run.info.run_id)]
    assert {"feature_importance_split.json", "feature_importance_gain.json"} <= set(artifacts)


def test_disable_restores_plain_training(autologging: ModuleType, data: Any) -> None:
    x, y, _, _ = data
    heron.lightgbm.autolog()
    heron.lightgbm.autolog(disable=True)
    lgb.train({"objective": "binary", "verbose": -1}, lgb.Dataset(x, y), 3)
    assert autologging.last_active_run() is None
