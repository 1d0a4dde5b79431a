"""``heron.lightgbm.autolog``: MLflow's LightGBM autologging for ``lightgbm.train``.

A training call (``lightgbm.train``, and the training inside the scikit-learn API's ``fit``)
logs the booster params and ``train``'s arguments, the metrics of every validation set at each
iteration (``<set>-<metric>``, step = iteration), with early stopping ``stopped_iteration``,
``best_iteration`` and the best iteration's metrics (one step after the last), the feature
importances (``feature_importance_split.json``, ``..._gain.json``), the training and
validation data as dataset inputs, and the model (the Booster, or for ``LGBMClassifier.fit``
& co. the estimator, see :mod:`heron.flavors.sklearn_api_autolog`) with its signature and
input example.

A fitted scikit-learn API estimator also logs post-training metrics to its run, as in MLflow
(always on for this flavor): ``r2_score(y_test, model.predict(X_test))`` logs
``r2_score_X_test``, ``model.score(X_test, y_test)`` logs ``LGBMRegressor_score_X_test`` (see
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

_logger = logging.getLogger(__name__)


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
        log_input_examples: Log the first 5 training rows as the model's input example.
        log_model_signatures: Log the signature inferred from those rows and the prediction.
        log_models: Log the trained Booster (or scikit-learn API estimator) as ``model``.
        log_datasets: Log the training data (``train``) and ``valid_sets`` (``eval``), and the
            data a fitted scikit-learn API estimator predicts on (``eval``).
        disable: Disable LightGBM autologging.
        exclusive: Do not log into runs started by the user.
        disable_for_unsupported_versions: Skip LightGBM versions MLflow has not tested.
        silent: No autologging warnings.
        registered_model_name: Register each logged model under this name.
        extra_tags: Tags of the runs autologging starts.
    """
    import lightgbm

    from heron.flavors import sklearn_api_autolog

    module: Any = lightgbm  # module functions are patched like methods
    safe_patch(FLAVOR_NAME, module, "train", _patched_booster_train, manage_run=True)
    # The scikit-learn API's fit calls lightgbm.sklearn.train: that patch logs params,
    # metrics and datasets inside the patched fit, which logs the estimator as the model.
    safe_patch(FLAVOR_NAME, module.sklearn, "train", _patched_train, manage_run=True, nested=True)
    safe_patch(FLAVOR_NAME, module.Dataset, "__init__", keep_input_example)
    sklearn_api_autolog.patch_estimators(FLAVOR_NAME, sklearn_api_autolog.lightgbm_estimators())


def _lgb_dataset(lgb_dataset: Any, name: str | None) -> Any:
    """A ``lightgbm.Dataset``'s data as a heron dataset (pandas, or numpy with labels)."""
    import numpy as np
    import pandas as pd

    from heron.data import from_numpy, from_pandas

    data, label = lgb_dataset.data, lgb_dataset.label
    if isinstance(data, pd.DataFrame):
        return from_pandas(data, name=name)
    data = data.toarray() if hasattr(data, "toarray") else data
    if isinstance(data, np.ndarray):
        return from_numpy(data, targets=label, name=name)
    _logger.warning("Unrecognized dataset type %s. Dataset logging skipped.", type(data))
    return None


def _log_datasets(original: Any, run_id: str, args: Any, kwargs: Any) -> None:
    if not get_autologging_config(FLAVOR_NAME, "log_datasets", True):
        return
    try:
        pairs = [(_lgb_dataset(argument(original, args, kwargs, "train_set"), None), "train")]
        valid_sets = kwargs.get("valid_sets") or []
        names = kwargs.get("valid_names") or [None] * len(valid_sets)
        pairs += [(_lgb_dataset(d, n), "eval") for d, n in zip(valid_sets, names, strict=False)]
    except Exception as error:
        _logger.warning("Failed to log dataset information to MLflow Tracking. Reason: %s", error)
        return
    log_dataset_inputs(FLAVOR_NAME, run_id, [p for p in pairs if p[0] is not None])


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
    best = int(getattr(model, "best_iteration", 0) or 0)
    if best > 0 and len(results) >= best:
        batcher.record_metrics({"stopped_iteration": len(results), "best_iteration": best})
        batcher.record_metrics(results[best - 1], step=len(results))
    batcher.flush()
    _log_importances(run_id, model)
    if _log_booster and get_autologging_config(FLAVOR_NAME, "log_models", True):
        _log_booster_model(model, argument(original, args, kwargs, "train_set"))
    return model


def _log_booster_model(model: Any, train_set: Any) -> None:
    from heron.lightgbm import log_model

    example = kept_input_example(train_set, "Dataset")
    input_example, signature = example_and_signature(FLAVOR_NAME, example, model.predict)
    log_model(
        model,
        name="model",
        signature=signature if signature is not None else False,
        input_example=input_example,
        registered_model_name=get_autologging_config(FLAVOR_NAME, "registered_model_name", None),
    )


def _log_importances(run_id: str, model: Any) -> None:
    for importance_type in ("split", "gain"):
        try:
            values = model.feature_importance(importance_type=importance_type).tolist()
            scores = dict(zip(model.feature_name(), values, strict=True))
            log_importance_plot(run_id, model.feature_name(), values, importance_type)
            log_json_artifact(run_id, f"feature_importance_{importance_type}.json", scores)
        except Exception as error:
            report_failure(FLAVOR_NAME, "logging feature importance failed", error)
