"""XGBoost/LightGBM autolog post-training metrics: Heron logs what MLflow 3.17.2 logs.

``scripts/gbm_post_training.py`` runs the same user code with each library (MLflow in the
flavors virtualenv, which holds the same xgboost and lightgbm): ``mlflow.xgboost.autolog()``
with ``XGBClassifier``, ``mlflow.lightgbm.autolog()`` with ``LGBMRegressor``, and
``mlflow.autolog()`` with an ``XGBRegressor`` next to a scikit-learn ``LinearRegression``
(every flavor patches ``sklearn.metrics``: each metric is still logged once). Each run's
metric keys and values, ``metric_info.json``, dataset inputs and the metric keys of its
logged model must be equal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from processes import peer_venv, run_script
from test_flavor_models import FLAVOR_PACKAGES

pytestmark = pytest.mark.compat

pytest.importorskip("xgboost")
pytest.importorskip("lightgbm")

CASES = ("universal", "xgboost_classifier", "lightgbm_regressor")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``{"heron": report, "mlflow": report}`` of the script run by each library."""
    workdir = tmp_path_factory.mktemp("gbm-post-training")
    mlflow_python: Path = peer_venv("mlflow-flavors", FLAVOR_PACKAGES) / "bin" / "python"
    return {
        lib: run_script(python, "gbm_post_training.py", f"--lib={lib}", str(workdir))
        for lib, python in (("heron", sys.executable), ("mlflow", mlflow_python))
    }


@pytest.mark.parametrize("case", CASES)
def test_post_training_metrics_equal_mlflows(reports: dict[str, Any], case: str) -> None:
    heron_runs, mlflow_runs = reports["heron"][case], reports["mlflow"][case]
    assert len(heron_runs) == len(mlflow_runs)
    for heron_run, mlflow_run in zip(heron_runs, mlflow_runs, strict=True):
        assert sorted(heron_run["metrics"]) == sorted(mlflow_run["metrics"])
        assert heron_run["metrics"] == pytest.approx(mlflow_run["metrics"], rel=1e-9)
        assert heron_run["metric_info"] == mlflow_run["metric_info"]
        assert heron_run["inputs"] == mlflow_run["inputs"]
        assert heron_run["model_metrics"] == mlflow_run["model_metrics"]


def test_the_script_logged_post_training_metrics(reports: dict[str, Any]) -> None:
    """The comparison is not vacuous: MLflow's run holds the names the script aims at."""
    (xgb_run,) = reports["mlflow"]["xgboost_classifier"]
    assert {
        "accuracy_score_X_test",
        "accuracy_score-2_X_test",
        "accuracy_score-3_X_valid",
        "f1_score_X_test",
        "log_loss_X_valid",
        "XGBClassifier_score_X_test",
    } <= set(xgb_run["metrics"])
    assert "accuracy_score_X_test" in xgb_run["model_metrics"]
    (lgb_run,) = reports["mlflow"]["lightgbm_regressor"]
    assert "LGBMRegressor_score_X_test" in lgb_run["metrics"]
    assert sorted({entry[0] for entry in lgb_run["inputs"]}) == ["eval", "train"]
