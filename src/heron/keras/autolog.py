"""``heron.keras.autolog``: MLflow's Keras 3 autologging for ``keras.Model.fit``.

A ``fit`` logs its arguments (``epochs``, ``batch_size``...) and the optimizer's configuration
(``optimizer_<key>``) as params, the model summary (``model_summary.txt``), the ``logs`` of
every epoch (or every ``log_every_n_steps`` batches) as metrics, the numpy training and
validation data as dataset inputs, and the model with its tensor signature at the end.
"""

from __future__ import annotations

import logging
from typing import Any

from heron.autologging import (
    MetricsBatcher,
    autologging_integration,
    get_autologging_config,
    report_failure,
    safe_patch,
)
from heron.exceptions import InvalidParameter
from heron.flavors.training import argument, call_arguments, log_dataset_inputs

FLAVOR_NAME = "keras"
UNLOGGED = ("self", "x", "y", "callbacks", "validation_data", "verbose")

_logger = logging.getLogger(__name__)


@autologging_integration(FLAVOR_NAME)
def autolog(
    log_every_epoch: bool = True,
    log_every_n_steps: int | None = None,
    log_models: bool = True,
    log_model_signatures: bool = True,
    save_exported_model: bool = False,
    log_datasets: bool = True,
    log_input_examples: bool = False,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    registered_model_name: str | None = None,
    save_model_kwargs: dict[str, Any] | None = None,
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Enable (or disable) and configure autologging from Keras 3 (MLflow's options).

    Args:
        log_every_epoch: Log the training metrics at the end of each epoch.
        log_every_n_steps: Log them every ``n`` batches instead (needs
            ``log_every_epoch=False``).
        log_models: Log the trained model (``model``).
        log_model_signatures: Log the tensor signature of the model's inputs and outputs.
        save_exported_model: Log the model as an exported SavedModel.
        log_datasets: Log numpy ``x``/``y`` (``train``) and ``validation_data`` (``eval``).
        log_input_examples: Accepted and, as in MLflow's Keras autolog, unused.
        disable: Disable Keras autologging.
        exclusive: Do not log into runs started by the user.
        disable_for_unsupported_versions: Skip Keras versions MLflow has not tested.
        silent: No autologging warnings.
        registered_model_name: Register each logged model under this name.
        save_model_kwargs: Passed to the model's ``save``.
        extra_tags: Tags of the runs autologging starts.

    Raises:
        InvalidParameter: Both or neither of ``log_every_epoch`` and ``log_every_n_steps``.
    """
    if log_every_epoch and log_every_n_steps is not None:
        raise InvalidParameter("`log_every_n_steps` must be None if `log_every_epoch=True`")
    if not log_every_epoch and log_every_n_steps is None:
        raise InvalidParameter("`log_every_n_steps` must be given if `log_every_epoch=False`")
    import keras

    safe_patch(FLAVOR_NAME, keras.Model, "fit", _patched_fit, manage_run=True)


def _callback(batcher: MetricsBatcher, every_epoch: bool, every_n_steps: int | None) -> Any:
    import keras

    class HeronCallback(keras.callbacks.Callback):  # type: ignore[misc]
        def on_train_begin(self, logs: Any = None) -> None:
            try:
                config = self.model.optimizer.get_config()
                batcher.record_params({f"optimizer_{k}": v for k, v in config.items()})
                lines: list[str] = []
                self.model.summary(print_fn=lambda line, *a, **k: lines.append(line))
                from heron.tracking import session

                session.client().log_text(batcher.run_id, "\n".join(lines), "model_summary.txt")
            except Exception as error:
                report_failure(FLAVOR_NAME, "logging the model summary failed", error)

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            if every_epoch and logs:
                batcher.record_metrics(logs, epoch)

        def on_batch_end(self, batch: int, logs: Any = None) -> None:
            if every_n_steps and logs:
                step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
                if step % every_n_steps == 0:
                    batcher.record_metrics(logs, step)

    return HeronCallback()


def model_signature(model: Any) -> Any:
    """The tensor signature of a built Keras model: its input and output shapes (unknown
    dimensions as -1), the input dtype and the compute dtype (MLflow's rule)."""
    import numpy as np

    from heron.models.signature import ModelSignature
    from heron.types import Schema, TensorSpec

    def specs(shapes: Any, dtype: Any) -> Schema:
        listed = shapes if isinstance(shapes, list) else [shapes]
        return Schema(
            [TensorSpec(np.dtype(dtype), [-1 if d is None else d for d in s]) for s in listed]
        )

    return ModelSignature(
        specs(model.input_shape, model.input_dtype), specs(model.output_shape, model.compute_dtype)
    )


def _dataset(data: Any, targets: Any) -> Any:
    import numpy as np

    from heron.data import from_numpy

    if isinstance(data, tuple) and len(data) >= 2:
        data, targets = data[0], data[1]
    if isinstance(data, np.ndarray):
        return from_numpy(data, targets=np.asarray(targets) if targets is not None else None)
    _logger.warning("Unrecognized dataset type %s. Dataset logging skipped.", type(data))
    return None


def _log_datasets(run_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The ``x``/``y`` of ``fit`` (``train``) and ``validation_data`` (``eval``), numpy only."""
    if not get_autologging_config(FLAVOR_NAME, "log_datasets", True):
        return
    try:
        x = kwargs["x"] if "x" in kwargs else (args[0] if args else None)
        y = kwargs["y"] if "y" in kwargs else (args[1] if len(args) >= 2 else None)
        pairs = [(_dataset(x, y), "train")]
        if "validation_data" in kwargs:
            pairs.append((_dataset(kwargs["validation_data"], None), "eval"))
    except Exception as error:
        _logger.warning("Failed to log dataset information to MLflow. Reason: %s", error)
        return
    for dataset, context in pairs:  # one input each, as MLflow logs them
        if dataset is not None:
            log_dataset_inputs(FLAVOR_NAME, run_id, [(dataset, context)])


def _patched_fit(original: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
    import heron

    run_id = heron.active_run().info.run_id  # type: ignore[union-attr]
    batcher = MetricsBatcher(run_id, FLAVOR_NAME)
    params = call_arguments(original, (model,), kwargs, UNLOGGED)
    batch_size = argument(original, (model, *args), kwargs, "batch_size")
    if batch_size is not None:
        params["batch_size"] = batch_size
    batcher.record_params(params)
    callbacks = list(argument(original, (model, *args), kwargs, "callbacks") or [])
    callback = _callback(
        batcher,
        bool(get_autologging_config(FLAVOR_NAME, "log_every_epoch", True)),
        get_autologging_config(FLAVOR_NAME, "log_every_n_steps", None),
    )
    if len(args) >= 6:  # fit(x, y, batch_size, epochs, verbose, callbacks, ...)
        args = (*args[:5], [*callbacks, callback], *args[6:])
    else:
        kwargs["callbacks"] = [*callbacks, callback]
    _log_datasets(run_id, args, kwargs)
    try:
        history = original(model, *args, **kwargs)
    finally:
        batcher.flush()
    if get_autologging_config(FLAVOR_NAME, "log_models", True):
        from heron.keras import log_model

        signature = None
        if get_autologging_config(FLAVOR_NAME, "log_model_signatures", True):
            try:
                signature = model_signature(model)
            except Exception as error:
                _logger.warning("Failed to get model signature, reason: %s", error)
        log_model(
            model,
            name="model",
            signature=signature if signature is not None else False,
            save_exported_model=get_autologging_config(FLAVOR_NAME, "save_exported_model", False),
            save_model_kwargs=get_autologging_config(FLAVOR_NAME, "save_model_kwargs", None),
            registered_model_name=get_autologging_config(
                FLAVOR_NAME, "registered_model_name", None
            ),
        )
    return history
