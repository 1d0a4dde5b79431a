"""``heron.xgboost.autolog``: MLflow's XGBoost autologging for ``xgboost.train``.

A training call (``xgboost.train``, and the Booster training inside the scikit-learn API's
``fit``) logs the booster params and ``train``'s arguments, the training and ``evals`` data
as dataset inputs, the metrics of every ``evals`` set
at each iteration (``<set>-<metric>``, step = iteration), with early stopping
``stopped_iteration``, ``best_iteration`` and the best iteration's metrics (one step after the
last), the feature importances (``feature_importance_<type>.json``) and the model (the
Booster, or for ``XGBClassifier.fit`` & co. the estimator, see
:mod:`heron.flavors.sklearn_api_autolog`) with its signature and input example.

A fitted scikit-learn API estimator also logs post-training metrics to its run, as in MLflow
(always on for this flavor): ``accuracy_score(y_test, model.predict(X_test))`` logs
``accuracy_score_X_test``, ``model.score(X_test, y_test)`` logs ``XGBClassifier_score_X_test`` (see
:mod:`heron.flavors.post_training`).
"""

from __future__ import annotations

import logging
from typing import Any

from heron.autologging import (
    MetricsBatcher,
    autologging_integration,
    current_session,
    get_autologging_config,
    report_failure,
    safe_patch,
)
from heron.flavors.importance_plot import log_importance_plot
from heron.flavors.sklearn_api_autolog import UNLOGGED_FIT
from heron.flavors.training import (
    argument,
    call_arguments,
    example_and_signature,
    keep_input_example,
    kept_input_example,
    log_dataset_inputs,
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
        log_input_examples: Log the first 5 training rows as the model's input example.
        log_model_signatures: Log the signature inferred from those rows and the prediction.
        log_models: Log the trained Booster (or scikit-learn API estimator) as ``model``.
        log_datasets: Log the training data (``train``) and ``evals`` sets (``eval``), and the
            data a fitted scikit-learn API estimator predicts on (``eval``).
        disable: Disable XGBoost autologging.
        exclusive: Do not log into runs started by the user.
        disable_for_unsupported_versions: Skip XGBoost versions MLflow has not tested.
        silent: No autologging warnings.
        registered_model_name: Register each logged model under this name.
        model_format: ``ubj`` or ``json``, the saved model's format.
        extra_tags: Tags of the runs autologging starts.
    """
    import xgboost

    from heron.flavors import sklearn_api_autolog

    module: Any = xgboost  # module functions are patched like methods
    safe_patch(FLAVOR_NAME, module, "train", _patched_booster_train, manage_run=True)
    # The scikit-learn API's fit calls xgboost.sklearn.train: that patch logs params,
    # metrics and datasets inside the patched fit, which logs the estimator as the model.
    safe_patch(FLAVOR_NAME, module.sklearn, "train", _patched_train, manage_run=True, nested=True)
    safe_patch(FLAVOR_NAME, module.DMatrix, "__init__", keep_input_example)
    sklearn_api_autolog.patch_estimators(FLAVOR_NAME, sklearn_api_autolog.xgboost_estimators())


def _dmatrix_dataset(dmatrix: Any, name: str | None) -> Any:
    """The DMatrix's data as a numpy dataset (MLflow's ``get_data().toarray()``)."""
    import numpy as np

    from heron.data import from_numpy

    data = dmatrix.get_data()
    data = data.toarray() if hasattr(data, "toarray") else data
    if not isinstance(data, np.ndarray):
        _logger.warning("Unrecognized dataset type %s. Dataset logging skipped.", type(data))
        return None
    return from_numpy(data, name=name)


def _log_datasets(original: Any, run_id: str, args: Any, kwargs: Any) -> Any:
    if not get_autologging_config(FLAVOR_NAME, "log_datasets", True):
        return None
    try:
        pairs = [(_dmatrix_dataset(argument(original, args, kwargs, "dtrain"), None), "train")]
        pairs += [(_dmatrix_dataset(d, name), "eval") for d, name in kwargs.get("evals") or ()]
    except Exception as error:
        _logger.warning("Failed to log dataset information to MLflow Tracking. Reason: %s", error)
        return None
    return log_dataset_inputs(FLAVOR_NAME, run_id, [p for p in pairs if p[0] is not None])


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


def _patched_booster_train(original: Any, *args: Any, **kwargs: Any) -> Any:
    return _patched_train(original, *args, _log_booster=True, **kwargs)


def _patched_train(original: Any, *args: Any, _log_booster: bool = False, **kwargs: Any) -> Any:
    import heron

    session = current_session(FLAVOR_NAME)
    if session is not None and session.state.get(UNLOGGED_FIT):
        return original(*args, **kwargs)  # a fit inside an autologged scikit-learn estimator
    run_id = heron.active_run().info.run_id  # type: ignore[union-attr]
    _log_datasets(original, run_id, args, kwargs)
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
    if _log_booster and get_autologging_config(FLAVOR_NAME, "log_models", True):
        _log_booster_model(
            model, argument(original, args, kwargs, "dtrain"), original, args, kwargs
        )
    return model


def _log_booster_model(model: Any, dtrain: Any, original: Any, args: Any, kwargs: Any) -> None:
    import xgboost

    from heron.xgboost import log_model

    example = kept_input_example(dtrain, "DMatrix")
    input_example, signature = example_and_signature(
        FLAVOR_NAME, example, lambda rows: model.predict(xgboost.DMatrix(rows))
    )
    log_model(
        model,
        name="model",
        signature=signature if signature is not None else False,
        input_example=input_example,
        model_format=get_autologging_config(FLAVOR_NAME, "model_format", "ubj"),
        registered_model_name=get_autologging_config(FLAVOR_NAME, "registered_model_name", None),
        params=call_arguments(original, args, kwargs, UNLOGGED),
    )


def _log_importances(run_id: str, model: Any) -> None:
    types = get_autologging_config(FLAVOR_NAME, "importance_types", None) or ["weight"]
    for importance_type in types:
        try:
            scores = model.get_score(importance_type=importance_type)
            if scores:
                log_importance_plot(run_id, list(scores), list(scores.values()), importance_type)
            log_json_artifact(run_id, f"feature_importance_{importance_type}.json", scores)
        except Exception as error:
            report_failure(FLAVOR_NAME, "logging feature importance failed", error)
