"""``heron.pytorch.autolog``: MLflow's PyTorch Lightning autologging for ``Trainer.fit``.

A ``fit`` (of ``lightning.Trainer`` or ``pytorch_lightning.Trainer``) logs ``epochs`` and the
optimizer's name and defaults as params, ``trainer.callback_metrics`` per epoch (or per
step), the ``EarlyStopping`` configuration (params) and outcome (``stopped_epoch``,
``restored_epoch``, ``best_score``, ``wait_count``), checkpoints (see
:mod:`heron.pytorch.lightning_callbacks`), ``model_summary.txt`` and, at the end, the model
(pickled whole, as MLflow does) with a signature from the first training batch;
``restored_model_checkpoint/`` holds the best checkpoint when early stopping ran.
:func:`load_checkpoint` reads a logged checkpoint back.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import tempfile
from typing import Any

from heron.autologging import (
    MetricsBatcher,
    autologging_integration,
    get_autologging_config,
    report_failure,
    safe_patch,
)
from heron.exceptions import InvalidParameter
from heron.pytorch import lightning_callbacks as callbacks

FLAVOR_NAME = "pytorch"
PACKAGES = ("lightning.pytorch", "pytorch_lightning")
"""Lightning 2's package and the older standalone one; each has its own Trainer."""
EARLY_STOP_PARAMS = ("monitor", "mode", "patience", "min_delta", "stopped_epoch")

_logger = logging.getLogger(__name__)


@autologging_integration(FLAVOR_NAME)
def autolog(
    log_every_n_epoch: int = 1,
    log_every_n_step: int | None = None,
    log_models: bool = True,
    log_datasets: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    registered_model_name: str | None = None,
    extra_tags: dict[str, str] | None = None,
    checkpoint: bool = True,
    checkpoint_monitor: str = "val_loss",
    checkpoint_mode: str = "min",
    checkpoint_save_best_only: bool = True,
    checkpoint_save_weights_only: bool = False,
    checkpoint_save_freq: str | int = "epoch",
    log_model_signatures: bool = True,
) -> None:
    """Enable (or disable) and configure autologging from PyTorch Lightning (MLflow's options).

    Args:
        log_every_n_epoch: Log the epoch metrics every ``n`` epochs.
        log_every_n_step: Also log step metrics every ``n`` training steps (None: never).
        log_models: Log the trained ``LightningModule`` as ``model``.
        log_datasets: Accepted for MLflow compatibility (Lightning data are not logged).
        disable: Disable Lightning autologging.
        exclusive: Do not log into runs started by the user.
        disable_for_unsupported_versions: Skip versions MLflow has not tested.
        silent: No autologging warnings.
        registered_model_name: Register each logged model under this name.
        extra_tags: Tags of the runs autologging starts.
        checkpoint: Log checkpoints while training.
        checkpoint_monitor: The metric that decides the best checkpoint.
        checkpoint_mode: ``min`` or ``max``: which way the monitored metric improves.
        checkpoint_save_best_only: Keep only the best checkpoint (``latest_checkpoint.pth``).
        checkpoint_save_weights_only: Checkpoint the weights only (no optimizer states).
        checkpoint_save_freq: ``"epoch"``, or a number of training steps.
        log_model_signatures: Infer the model's signature from the first training batch.

    Raises:
        InvalidParameter: ``log_every_n_epoch`` below 1, a bad ``checkpoint_save_freq``.
    """
    if not isinstance(log_every_n_epoch, int) or log_every_n_epoch < 1:
        raise InvalidParameter(f"log_every_n_epoch must be an integer >= 1: {log_every_n_epoch}")
    if checkpoint_save_freq != "epoch" and not (
        isinstance(checkpoint_save_freq, int) and checkpoint_save_freq > 0
    ):
        raise InvalidParameter(
            f"checkpoint_save_freq must be 'epoch' or a positive integer: {checkpoint_save_freq!r}"
        )
    for package in PACKAGES:
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        patch = functools.partial(_patched_fit, package)
        safe_patch(FLAVOR_NAME, module.Trainer, "fit", patch, manage_run=True)


def _option(key: str, default: Any) -> Any:
    return get_autologging_config(FLAVOR_NAME, key, default)


def _early_stopping(package: str, trainer: Any) -> Any:
    early_stopping = importlib.import_module(f"{package}.callbacks").EarlyStopping
    return next((c for c in trainer.callbacks if isinstance(c, early_stopping)), None)


def _add_callbacks(package: str, trainer: Any, batcher: MetricsBatcher) -> Any:
    log_models = _option("log_models", True)
    metrics = callbacks.MetricsState(
        batcher,
        _option("log_every_n_epoch", 1),
        _option("log_every_n_step", None),
        capture=log_models and _option("log_model_signatures", True),
    )
    added = [callbacks.metrics_callback(package, metrics)]
    if _option("checkpoint", True):
        state = callbacks.CheckpointState(
            batcher.run_id,
            _option("checkpoint_monitor", "val_loss"),
            _option("checkpoint_mode", "min"),
            _option("checkpoint_save_best_only", True),
            _option("checkpoint_save_weights_only", False),
            _option("checkpoint_save_freq", "epoch"),
        )
        added.append(callbacks.checkpoint_callback(package, state))
    trainer.callbacks.extend(added)
    return metrics, added


def _patched_fit(package: str, original: Any, trainer: Any, *args: Any, **kwargs: Any) -> Any:
    import heron

    run_id = heron.active_run().info.run_id  # type: ignore[union-attr]
    batcher = MetricsBatcher(run_id, FLAVOR_NAME)
    early_stop = _early_stopping(package, trainer)
    if early_stop is not None:
        batcher.record_params(
            {p: getattr(early_stop, p) for p in EARLY_STOP_PARAMS if hasattr(early_stop, p)}
        )
    metrics, added = _add_callbacks(package, trainer, batcher)
    try:
        result = original(trainer, *args, **kwargs)
    finally:
        metrics.stop_capture()
        for callback in added:
            trainer.callbacks.remove(callback)
        batcher.flush()
    if early_stop is not None and early_stop.stopped_epoch:
        batcher.record_metrics(_early_stop_metrics(early_stop))
        batcher.flush()
    _log_summary(package, run_id, trainer.lightning_module)
    if _option("log_models", True):
        _log_model(run_id, trainer, metrics, early_stop is not None)
    return result


def _early_stop_metrics(early_stop: Any) -> dict[str, float]:
    values = {
        "stopped_epoch": early_stop.stopped_epoch,
        "restored_epoch": early_stop.stopped_epoch - max(1, early_stop.patience),
    }
    if hasattr(early_stop, "best_score"):
        values["best_score"] = float(early_stop.best_score)
    if hasattr(early_stop, "wait_count"):
        values["wait_count"] = early_stop.wait_count
    return values


def _log_summary(package: str, run_id: str, module: Any) -> None:
    from heron.tracking import session

    try:
        summary = importlib.import_module(f"{package}.utilities.model_summary")
        text = str(summary.ModelSummary(module, max_depth=-1))
        session.client().log_text(run_id, text, "model_summary.txt")
    except Exception as error:
        report_failure(FLAVOR_NAME, "logging the model summary failed", error)


def _signature(metrics: callbacks.MetricsState) -> Any:
    from heron.models.signature import infer_signature

    if metrics.example is None:
        return None
    inputs, outputs = metrics.example
    try:
        return infer_signature(inputs.cpu().numpy(), outputs.cpu().numpy())
    except Exception as error:
        _logger.warning(
            "Inferring model signature failed, skip logging signature. You need to manually "
            "log the model with a provided signature after training. root cause: %r.",
            error,
        )
        return None


def _log_model(
    run_id: str, trainer: Any, metrics: callbacks.MetricsState, early_stopped: bool
) -> None:
    from heron import pytorch
    from heron.tracking import session

    signature = _signature(metrics)
    pytorch.log_model(
        trainer.lightning_module,
        name="model",
        signature=signature if signature is not None else False,
        registered_model_name=_option("registered_model_name", None),
        serialization_format="pickle",
    )
    best = getattr(trainer.checkpoint_callback, "best_model_path", None)
    if early_stopped and best:
        session.client().log_artifact(run_id, best, "restored_model_checkpoint")


def load_checkpoint(
    model_class: Any,
    run_id: str | None = None,
    epoch: int | None = None,
    global_step: int | None = None,
    kwargs: dict[str, Any] | None = None,
) -> Any:
    """A ``LightningModule`` loaded from a checkpoint autologging logged.

    Args:
        model_class: The ``LightningModule`` subclass to load.
        run_id: The run (the active run when None).
        epoch: The checkpoint of this epoch (``checkpoint_save_freq="epoch"`` and
            ``checkpoint_save_best_only=False``); the latest when None.
        global_step: The checkpoint of this training step (integer ``checkpoint_save_freq``).
        kwargs: Passed to ``model_class.load_from_checkpoint``.

    Raises:
        InvalidParameter: No run, both ``epoch`` and ``global_step``, or no checkpoint.
    """
    import posixpath

    from heron.tracking import session
    from heron.tracking.fluent import active_run

    if epoch is not None and global_step is not None:
        raise InvalidParameter(
            "Only one of 'epoch' and 'global_step' can be set for 'load_checkpoint'."
        )
    if run_id is None:
        run = active_run()
        if run is None:
            raise InvalidParameter(
                "There is no active run, please provide the 'run_id' argument for "
                "'load_checkpoint' invocation."
            )
        run_id = run.info.run_id
    client = session.client()
    latest = client.get_run(run_id).data.tags.get(callbacks.LATEST_CHECKPOINT_TAG)
    if latest is None:
        raise InvalidParameter("There is no logged checkpoint artifact in the current run.")
    name = posixpath.basename(latest)
    if global_step is not None:
        path = f"{callbacks.CHECKPOINT_DIR}/global_step_{global_step}/{name}"
    elif epoch is not None:
        path = f"{callbacks.CHECKPOINT_DIR}/epoch_{epoch}/{name}"
    else:
        path = latest
    with tempfile.TemporaryDirectory(prefix="heron-checkpoint-") as temp:
        local = client.download_artifacts(run_id, path, temp)
        return model_class.load_from_checkpoint(os.path.abspath(local), **(kwargs or {}))
