"""XGBoost autolog post-training metrics through a live ``heron server`` (REST store, proxied
artifacts): metrics on the run and its logged model, ``metric_info.json``, ``eval`` input."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

xgb = pytest.importorskip("xgboost")

import sklearn.metrics  # noqa: E402

import heron  # noqa: E402
import heron.xgboost  # noqa: E402
from fixtures.server import HeronServer  # noqa: E402
from heron import config  # noqa: E402
from heron.tracking import MlflowClient, session  # noqa: E402

pytestmark = pytest.mark.integration


@pytest.fixture
def remote(
    heron_server: HeronServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    """``heron`` logging to the session server, in a new experiment, autologging XGBoost."""
    monkeypatch.chdir(tmp_path)
    for name in ("TRACKING_URI", "EXPERIMENT_NAME", "EXPERIMENT_ID", "RUN_ID"):
        for env in config.ALL[name].env_names:
            monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("HERON_TRACKING_URI", heron_server.url)
    session.reset()
    heron.set_experiment(f"gbm-post-training-{uuid.uuid4().hex[:8]}")
    heron.xgboost.autolog()
    yield heron
    heron.xgboost.autolog(disable=True)
    while heron.active_run() is not None:
        heron.end_run()
    session.reset()


def test_xgboost_post_training_metrics_reach_the_server(remote: ModuleType) -> None:
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.random((80, 3)), columns=["a", "b", "c"])
    y = (x["a"] > 0.5).astype(int)
    x_train, y_train, X_test, y_test = x[:60], y[:60], x[60:], y[60:]
    with remote.start_run() as run:  # the user's run: fit logs into it, and so do metrics
        model = xgb.XGBClassifier(n_estimators=3, max_depth=2, n_jobs=1).fit(x_train, y_train)
    predicted = model.predict(X_test)
    recall = sklearn.metrics.recall_score(y_test, predicted)
    client = MlflowClient()
    logged = client.get_run(run.info.run_id)
    assert logged.data.metrics["recall_score_X_test"] == pytest.approx(recall)
    info = remote.artifacts.load_dict(f"runs:/{run.info.run_id}/metric_info.json")
    assert info == {"recall_score_X_test": "recall_score(y_true=y_test, y_pred=predicted)"}
    contexts = sorted(i.tags[0].value for i in logged.inputs.dataset_inputs)
    assert contexts == ["eval", "train"]
    model_id = logged.outputs.model_outputs[0].model_id
    assert "recall_score_X_test" in {m.key for m in client.get_logged_model(model_id).metrics}
