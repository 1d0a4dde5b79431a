"""heron.sklearn.autolog: what one fit logs, searches, post-training metrics, failures."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

import heron.sklearn
from heron.exceptions import InvalidParameter


@pytest.fixture(scope="module")
def regression() -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    """Diabetes data split in train and test frames."""
    x, y = load_diabetes(return_X_y=True, as_frame=True)
    return x[:300], y[:300], x[300:], y[300:]


@pytest.fixture
def autolog(fluent: ModuleType) -> Iterator[ModuleType]:
    """Autologging on for the test, off after it."""
    heron.sklearn.autolog()
    yield fluent
    heron.sklearn.autolog(disable=True)


def _run(heron_module: ModuleType) -> Any:
    last = heron_module.last_active_run()
    return heron_module.get_run(last.info.run_id)


def test_fit_logs_params_metrics_dataset_and_model(autolog: ModuleType, regression: Any) -> None:
    x_train, y_train, _, _ = regression
    model = LinearRegression().fit(x_train, y_train)
    run = _run(autolog)
    assert run.info.status == "FINISHED"
    assert run.data.params["fit_intercept"] == "True"
    assert run.data.tags["estimator_name"] == "LinearRegression"
    assert run.data.tags["mlflow.autologging"] == "sklearn"
    predicted = model.predict(x_train)
    mse = sklearn.metrics.mean_squared_error(y_train, predicted)
    assert run.data.metrics["training_mean_squared_error"] == pytest.approx(mse, rel=1e-12)
    assert run.data.metrics["training_root_mean_squared_error"] == pytest.approx(mse**0.5)
    assert run.data.metrics["training_score"] == pytest.approx(model.score(x_train, y_train))
    (dataset_input,) = run.inputs.dataset_inputs
    assert dataset_input.context == "train"
    assert dataset_input.dataset.digest == heron.data.from_pandas(x_train).digest
    loaded = heron.sklearn.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(loaded.predict(x_train), predicted)
    client = autolog.MlflowClient()
    assert "estimator.html" in {f.path for f in client.list_artifacts(run.info.run_id)}
    [output] = run.outputs.model_outputs  # MLflow 3.x: the model is a logged-model output
    assert client.get_logged_model(output.model_id).name == "model"


def test_post_training_metrics_are_named_after_the_dataset(
    autolog: ModuleType, regression: Any
) -> None:
    x_train, y_train, X_test, y_test = regression
    model = LinearRegression().fit(x_train, y_train)
    predictions = model.predict(X_test)
    first = sklearn.metrics.r2_score(y_test, predictions)
    sklearn.metrics.r2_score(y_test, predictions)
    score = model.score(X_test, y_test)
    run = _run(autolog)
    metrics = run.data.metrics
    contexts = sorted(i.context for i in run.inputs.dataset_inputs)
    assert contexts == ["eval", "train"]
    assert metrics["r2_score_X_test"] == pytest.approx(first)
    assert "r2_score-2_X_test" in metrics
    assert metrics["LinearRegression_score_X_test"] == pytest.approx(score)


def test_user_run_is_used_and_left_open(autolog: ModuleType, regression: Any) -> None:
    x_train, y_train, _, _ = regression
    with autolog.start_run() as run:
        LinearRegression().fit(x_train, y_train)
        assert autolog.active_run().info.run_id == run.info.run_id
    logged = autolog.get_run(run.info.run_id)
    assert "training_r2_score" in logged.data.metrics


def test_grid_search_parent_and_child_runs(fluent: ModuleType, regression: Any) -> None:
    x_train, y_train, _, _ = regression
    heron.sklearn.autolog(max_tuning_runs=3, log_models=False)
    try:
        grid = {"max_depth": [1, 2, 3, 4], "min_samples_leaf": [1, 5]}
        search = GridSearchCV(DecisionTreeRegressor(random_state=0), grid, cv=3).fit(
            x_train, y_train
        )
    finally:
        heron.sklearn.autolog(disable=True)
    parent = _run(fluent)
    assert parent.data.params["best_max_depth"] == str(search.best_params_["max_depth"])
    assert parent.data.metrics["best_cv_score"] == pytest.approx(search.best_score_)
    children = fluent.search_runs(
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'", output_format="list"
    )
    assert sorted(c.data.metrics["rank_test_score"] for c in children) == [1.0, 2.0, 3.0]
    assert all(c.data.params["random_state"] == "0" for c in children)
    names = {f.path for f in fluent.MlflowClient().list_artifacts(parent.info.run_id)}
    assert "cv_results.csv" in names
    assert parent.outputs.model_outputs == ()  # log_models=False


def test_classifier_metrics_and_plots(autolog: ModuleType) -> None:
    x, y = load_iris(return_X_y=True)
    binary = y > 0
    LogisticRegression(max_iter=300).fit(x, binary)
    run = _run(autolog)
    assert {"training_accuracy_score", "training_log_loss", "training_roc_auc"} <= set(
        run.data.metrics
    )
    names = {f.path for f in autolog.MlflowClient().list_artifacts(run.info.run_id)}
    assert {"training_confusion_matrix.png", "training_roc_curve.png"} <= names


def test_pipeline_logs_one_run(autolog: ModuleType, regression: Any) -> None:
    x_train, y_train, _, _ = regression
    Pipeline([("scale", StandardScaler()), ("lr", LinearRegression())]).fit(x_train, y_train)
    runs = autolog.search_runs(output_format="list", search_all_experiments=True)
    assert len(runs) == 1
    assert runs[0].data.tags["estimator_name"] == "Pipeline"
    assert "lr__fit_intercept" in runs[0].data.params


class _BadRepr(BaseEstimator, TransformerMixin):
    def fit(self, x: Any, y: Any = None) -> _BadRepr:
        return self

    def transform(self, x: Any) -> Any:
        return x

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        raise RuntimeError("cannot describe myself")


def test_logging_failure_never_breaks_fit(autolog: ModuleType, regression: Any) -> None:
    x_train, y_train, _, _ = regression
    pipeline = Pipeline([("bad", _BadRepr()), ("lr", LinearRegression())])
    with pytest.warns(UserWarning, match="cannot describe myself"):
        assert pipeline.fit(x_train, y_train) is pipeline
    assert hasattr(pipeline.steps[1][1], "coef_")


def test_disable_and_bad_option(fluent: ModuleType, regression: Any) -> None:
    x_train, y_train, _, _ = regression
    with pytest.raises(InvalidParameter, match="max_tuning_runs"):
        heron.sklearn.autolog(max_tuning_runs=-1)
    heron.sklearn.autolog(disable=True)
    LinearRegression().fit(x_train, y_train)
    assert fluent.search_runs(output_format="list", search_all_experiments=True) == []


def test_universal_autolog_before_import(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import json, sys
        import heron
        heron.set_tracking_uri("sqlite:///{tmp_path}/u.db")
        heron.autolog(log_models=False, extra_tags={{"team": "a"}})
        assert "sklearn" not in sys.modules
        from sklearn.linear_model import LinearRegression
        LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
        run = heron.get_run(heron.last_active_run().info.run_id)
        print(json.dumps([run.data.tags.get("team"), sorted(run.data.metrics)]))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    team, metrics = json.loads(out.stdout.strip().splitlines()[-1])
    assert team == "a"
    assert "training_r2_score" in metrics


def test_concurrent_fits_get_their_own_runs(autolog: ModuleType, regression: Any) -> None:
    import threading

    x_train, y_train, _, _ = regression
    errors: list[BaseException] = []

    def fit(alpha: float) -> None:
        from sklearn.linear_model import Ridge

        try:
            Ridge(alpha=alpha).fit(x_train, y_train)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=fit, args=(float(i + 1),)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    runs = autolog.search_runs(output_format="list", search_all_experiments=True)
    assert sorted(r.data.params["alpha"] for r in runs) == ["1.0", "2.0", "3.0", "4.0"]
    assert {r.info.status for r in runs} == {"FINISHED"}


def test_registered_model_pos_label_and_input_example(fluent: ModuleType) -> None:
    x, y = load_iris(return_X_y=True, as_frame=True)
    binary = (y == 2).astype(int)
    heron.sklearn.autolog(registered_model_name="iris-binary", pos_label=1, log_input_examples=True)
    try:
        model = LogisticRegression(max_iter=300).fit(x, binary)
    finally:
        heron.sklearn.autolog(disable=True)
    run = _run(fluent)
    expected = sklearn.metrics.precision_score(binary, model.predict(x), pos_label=1)
    assert run.data.metrics["training_precision_score"] == pytest.approx(expected)
    (version,) = fluent.search_model_versions(filter_string="name = 'iris-binary'")
    assert version.run_id == run.info.run_id
    model_dir = Path(
        heron.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="model")
    )
    assert (model_dir / "input_example.json").exists()
