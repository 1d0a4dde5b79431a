"""Keras autologging: fit's params, optimizer config, per-epoch metrics, summary, model."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import heron.keras  # noqa: E402
import heron.pyfunc  # noqa: E402
from heron.exceptions import InvalidParameter  # noqa: E402
from heron.tracking import MlflowClient  # noqa: E402


@pytest.fixture
def autologging(fluent: ModuleType) -> Iterator[ModuleType]:
    yield fluent
    heron.keras.autolog(disable=True)


def _model() -> object:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def test_fit_logs_epochs_params_summary_and_model(autologging: ModuleType) -> None:
    heron.keras.autolog()
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 3), dtype=np.float32), rng.random((32, 1), dtype=np.float32)
    model = _model()
    model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)  # type: ignore[attr-defined]
    run = autologging.last_active_run()
    client = MlflowClient()
    assert run.data.params["epochs"] == "3"
    assert run.data.params["batch_size"] == "8"
    assert float(run.data.params["optimizer_learning_rate"]) == pytest.approx(0.01)
    for key in ("loss", "val_loss"):
        assert [m.step for m in client.get_metric_history(run.info.run_id, key)] == [0, 1, 2]
    artifacts = {f.path for f in client.list_artifacts(run.info.run_id)}
    assert "model_summary.txt" in artifacts
    # MLflow 3.x: the model is the run's logged-model output, its files only there.
    [output] = client.get_run(run.info.run_id).outputs.model_outputs
    assert client.get_logged_model(output.model_id).name == "model"
    loaded = heron.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(loaded.predict(x), model.predict(x, verbose=0), rtol=1e-5)  # type: ignore[attr-defined]


def test_options_are_checked() -> None:
    with pytest.raises(InvalidParameter, match="log_every_n_steps"):
        heron.keras.autolog(log_every_epoch=True, log_every_n_steps=2)
