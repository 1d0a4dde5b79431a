"""``heron.lightgbm.autolog``: MLflow's LightGBM autologging for ``lightgbm.train``.

A training call (``lightgbm.train``, and the training inside the scikit-learn API's ``fit``)
logs the booster params and ``train``'s arguments, the metrics of every validation set at each
iteration (``<set>-<metric>``, step = iteration), with early stopping ``stopped_iteration``,
``best_iteration`` and the best iteration's metrics (one step after the last), the feature
importances (``feature_importance_split.json``, ``..._gain.json``) and the model.
"""

from __future__ import annotations

from typing import Any

from heron.autologging import (
    MetricsBatcher,
    autologging_integration,
    get_autologging_config,
    report_failure,
    safe_patch,
)
from heron.flavors.training import (
    argument,
    call_arguments,
    log_json_artifact,
    sanitized_metric_names,
    with_argument,
)

FLAVOR_NAME = "lightgbm"
UNLOGGED = (
    "params",
    "train_set",
    "valid_sets",
    "valid_names",
    "fobj",
    "feval",
    "init_model",
    "learning_rates",
    "callbacks",
)


@autologging_integration(FLAVOR_NAME)
def autolog(
    log_input_examples: bool = False,
    log_model_signatures: bool = True,
    log_models: bool = True,
    log_datasets: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    registered_model_name: str | None = None,
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Enable (or disable) and configure autologging from LightGBM (MLflow's options).

    Args:
        log_input_examples: Accepted; input examples are not logged yet.
        log_model_signatures: Accepted; signatures are not inferred from a Dataset yet.
        log_models: Log the trained Booster as a model (``model``).
        log_datasets: Accepted; datasets are not logged yet.
        disable: Disable LightGBM autologging.
        exclusive: Do not log into runs started by the user.
        disable_for_unsupported_versions: Skip LightGBM versions MLflow has not tested.
        silent: No autologging warnings.
        registered_model_name: Register each logged model under this name.
        extra_tags: Tags of the runs autologging starts.
    """
    import lightgbm

    # Module functions: the top-level train and the one the scikit-learn API's fit calls.
    modules: list[Any] = [lightgbm, lightgbm.sklearn]
    for module in modules:
        safe_patch(FLAVOR_NAME, module, "train", _patched_train, manage_run=True)


def _callback(batcher: MetricsBatcher, results: list[dict[str, float]]) -> Any:
    def record(env: Any) -> None:
        try:
            metrics = sanitized_metric_names(
                {f"{data}-{name}": value for data, name, value, *_ in env.evaluation_result_list}
            )
            batcher.record_metrics(metrics, env.iteration)
            results.append(metrics)
        except Exception as error:  # logging never stops training
            report_failure(FLAVOR_NAME, "recording iteration metrics failed", error)

    return record


def _patched_train(original: Any, *args: Any, **kwargs: Any) -> Any:
    import heron

    run_id = heron.active_run().info.run_id  # type: ignore[union-attr]
    batcher = MetricsBatcher(run_id, FLAVOR_NAME)
    batcher.record_params(dict(argument(original, args, kwargs, "params") or {}))
    batcher.record_params(call_arguments(original, args, kwargs, UNLOGGED))
    results: list[dict[str, float]] = []
    callbacks = list(argument(original, args, kwargs, "callbacks") or [])
    args, kwargs = with_argument(
        original, args, kwargs, "callbacks", [*callbacks, _callback(batcher, results)]
    )
    try:
        model = original(*args, **kwargs)
    finally:
        batcher.flush()
    best = int(getattr(model, "best_iteration", 0) or 0)
    if best > 0 and len(results) >= best:
        batcher.record_metrics({"stopped_iteration": len(results), "best_iteration": best})
        batcher.record_metrics(results[best - 1], step=len(results))
    batcher.flush()
    _log_importances(run_id, model)
    if get_autologging_config(FLAVOR_NAME, "log_models", True):
        from heron.lightgbm import log_model

        log_model(
            model,
            name="model",
            registered_model_name=get_autologging_config(
                FLAVOR_NAME, "registered_model_name", None
            ),
        )
    return model


def _log_importances(run_id: str, model: Any) -> None:
    for importance_type in ("split", "gain"):
        try:
            values = model.feature_importance(importance_type=importance_type).tolist()
            scores = dict(zip(model.feature_name(), values, strict=True))
            log_json_artifact(run_id, f"feature_importance_{importance_type}.json", scores)
        except Exception as error:
            report_failure(FLAVOR_NAME, "logging feature importance failed", error)
