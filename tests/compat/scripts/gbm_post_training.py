"""One script, run by Heron and by the real MLflow: XGBoost/LightGBM autolog post-training metrics.

Usage: python gbm_post_training.py --lib=heron|mlflow <workdir>

Each case enables one autolog, fits a small scikit-learn API estimator, then predicts and
calls ``sklearn.metrics`` functions and ``model.score`` on test data held in variables of
known names. Prints one JSON line: ``{case: [{"metrics": {key: value}, "metric_info": {...},
"inputs": [[context, digest, name, source type], ...], "model_metrics": [key, ...]}]}``, one
entry per run the case made (``model_metrics``: the keys of its logged models' metrics).
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

LIB = sys.argv[1].split("=", 1)[1]
WORKDIR = Path(sys.argv[2])
if LIB == "heron":
    import heron as mlflow
    import heron.lightgbm
    import heron.sklearn
    import heron.xgboost  # noqa: F401
else:
    import mlflow  # type: ignore[no-redef]
    import mlflow.lightgbm
    import mlflow.sklearn
    import mlflow.xgboost

import lightgbm as lgb  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn import metrics  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402


def _data() -> tuple[pd.DataFrame, Any, pd.DataFrame, Any, pd.DataFrame, Any]:
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.random((160, 4)), columns=["a", "b", "c", "d"])
    y = (x["a"] + 0.3 * rng.random(160) > 0.65).astype(int)
    return x[:100], y[:100], x[100:130], y[100:130], x[130:], y[130:]


def _report(run_id: str) -> dict[str, Any]:
    client = mlflow.MlflowClient()
    run = client.get_run(run_id)
    try:
        info = mlflow.artifacts.load_dict(f"runs:/{run_id}/metric_info.json")
    except Exception:
        info = None
    inputs = sorted(
        [
            next(t.value for t in d.tags if t.key == "mlflow.data.context"),
            d.dataset.digest,
            d.dataset.name,
            d.dataset.source_type,
        ]
        for d in run.inputs.dataset_inputs
    )
    outputs = run.outputs.model_outputs if run.outputs else []
    model_metrics = sorted(
        m.key for o in outputs for m in client.get_logged_model(o.model_id).metrics or []
    )
    return {
        "metrics": dict(run.data.metrics),
        "metric_info": info,
        "inputs": inputs,
        "model_metrics": model_metrics,
    }


def xgboost_classifier() -> list[str]:
    x_train, y_train, X_test, y_test, X_valid, y_valid = _data()
    mlflow.xgboost.autolog()
    model = xgb.XGBClassifier(n_estimators=4, max_depth=2, n_jobs=1)
    model.fit(x_train, y_train)
    from sklearn.metrics import accuracy_score  # imported after autolog: the patched one

    y_pred = model.predict(X_test)
    accuracy_score(y_test, y_pred)
    metrics.f1_score(y_test, y_pred)
    accuracy_score(y_test, y_pred)
    model.score(X_test, y_test)
    proba = model.predict_proba(X_valid)
    metrics.log_loss(y_valid, proba)
    metrics.roc_auc_score(y_valid, proba[:, 1])  # a new array: not a known prediction
    valid_pred = model.predict(X_valid)
    accuracy_score(y_true=y_valid, y_pred=valid_pred)
    mlflow.xgboost.autolog(disable=True)
    return [mlflow.last_active_run().info.run_id]


def lightgbm_regressor() -> list[str]:
    x_train, _, X_test, _, _, _ = _data()
    target = x_train["b"] * 2.0
    mlflow.lightgbm.autolog(log_models=False)
    model = lgb.LGBMRegressor(n_estimators=4, num_leaves=4, min_child_samples=5, verbose=-1)
    model.fit(x_train, target)
    predictions = model.predict(X_test)
    metrics.r2_score(X_test["b"] * 2.0, predictions)
    metrics.mean_squared_error(X_test["b"] * 2.0, predictions)
    model.score(X_test, X_test["b"] * 2.0)
    mlflow.lightgbm.autolog(disable=True)
    return [mlflow.last_active_run().info.run_id]


def universal() -> list[str]:
    x_train, y_train, X_test, y_test, _, _ = _data()
    mlflow.autolog(log_models=False)
    booster = xgb.XGBRegressor(n_estimators=3, max_depth=2, n_jobs=1)
    booster.fit(x_train, y_train)
    first = mlflow.last_active_run().info.run_id
    linear = LinearRegression().fit(x_train, y_train)
    second = mlflow.last_active_run().info.run_id
    metrics.r2_score(y_test, booster.predict(X_test))
    metrics.r2_score(y_test, linear.predict(X_test))
    booster.score(X_test, y_test)
    mlflow.autolog(disable=True)
    return [first, second]


def main() -> None:
    mlflow.set_tracking_uri(f"sqlite:///{WORKDIR}/{LIB}.db")
    report = {}
    for case in (universal, xgboost_classifier, lightgbm_regressor):
        mlflow.set_experiment(case.__name__)
        report[case.__name__] = [_report(run_id) for run_id in case()]
    print(json.dumps(report))


if __name__ == "__main__":
    main()
