"""Keras autologging: the model's tensor signature and the numpy training and validation
data as dataset inputs (MLflow's log_model_signatures / log_datasets)."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import heron.data  # noqa: E402
import heron.keras  # noqa: E402
from heron.models import Model  # noqa: E402


@pytest.fixture
def autologging(fluent: ModuleType) -> Iterator[ModuleType]:
    yield fluent
    heron.keras.autolog(disable=True)


def _model() -> Any:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_signature_and_datasets(autologging: ModuleType) -> None:
    heron.keras.autolog()
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 3), dtype=np.float32), rng.random((16, 2), dtype=np.float32)
    vx, vy = x[:4], y[:4]
    _model().fit(x, y, epochs=1, batch_size=8, validation_data=(vx, vy), verbose=0)
    run = autologging.last_active_run()
    signature = Model.load(f"runs:/{run.info.run_id}/model").signature
    assert signature.inputs.to_dict() == [
        {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}
    ]
    assert signature.outputs.to_dict() == [
        {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}
    ]
    inputs = {
        {t.key: t.value for t in i.tags}["mlflow.data.context"]: i.dataset.digest
        for i in run.inputs.dataset_inputs
    }
    assert inputs == {
        "train": heron.data.from_numpy(x, targets=y).digest,
        "eval": heron.data.from_numpy(vx, targets=vy).digest,
    }


def test_options_off(autologging: ModuleType) -> None:
    heron.keras.autolog(log_model_signatures=False, log_datasets=False)
    x = np.zeros((4, 3), dtype=np.float32)
    _model().fit(x, np.zeros((4, 2), dtype=np.float32), epochs=1, verbose=0)
    run = autologging.last_active_run()
    assert Model.load(f"runs:/{run.info.run_id}/model").signature is None
    assert not run.inputs.dataset_inputs
