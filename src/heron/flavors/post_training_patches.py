"""The patches that log post-training metrics, for any flavor whose estimators follow
scikit-learn's API: ``heron.sklearn.autolog`` patches scikit-learn's estimators with them,
``heron.xgboost.autolog`` and ``heron.lightgbm.autolog`` their own scikit-learn API
estimators (``XGBClassifier``, ``LGBMRegressor``, ...), as MLflow's ``_autolog(flavor_name=...)``
does. See :mod:`heron.flavors.post_training` for the names they log.

- ``predict``, ``predict_proba``, ``transform``, ``predict_log_proba`` of a fitted estimator
  remember their result's dataset (and log the data as an ``eval`` input when
  ``log_datasets`` is on);
- ``score`` logs ``<Class>_score_<dataset>``;
- each ``sklearn.metrics`` function logs ``<function>_<dataset>`` when one of its arguments
  is a remembered prediction;
- ``cross_validate``, ``cross_val_score`` and the other ``sklearn.model_selection`` functions
  that fit clones run with autologging off (no run per fold), as in MLflow.
"""

from __future__ import annotations

import functools
import inspect
import logging
from typing import Any

from heron.autologging import disable_autologging, get_autologging_config, safe_patch
from heron.flavors.post_training import (
    RUN_ID_ATTRIBUTE,
    STATE,
    call_command,
    enabled,
    is_loggable,
    is_suspended,
    log_metric,
    metric_api_names,
    suspended,
)

_logger = logging.getLogger(__name__)

PREDICT_METHODS = ("predict", "predict_proba", "transform", "predict_log_proba")
UNLOGGED_MODEL_SELECTION = (
    "cross_validate",
    "cross_val_predict",
    "cross_val_score",
    "learning_curve",
    "permutation_test_score",
    "validation_curve",
)
"""``sklearn.model_selection`` functions run with autologging disabled (MLflow's list)."""


def first_argument(original: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The first argument after ``self`` of a method call, positional or by keyword."""
    if args:
        return args[0]
    try:
        names = list(inspect.signature(original).parameters)
    except (TypeError, ValueError):
        return None
    return kwargs.get(names[1]) if len(names) > 1 else None


def _run_id(flavor: str, estimator: Any) -> str | None:
    run_id = getattr(estimator, RUN_ID_ATTRIBUTE, None)
    if not run_id or is_suspended() or not enabled(flavor):
        return None
    return str(run_id)


def _patched_predict(flavor: str, original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
    run_id = _run_id(flavor, self)
    if run_id is None:
        return original(self, *args, **kwargs)
    with suspended():  # a predict calling another (predict -> predict_proba) registers once
        result = original(self, *args, **kwargs)
    dataset = first_argument(original, args, kwargs)
    if dataset is None:
        return result
    STATE.register_prediction(result, STATE.dataset_name(run_id, dataset), run_id, self)
    if get_autologging_config(flavor, "log_datasets", True):
        try:
            _log_eval_dataset(run_id, dataset)
        except Exception as error:
            _logger.warning(
                "Failed to log evaluation dataset information to MLflow Tracking. Reason: %s",
                error,
            )
    return result


def _log_eval_dataset(run_id: str, features: Any) -> None:
    """Record the data a post-training prediction used as an ``eval`` input, once per run."""
    from heron.entities import DatasetInput, InputTag
    from heron.entities.dataset import DATASET_CONTEXT_TAG
    from heron.flavors.training import make_dataset
    from heron.tracking import session

    dataset = make_dataset(features, None)
    if dataset is None or not STATE.first_eval_input(run_id, dataset.digest):
        return
    entry = DatasetInput(dataset._to_mlflow_entity(), (InputTag(DATASET_CONTEXT_TAG, "eval"),))
    session.client().log_inputs(run_id, [entry])


def _patched_score(flavor: str, original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
    run_id = _run_id(flavor, self)
    if run_id is None:
        return original(self, *args, **kwargs)
    with suspended():  # score calls predict and metric functions: not logged themselves
        value = original(self, *args, **kwargs)
    dataset = first_argument(original, args, kwargs)
    if is_loggable(value):
        command = call_command(self, original, args, kwargs)
        dataset_name = STATE.dataset_name(run_id, dataset)
        key = STATE.metric_key(run_id, f"{type(self).__name__}_score", dataset_name, command)
        log_metric(run_id, key, value, STATE.model_ids.get(id(self)))
    return value


def _patched_metric(flavor: str, original: Any, *args: Any, **kwargs: Any) -> Any:
    if is_suspended() or not enabled(flavor):
        return original(*args, **kwargs)
    with suspended():  # one metric function calling another logs once
        value = original(*args, **kwargs)
    if not is_loggable(value):
        return value
    found = STATE.lookup([*args, *kwargs.values()])
    if found is not None:
        dataset_name, run_id, model_id = found
        command = call_command(None, original, args, kwargs)
        key = STATE.metric_key(run_id, original.__name__, dataset_name, command)
        log_metric(run_id, key, value, model_id)
    return value


def _patch_if_present(flavor: str, cls: type, name: str, function: Any) -> None:
    if name in dir(cls):
        try:
            safe_patch(flavor, cls, name, functools.partial(function, flavor))
        except TypeError as error:
            _logger.debug("Not patching %s.%s: %s", cls.__name__, name, error)


def patch_estimator_methods(flavor: str, classes: list[type]) -> None:
    """Patch the prediction and ``score`` methods of ``classes`` for ``flavor``."""
    for cls in classes:
        for name in PREDICT_METHODS:
            _patch_if_present(flavor, cls, name, _patched_predict)
        _patch_if_present(flavor, cls, "score", _patched_score)


def patch_metric_functions(flavor: str) -> None:
    """Patch every ``sklearn.metrics`` function (MLflow's list) for ``flavor``."""
    import sklearn.metrics

    for name in metric_api_names():
        safe_patch(flavor, sklearn.metrics, name, functools.partial(_patched_metric, flavor))


def _unlogged(original: Any, *args: Any, **kwargs: Any) -> Any:
    with disable_autologging():
        return original(*args, **kwargs)


def patch_model_selection(flavor: str) -> None:
    """Run :data:`UNLOGGED_MODEL_SELECTION` with autologging off, for ``flavor``."""
    import sklearn.model_selection

    for name in UNLOGGED_MODEL_SELECTION:
        if hasattr(sklearn.model_selection, name):
            safe_patch(flavor, sklearn.model_selection, name, _unlogged)
