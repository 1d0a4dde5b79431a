"""PyTorch Lightning autologging (heron.pytorch.autolog): params, per-epoch and per-step
metrics, early stopping, checkpoints and load_checkpoint, the model with its signature.
A tiny MLP on CPU, 2-4 epochs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

torch = pytest.importorskip("torch")
L = pytest.importorskip("lightning")

import heron.pytorch  # noqa: E402
from heron.exceptions import InvalidParameter  # noqa: E402
from heron.models import Model  # noqa: E402
from heron.tracking import MlflowClient  # noqa: E402


class TinyModule(L.LightningModule):  # type: ignore[misc, name-defined]
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(3, 1)

    def forward(self, x: Any) -> Any:
        return self.layer(x)

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss, on_step=True, on_epoch=True)
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self(x), y))

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.1)


def _loaders() -> tuple[Any, Any]:
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(32, 3, generator=generator)
    data = torch.utils.data.TensorDataset(x, x.sum(dim=1, keepdim=True))
    loader = torch.utils.data.DataLoader(data, batch_size=8)
    return loader, torch.utils.data.DataLoader(data, batch_size=16)


def _trainer(tmp_path: Path, epochs: int, **extra: Any) -> Any:
    return L.Trainer(
        max_epochs=epochs,
        default_root_dir=str(tmp_path),
        accelerator="cpu",
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        **extra,
    )


@pytest.fixture
def autologging(fluent: ModuleType) -> Iterator[ModuleType]:
    torch.manual_seed(0)
    yield fluent
    heron.pytorch.autolog(disable=True)


def _history(run_id: str, key: str) -> list[int]:
    return [m.step for m in MlflowClient().get_metric_history(run_id, key)]


def test_fit_logs_params_metrics_checkpoint_and_model(
    autologging: ModuleType, tmp_path: Path
) -> None:
    heron.pytorch.autolog(log_every_n_step=2)
    train, valid = _loaders()
    module = TinyModule()
    _trainer(tmp_path, 2).fit(module, train, valid)
    run = autologging.last_active_run()
    assert run.data.params["epochs"] == "2"
    assert run.data.params["optimizer_name"] == "SGD"
    assert run.data.params["lr"] == "0.1"
    assert run.data.tags["Mode"] == "training"
    assert run.data.tags["mlflow.autologging"] == "pytorch"
    assert _history(run.info.run_id, "val_loss") == [0, 1]
    assert _history(run.info.run_id, "train_loss_epoch") == [0, 1]
    assert _history(run.info.run_id, "train_loss_step") == [1, 3, 5, 7]  # 4 steps an epoch
    client = MlflowClient()
    artifacts = {f.path for f in client.list_artifacts(run.info.run_id)}
    assert "model_summary.txt" in artifacts
    checkpoints = {f.path for f in client.list_artifacts(run.info.run_id, "checkpoints")}
    assert checkpoints == {
        "checkpoints/latest_checkpoint.pth",
        "checkpoints/latest_checkpoint_metrics.json",
    }
    assert run.data.tags["mlflow.latest_checkpoint_artifact"] == (
        "checkpoints/latest_checkpoint.pth"
    )
    saved = json.loads(
        Path(
            client.download_artifacts(run.info.run_id, "checkpoints/latest_checkpoint_metrics.json")
        ).read_text()
    )
    assert saved["epoch"] in (0, 1)
    assert "val_loss" in saved
    model_info = Model.load(f"runs:/{run.info.run_id}/model")
    assert model_info.signature.inputs.to_dict() == [
        {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}
    ]
    assert len(client.get_run(run.info.run_id).outputs.model_outputs) == 1
    loaded = heron.pytorch.load_model(f"runs:/{run.info.run_id}/model")
    x = torch.rand(4, 3)
    torch.testing.assert_close(loaded(x), module(x))
    restored = heron.pytorch.load_checkpoint(TinyModule, run.info.run_id)
    assert isinstance(restored, TinyModule)
    assert module.forward.__func__ is TinyModule.forward  # the capture patch is gone


def test_early_stopping_and_per_epoch_checkpoints(autologging: ModuleType, tmp_path: Path) -> None:
    heron.pytorch.autolog(log_models=False, checkpoint_save_best_only=False, log_every_n_epoch=2)
    train, valid = _loaders()
    stop = L.pytorch.callbacks.EarlyStopping("val_loss", patience=1, mode="max")
    _trainer(tmp_path, 4, callbacks=[stop]).fit(TinyModule(), train, valid)
    run = autologging.last_active_run()
    assert run.data.params["monitor"] == "val_loss"
    assert run.data.params["patience"] == "1"
    assert run.data.metrics["stopped_epoch"] == stop.stopped_epoch > 0
    assert run.data.metrics["restored_epoch"] == stop.stopped_epoch - 1
    assert _history(run.info.run_id, "val_loss") == [1]  # every 2nd epoch only
    client = MlflowClient()
    epochs = {f.path for f in client.list_artifacts(run.info.run_id, "checkpoints")}
    assert {"checkpoints/epoch_0", "checkpoints/epoch_1"} <= epochs
    assert not client.get_run(run.info.run_id).outputs.model_outputs  # log_models=False
    restored = heron.pytorch.load_checkpoint(TinyModule, run.info.run_id, epoch=0)
    assert isinstance(restored, TinyModule)
    with pytest.raises(InvalidParameter, match="Only one of"):
        heron.pytorch.load_checkpoint(TinyModule, run.info.run_id, epoch=0, global_step=1)


def test_bad_options_are_refused(autologging: ModuleType) -> None:
    with pytest.raises(InvalidParameter, match="log_every_n_epoch"):
        heron.pytorch.autolog(log_every_n_epoch=0)
    with pytest.raises(InvalidParameter, match="checkpoint_save_freq"):
        heron.pytorch.autolog(checkpoint_save_freq="daily")


def test_universal_autolog_enables_lightning(autologging: ModuleType, tmp_path: Path) -> None:
    from heron.autologging import config

    with config._lock:  # forget earlier tests' explicit heron.pytorch.autolog calls: they win
        config._configs.pop("pytorch", None)
    autologging.autolog(log_models=False, exclusive=True)
    try:
        train, _ = _loaders()
        with autologging.start_run() as run:  # the user's run: exclusive leaves it alone
            _trainer(tmp_path, 1).fit(TinyModule(), train)
        assert "epochs" not in autologging.get_run(run.info.run_id).data.params
        _trainer(tmp_path, 1).fit(TinyModule(), train)
        logged = autologging.last_active_run()
        assert logged.data.params["epochs"] == "1"
        assert not MlflowClient().get_run(logged.info.run_id).outputs.model_outputs
    finally:
        autologging.autolog(disable=True)
