"""heron.evaluate, heron.data digests and sklearn autolog metrics equal MLflow 3.17.2's.

One MLflow process evaluates the models Heron saved on the CSVs Heron wrote; Heron does the
same in this process; every metric must agree to 1e-9 relative, every digest exactly.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from processes import run_script
from sklearn.datasets import load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression

import heron
import heron.sklearn
from heron import config
from heron.tracking import session

pytestmark = pytest.mark.compat


def _cases(workdir: Path) -> list[dict[str, Any]]:
    rng = np.random.default_rng(7)
    features = pd.DataFrame(rng.normal(size=(2000, 5)), columns=[f"x{i}" for i in range(5)])
    regression = features.assign(y=features.sum(axis=1) * 3 + rng.normal(size=2000) + 10)
    iris_x, iris_y = load_iris(return_X_y=True, as_frame=True)
    binary = iris_x.assign(label=(iris_y == 2).astype(int))
    multiclass = iris_x.assign(label=iris_y)
    cases = []
    for name, frame, target, model_type, estimator in (
        ("regression", regression, "y", "regressor", LinearRegression()),
        ("binary", binary, "label", "classifier", LogisticRegression(max_iter=500)),
        ("multiclass", multiclass, "label", "classifier", LogisticRegression(max_iter=500)),
    ):
        csv = workdir / f"{name}.csv"
        frame.to_csv(csv, index=False)
        written = pd.read_csv(csv)  # both sides read the same bytes
        estimator.fit(written.drop(columns=[target]), written[target])
        model_dir = workdir / f"{name}-model"
        heron.sklearn.save_model(estimator, model_dir, serialization_format="cloudpickle")
        cases.append(
            {
                "name": name,
                "csv": str(csv),
                "model": str(model_dir),
                "targets": target,
                "model_type": model_type,
            }
        )
    (workdir / "cases.json").write_text(json.dumps(cases))
    return cases


@pytest.fixture
def fluent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``heron`` on a new SQLite store."""
    monkeypatch.chdir(tmp_path)
    for name in ("TRACKING_URI", "EXPERIMENT_NAME", "EXPERIMENT_ID", "RUN_ID"):
        for env in config.ALL[name].env_names:
            monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("HERON_TRACKING_URI", f"sqlite:///{tmp_path / 'heron.db'}")
    session.reset()
    return heron


def _assert_close(ours: dict[str, float], theirs: dict[str, float]) -> None:
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        assert ours[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key


def test_metrics_and_digests_equal_mlflow(
    fluent: ModuleType, tmp_path: Path, mlflow_venv: Path
) -> None:
    cases = _cases(tmp_path)
    theirs = run_script(mlflow_venv, "mlflow_evaluation.py", str(tmp_path))
    for case in cases:
        frame = pd.read_csv(case["csv"])
        assert heron.data.from_pandas(frame).digest == theirs["digests"][case["name"]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fluent.evaluate(
                f"file://{case['model']}",
                frame,
                targets=case["targets"],
                model_type=case["model_type"],
            )
        ours = {k: float(v) for k, v in result.metrics.items()}
        _assert_close(ours, theirs["evaluate"][case["name"]])
        assert sorted(result.artifacts) == theirs["artifacts"][case["name"]]
        tag = fluent.get_run(result.run_id).data.tags["mlflow.datasets"]
        assert json.loads(tag) == json.loads(theirs["datasets_tags"][case["name"]])
    first = pd.read_csv(cases[0]["csv"])
    features = first.drop(columns=[cases[0]["targets"]]).to_numpy()
    targets = first[cases[0]["targets"]].to_numpy()
    assert heron.data.from_numpy(features, targets=targets).digest == theirs["numpy_digest"]
    classes = pd.read_csv(cases[-1]["csv"])
    heron.sklearn.autolog(log_models=False)
    try:
        LogisticRegression(max_iter=500).fit(classes.drop(columns=["label"]), classes["label"])
    finally:
        heron.sklearn.autolog(disable=True)
    run = fluent.get_run(fluent.last_active_run().info.run_id)
    _assert_close(run.data.metrics, theirs["autolog"])
    assert run.inputs.dataset_inputs[0].dataset.digest == theirs["autolog_digest"]
