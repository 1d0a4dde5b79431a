"""Post-training metrics of XGBoost/LightGBM scikit-learn API estimators on a SQLite store.

``heron.xgboost.autolog()`` / ``heron.lightgbm.autolog()`` patch the estimators' prediction
and ``score`` methods and ``sklearn.metrics`` as MLflow's ``_autolog(flavor_name=...)`` does;
the names are compared with real MLflow's in tests/compat/test_gbm_post_training_peers.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

xgb = pytest.importorskip("xgboost")
lgb = pytest.importorskip("lightgbm")

import sklearn.metrics  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import heron.lightgbm  # noqa: E402
import heron.sklearn  # noqa: E402
import heron.xgboost  # noqa: E402
from heron.autologging import is_patched  # noqa: E402
from heron.flavors.sklearn_api_autolog import lightgbm_estimators  # noqa: E402
from heron.tracking import MlflowClient  # noqa: E402


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, Any, pd.DataFrame, Any]:
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((90, 3)), columns=["a", "b", "c"])
    y = (x["a"] + 0.2 * rng.random(90) > 0.6).astype(int)
    return x[:60], y[:60], x[60:], y[60:]


@pytest.fixture
def autologging(fluent: ModuleType) -> Iterator[ModuleType]:
    yield fluent
    heron.xgboost.autolog(disable=True)
    heron.lightgbm.autolog(disable=True)
    heron.sklearn.autolog(disable=True)


def _metrics(run_id: str) -> dict[str, float]:
    return dict(MlflowClient().get_run(run_id).data.metrics)


def _post_training(run_id: str) -> list[str]:
    return sorted(k for k in _metrics(run_id) if k.endswith(("_X_test", "_X_other")))


def test_xgboost_estimator_logs_metric_calls_and_score(
    autologging: ModuleType, data: Any, tmp_path: Path
) -> None:
    x_train, y_train, X_test, y_test = data
    heron.xgboost.autolog()
    model = xgb.XGBClassifier(n_estimators=3, max_depth=2, n_jobs=1).fit(x_train, y_train)
    run_id = autologging.last_active_run().info.run_id
    y_pred = model.predict(X_test)
    accuracy = sklearn.metrics.accuracy_score(y_test, y_pred)
    sklearn.metrics.accuracy_score(y_test, y_pred)
    score = model.score(X_test, y_test)
    metrics = _metrics(run_id)
    assert metrics["accuracy_score_X_test"] == pytest.approx(accuracy)
    assert "accuracy_score-2_X_test" in metrics
    assert metrics["XGBClassifier_score_X_test"] == pytest.approx(score)
    # score() calls predict and accuracy_score itself: neither is logged on its own.
    assert _post_training(run_id) == [
        "XGBClassifier_score_X_test",
        "accuracy_score-2_X_test",
        "accuracy_score_X_test",
    ]
    info = json.loads(
        Path(
            MlflowClient().download_artifacts(run_id, "metric_info.json", str(tmp_path))
        ).read_text()
    )
    assert info["accuracy_score_X_test"] == "accuracy_score(y_true=y_test, y_pred=y_pred)"
    assert info["XGBClassifier_score_X_test"] == "XGBClassifier.score(X=X_test, y=y_test)"
    model_id = MlflowClient().get_run(run_id).outputs.model_outputs[0].model_id
    logged = MlflowClient().get_logged_model(model_id)
    assert "accuracy_score_X_test" in {m.key for m in logged.metrics or []}


def test_lightgbm_estimator_logs_without_a_logged_model(autologging: ModuleType, data: Any) -> None:
    x_train, y_train, X_test, y_test = data
    heron.lightgbm.autolog(log_models=False, log_datasets=False)
    model = lgb.LGBMRegressor(n_estimators=3, num_leaves=4, min_child_samples=5, verbose=-1)
    model.fit(x_train, y_train.astype(float))
    run_id = autologging.last_active_run().info.run_id
    X_other = X_test.copy()
    sklearn.metrics.r2_score(y_test, model.predict(X_test))
    sklearn.metrics.mean_absolute_error(y_test, model.predict(X_other))
    model.score(X_test, y_test)
    assert _post_training(run_id) == [
        "LGBMRegressor_score_X_test",
        "mean_absolute_error_X_other",
        "r2_score_X_test",
    ]
    contexts = [i.tags[0].value for i in MlflowClient().get_run(run_id).inputs.dataset_inputs]
    assert "eval" not in contexts  # log_datasets=False


def test_lgbm_model_base_class_is_patched_as_mlflow_does() -> None:
    assert {c.__name__ for c in lightgbm_estimators()} >= {
        "LGBMModel",
        "LGBMClassifier",
        "LGBMRegressor",
        "LGBMRanker",
    }


def test_two_flavors_patching_metrics_log_once_and_revert_in_any_order(
    autologging: ModuleType, data: Any
) -> None:
    x_train, y_train, X_test, y_test = data
    heron.sklearn.autolog(log_models=False)
    heron.xgboost.autolog(log_models=False)
    linear = LinearRegression().fit(x_train, y_train)
    linear_run = autologging.last_active_run().info.run_id
    sklearn.metrics.r2_score(y_test, linear.predict(X_test))
    assert _post_training(linear_run) == ["r2_score_X_test"]
    heron.sklearn.autolog(disable=True)  # the outer xgboost patch of r2_score must survive
    booster = xgb.XGBRegressor(n_estimators=2, max_depth=2, n_jobs=1).fit(x_train, y_train)
    booster_run = autologging.last_active_run().info.run_id
    sklearn.metrics.r2_score(y_test, booster.predict(X_test))
    assert _post_training(booster_run) == ["r2_score_X_test"]
    heron.xgboost.autolog(disable=True)
    assert not is_patched(sklearn.metrics, "r2_score")
    assert not is_patched(xgb.XGBRegressor, "predict")


def test_estimator_inside_an_autologged_pipeline_logs_to_the_pipeline(
    autologging: ModuleType, data: Any
) -> None:
    x_train, y_train, X_test, y_test = data
    heron.sklearn.autolog(log_models=False)
    heron.xgboost.autolog(log_models=False)
    step = xgb.XGBClassifier(n_estimators=2, max_depth=2, n_jobs=1)
    pipeline = Pipeline([("scale", StandardScaler()), ("xgb", step)]).fit(x_train, y_train)
    run_id = autologging.last_active_run().info.run_id
    sklearn.metrics.f1_score(y_test, pipeline.predict(X_test))
    assert _post_training(run_id) == ["f1_score_X_test"]
    assert not hasattr(step, "_mlflow_run_id")


def test_cross_validation_fits_log_nothing(autologging: ModuleType, data: Any) -> None:
    from sklearn import model_selection

    x_train, y_train, _, _ = data
    heron.sklearn.autolog()
    heron.xgboost.autolog()
    booster = xgb.XGBClassifier(n_estimators=2, max_depth=2, n_jobs=1)
    scores = model_selection.cross_val_score(booster, x_train, y_train, cv=2)
    model_selection.cross_validate(LinearRegression(), x_train, y_train, cv=2)
    assert len(scores) == 2
    assert autologging.search_runs(search_all_experiments=True).empty
    booster.fit(x_train, y_train)  # autologging is back on after them
    assert len(autologging.search_runs(search_all_experiments=True)) == 1
