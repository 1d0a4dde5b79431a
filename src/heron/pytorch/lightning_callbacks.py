"""The Lightning callbacks ``heron.pytorch.autolog`` adds to a ``Trainer``.

``MetricsCallback``: the ``Mode`` tag, ``epochs``/``optimizer_name``/optimizer defaults as
params at the start, ``trainer.callback_metrics`` every ``log_every_n_epoch`` epochs (step =
epoch) or every ``log_every_n_step`` steps (step = global step; metrics logged per step are
not logged per epoch), and the first ``forward`` call's input and output (for the model's
signature). ``CheckpointCallback``: MLflow's automatic checkpoints, as
``checkpoints/latest_checkpoint.pth`` (best only) or ``checkpoints/epoch_<n>/...``, each
with its metrics JSON, the latest path in the ``mlflow.latest_checkpoint_artifact`` tag.

Lightning ships as ``lightning.pytorch`` and as ``pytorch_lightning``; a trainer only runs callbacks
of its own package, so the classes are built per package (:func:`callback_classes`).
"""

from __future__ import annotations

import functools
import os
import tempfile
from typing import Any

from heron.autologging import MetricsBatcher, report_failure
from heron.exceptions import InvalidParameter

FLAVOR_NAME = "pytorch"
LATEST_CHECKPOINT_TAG = "mlflow.latest_checkpoint_artifact"
CHECKPOINT_DIR = "checkpoints"


def optimizer_params(trainer: Any) -> dict[str, Any]:
    """``epochs``, and the first optimizer's class name and defaults (MLflow's params)."""
    params: dict[str, Any] = {"epochs": trainer.max_epochs}
    optimizers = getattr(trainer, "optimizers", None) or []
    if optimizers:
        optimizer = optimizers[0]
        inner = getattr(optimizer, "_optimizer", optimizer)  # a LightningOptimizer wraps it
        params["optimizer_name"] = type(inner).__name__
        params.update(getattr(optimizer, "defaults", None) or {})
    return params


def checkpoint_paths(
    save_best_only: bool, save_weights_only: bool, save_freq: Any, epoch: int, step: int
) -> tuple[str, str, str]:
    """``(artifact directory, checkpoint file name, metrics file name)`` (MLflow's layout)."""
    weights = ".weights" if save_weights_only else ""
    if save_best_only:
        return CHECKPOINT_DIR, f"latest_checkpoint{weights}.pth", "latest_checkpoint_metrics.json"
    sub = f"epoch_{epoch}" if save_freq == "epoch" else f"global_step_{step}"
    return f"{CHECKPOINT_DIR}/{sub}", f"checkpoint{weights}.pth", "checkpoint_metrics.json"


class MetricsState:
    """What the metrics callback does, independent of Lightning's base class."""

    def __init__(
        self, batcher: MetricsBatcher, every_n_epoch: int, every_n_step: int | None, capture: bool
    ):
        self.batcher = batcher
        self.every_n_epoch = every_n_epoch
        self.every_n_step = every_n_step
        self.capture = capture
        self.step_metrics: set[str] = set()
        self.epoch_metrics: set[str] = set()
        self.steps_per_training_step = 1
        self.example: tuple[Any, Any] | None = None
        self._module: Any = None

    def _record(self, trainer: Any, step: int, items: list[tuple[str, Any]]) -> None:
        if trainer.sanity_checking:
            return
        self.batcher.record_metrics({name: float(value) for name, value in items}, step)

    def train_start(self, trainer: Any) -> None:
        from heron.tracking import session

        session.client().set_tag(self.batcher.run_id, "Mode", "training")
        self.steps_per_training_step = max(1, len(getattr(trainer, "optimizers", None) or []))
        self.batcher.record_params(optimizer_params(trainer))
        if self.capture:
            self._capture_first_forward(trainer.strategy.lightning_module)

    def _capture_first_forward(self, module: Any) -> None:
        import torch

        original = module.forward

        @functools.wraps(original)
        def forward(*inputs: Any, **kwargs: Any) -> Any:
            result = original(*inputs, **kwargs)
            if self.example is None:
                tensors = len(inputs) == 1 and not kwargs and isinstance(inputs[0], torch.Tensor)
                if tensors and isinstance(result, torch.Tensor):  # one tensor in, one out
                    self.example = (inputs[0].detach(), result.detach())
                self.stop_capture()
            return result

        module.forward = forward
        self._module = module

    def stop_capture(self) -> None:
        """Restore the module's own ``forward``."""
        if self._module is not None and "forward" in vars(self._module):
            del self._module.forward
        self._module = None

    def epoch_end(self, trainer: Any, module: Any) -> None:
        items = [(n, v) for n, v in trainer.callback_metrics.items() if n not in self.step_metrics]
        self.epoch_metrics.update(name for name, _ in items)
        if (module.current_epoch + 1) % self.every_n_epoch == 0:
            self._record(trainer, module.current_epoch, items)

    def batch_end(self, trainer: Any) -> None:
        if not self.every_n_step:
            return
        metrics = trainer.callback_metrics
        items = [
            (n, v)
            for n, v in metrics.items()
            if n not in self.epoch_metrics and f"{n}_step" not in metrics
        ]
        self.step_metrics.update(name for name, _ in items)
        step = trainer.global_step
        if ((step // self.steps_per_training_step) + 1) % self.every_n_step == 0:
            self._record(trainer, step, items)

    def test_end(self, trainer: Any) -> None:
        from heron.tracking import session

        session.client().set_tag(self.batcher.run_id, "Mode", "testing")
        self.batcher.record_metrics({k: float(v) for k, v in trainer.callback_metrics.items()})
        self.batcher.flush()


def _safely(method: Any) -> Any:
    """A callback hook whose failure is an autologging warning, never a training failure."""

    @functools.wraps(method)
    def hook(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            method(self, *args, **kwargs)
        except Exception as error:
            report_failure(FLAVOR_NAME, f"the Lightning callback's {method.__name__}", error)

    return hook


class CheckpointState:
    """MLflow's automatic checkpointing, independent of Lightning's base class.

    Raises:
        InvalidParameter: ``save_best_only`` without a ``monitor`` or with a bad ``mode``.
    """

    def __init__(
        self, run_id: str, monitor: str, mode: str, best_only: bool, weights_only: bool, freq: Any
    ):
        if best_only and monitor is None:
            raise InvalidParameter(
                "If checkpoint 'save_best_only' config is set to True, you need to set "
                "'monitor' config as well."
            )
        if best_only and mode not in ("min", "max"):
            raise InvalidParameter(
                "If checkpoint 'save_best_only' config is set to True, you need to set 'mode' "
                "config and available modes includes 'min' and 'max', but you set 'mode' to "
                f"'{mode}'."
            )
        self.run_id, self.monitor, self.mode = run_id, monitor, mode
        self.best_only, self.weights_only, self.freq = best_only, weights_only, freq
        self.last_value: float | None = None

    def _better(self, value: float) -> bool:
        if self.last_value is None:
            return True
        return value < self.last_value if self.mode == "min" else value > self.last_value

    def maybe_save(self, trainer: Any) -> None:
        import logging

        from heron.tracking import session

        metrics = {k: float(v) for k, v in trainer.callback_metrics.items()}
        if self.best_only:
            if self.monitor not in metrics:
                logging.getLogger("heron.pytorch").warning(
                    "Checkpoint logging is skipped, because checkpoint 'save_best_only' config "
                    "is True, it requires to compare the monitored metric value, but the "
                    "provided monitored metric value is not available."
                )
                return
            if not self._better(metrics[self.monitor]):
                return
            self.last_value = metrics[self.monitor]
        epoch, step = trainer.current_epoch, trainer.global_step
        directory, name, metrics_name = checkpoint_paths(
            self.best_only, self.weights_only, self.freq, epoch, step
        )
        client = session.client()
        client.set_tag(self.run_id, LATEST_CHECKPOINT_TAG, f"{directory}/{name}")
        client.log_dict(
            self.run_id,
            {**metrics, "epoch": epoch, "global_step": step},
            f"{directory}/{metrics_name}",
        )
        with tempfile.TemporaryDirectory(prefix="heron-checkpoint-") as temp:
            path = os.path.join(temp, name)
            checkpoint = trainer._checkpoint_connector.dump_checkpoint(self.weights_only)
            trainer.strategy.save_checkpoint(checkpoint, path)
            client.log_artifact(self.run_id, path, directory)


@functools.cache
def callback_classes(package: str) -> tuple[type, type]:
    """``(MetricsCallback, CheckpointCallback)`` subclassing ``<package>``'s ``Callback``
    (``package`` is ``lightning.pytorch`` or ``pytorch_lightning``)."""
    import importlib

    base = importlib.import_module(package).Callback

    class MetricsCallback(base):  # type: ignore[misc, valid-type]
        def __init__(self, metrics: MetricsState):
            self.metrics = metrics

        @_safely
        def on_train_start(self, trainer: Any, pl_module: Any) -> None:
            self.metrics.train_start(trainer)

        @_safely
        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            self.metrics.epoch_end(trainer, pl_module)

        @_safely
        def on_train_batch_end(self, trainer: Any, pl_module: Any, *args: Any) -> None:
            self.metrics.batch_end(trainer)

        @_safely
        def on_train_end(self, trainer: Any, pl_module: Any) -> None:
            self.metrics.batcher.flush()

        @_safely
        def on_test_end(self, trainer: Any, pl_module: Any) -> None:
            self.metrics.test_end(trainer)

    class CheckpointCallback(base):  # type: ignore[misc, valid-type]
        def __init__(self, checkpoints: CheckpointState):
            self.checkpoints = checkpoints

        @_safely
        def on_train_batch_end(self, trainer: Any, pl_module: Any, *args: Any) -> None:
            freq = self.checkpoints.freq
            step = trainer.global_step
            if isinstance(freq, int) and step > 0 and step % freq == 0:
                self.checkpoints.maybe_save(trainer)

        @_safely
        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            if self.checkpoints.freq == "epoch":
                self.checkpoints.maybe_save(trainer)

    return MetricsCallback, CheckpointCallback


def metrics_callback(package: str, metrics: MetricsState) -> Any:
    """A metrics callback for a trainer of ``package``."""
    return callback_classes(package)[0](metrics)


def checkpoint_callback(package: str, checkpoints: CheckpointState) -> Any:
    """A checkpoint callback for a trainer of ``package``."""
    return callback_classes(package)[1](checkpoints)
