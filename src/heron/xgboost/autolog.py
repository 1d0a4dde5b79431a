"""``heron.xgboost.autolog``: MLflow's XGBoost autologging for ``xgboost.train``.

A training call (``xgboost.train``, and the Booster training inside the scikit-learn API's
``fit``) logs the booster params and ``train``'s arguments, the metrics of every ``evals`` set
at each iteration (``<set>-<metric>``, step = iteration), with early stopping
``stopped_iteration``, ``best_iteration`` and the best iteration's metrics (one step after the
last), the feature importances (``feature_importance_<type>.json``) and the model.
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
from heron.flavors.training import (
    argument,
    call_arguments,
    log_json_artifact,
    sanitized_metric_names,
    with_argument,
)

FLAVOR_NAME = "xgboost"
UNLOGGED = (
    "params",
    "dtrain",
    "evals",
    "obj",
    "feval",
    "evals_result",
    "xgb_model",
    "callbacks",
    "learning_rates",
    "custom_metric",
)

_logger = logging.getLogger(__name__)


@autologging_integration(FLAVOR_NAME)
def autolog(
    importance_types: list[str] | None = None,
    log_input_examples: bool = False,
    log_model_signatures: bool = True,
    log_models: bool = True,
    log_datasets: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    registered_model_name: str | None = None,
    model_format: str = "ubj",
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Enable (or disable) and configure autologging from XGBoost (MLflow's options).

    Args:
        importance_types: Feature importance types logged as JSON (``["weight"]`` if None).
        log_input_examples: Accepted; input examples are not logged yet.
        log_model_signatures: Accepted; signatures are not inferred from a DMatrix yet.
        log_models: Log the trained Booster as a model (``model``).
        log_datasets: Accepted; datasets are not logged yet.
        disable: Disable XGBoost autologging.
        exclusive: Do not log into runs started by the user.
        disable_for_unsupported_versions: Skip XGBoost versions MLflow has not tested.
        silent: No autologging warnings.
        registered_model_name: Register each logged model under this name.
        model_format: ``ubj`` or ``json``, the saved model's format.
        extra_tags: Tags of the runs autologging starts.
    """
    import xgboost

    # Module functions: the top-level train and the one the scikit-learn API's fit calls.
    modules: list[Any] = [xgboost, xgboost.sklearn]
    for module in modules:
        safe_patch(FLAVOR_NAME, module, "train", _patched_train, manage_run=True)


def _callback(batcher: MetricsBatcher, results: list[dict[str, float]]) -> Any:
    import xgboost

    class AutologCallback(xgboost.callback.TrainingCallback):
        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            try:
                metrics = {
                    f"{data}-{name}": values[-1]
                    for data, per_metric in evals_log.items()
                    for name, values in sanitized_metric_names(per_metric).items()
                }
                batcher.record_metrics(metrics, epoch)
                results.append(metrics)
            except Exception as error:  # logging never stops training
                report_failure(FLAVOR_NAME, "recording iteration metrics failed", error)
            return False

    return AutologCallback()


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
    if argument(original, args, kwargs, "early_stopping_rounds") and results:
        best = int(model.best_iteration)
        batcher.record_metrics({"stopped_iteration": len(results) - 1, "best_iteration": best})
        batcher.record_metrics(results[best], step=len(results))
    batcher.flush()
    _log_importances(run_id, model)
    if get_autologging_config(FLAVOR_NAME, "log_models", True):
        from heron.xgboost import log_model

        log_model(
            model,
            name="model",
            model_format=get_autologging_config(FLAVOR_NAME, "model_format", "ubj"),
            registered_model_name=get_autologging_config(
                FLAVOR_NAME, "registered_model_name", None
            ),
        )
    return model


def _log_importances(run_id: str, model: Any) -> None:
    types = get_autologging_config(FLAVOR_NAME, "importance_types", None) or ["weight"]
    for importance_type in types:
        try:
            scores = model.get_score(importance_type=importance_type)
            log_json_artifact(run_id, f"feature_importance_{importance_type}.json", scores)
        except Exception as error:
            report_failure(FLAVOR_NAME, "logging feature importance failed", error)
