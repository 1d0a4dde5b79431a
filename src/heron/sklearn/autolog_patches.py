"""``heron.sklearn.autolog``: MLflow's scikit-learn autologging.

Patches ``fit``, ``fit_transform`` and ``fit_predict`` of every scikit-learn estimator (and of
``Pipeline``, ``GridSearchCV`` and ``RandomizedSearchCV``; preprocessing, imputation and
feature-extraction/selection estimators and ``ColumnTransformer`` are left alone, as in
MLflow), and, for post-training metrics, ``predict``/``predict_proba``/``transform``/
``predict_log_proba``, ``score`` and the ``sklearn.metrics`` functions. A fit outside any run
gets its own run, ended when ``fit`` returns.
"""

from __future__ import annotations

import logging
from typing import Any

from heron.autologging import autologging_integration, get_autologging_config, safe_patch
from heron.exceptions import InvalidParameter
from heron.sklearn.autolog_post import (
    FLAVOR_NAME,
    RUN_ID_ATTRIBUTE,
    STATE,
    call_command,
    enabled,
    is_loggable,
    log_metric,
    metric_api_names,
)
from heron.sklearn.serialization import SERIALIZATION_FORMAT_CLOUDPICKLE

_logger = logging.getLogger(__name__)

FIT_METHODS = ("fit", "fit_transform", "fit_predict")
PREDICT_METHODS = ("predict", "predict_proba", "transform", "predict_log_proba")
_EXCLUDED_MODULES = (
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.feature_extraction",
    "sklearn.feature_selection",
)
_EXCLUDED_CLASSES = {"sklearn.compose._column_transformer.ColumnTransformer"}


def estimators_to_patch() -> list[type]:
    """The estimator classes MLflow's autologging patches."""
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.utils import all_estimators

    classes = {cls for _, cls in all_estimators()} | {GridSearchCV, RandomizedSearchCV, Pipeline}
    return sorted(
        (
            cls
            for cls in classes
            if not cls.__module__.startswith(_EXCLUDED_MODULES)
            and f"{cls.__module__}.{cls.__name__}" not in _EXCLUDED_CLASSES
        ),
        key=lambda cls: (cls.__module__, cls.__name__),
    )


def _patched_fit(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
    import heron
    from heron.sklearn.autolog_training import FitLogger, training_data
    from heron.tracking import session

    run = heron.active_run()
    if run is None:  # pragma: no cover - safe_patch(manage_run=True) always provides one
        return original(self, *args, **kwargs)
    x, y, weight = training_data(original.function, args, kwargs)
    logger = FitLogger(session.client(), run, self)
    logger.before(x, y)
    result = original(self, *args, **kwargs)
    setattr(self, RUN_ID_ATTRIBUTE, run.info.run_id)
    logger.after(x, y, weight)
    return result


def _patched_predict(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
    run_id = getattr(self, RUN_ID_ATTRIBUTE, None)
    if not run_id or not enabled() or not args:
        return original(self, *args, **kwargs)
    name = STATE.dataset_name(run_id, args[0])
    result = original(self, *args, **kwargs)
    STATE.register_prediction(result, name, run_id, self)
    if get_autologging_config(FLAVOR_NAME, "log_datasets", True):
        _log_eval_dataset(run_id, args[0])
    return result


def _log_eval_dataset(run_id: str, features: Any) -> None:
    """Record the data a post-training prediction used as an ``eval`` input, once per run."""
    from heron.entities import DatasetInput, InputTag
    from heron.entities.dataset import DATASET_CONTEXT_TAG
    from heron.sklearn.autolog_training import make_dataset
    from heron.tracking import session

    dataset = make_dataset(features, None)
    if dataset is None or not STATE.first_eval_input(run_id, dataset.digest):
        return
    entry = DatasetInput(dataset._to_mlflow_entity(), (InputTag(DATASET_CONTEXT_TAG, "eval"),))
    session.client().log_inputs(run_id, [entry])


def _patched_score(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
    run_id = getattr(self, RUN_ID_ATTRIBUTE, None)
    if not run_id or not enabled():
        return original(self, *args, **kwargs)
    value = original(self, *args, **kwargs)
    dataset = args[0] if args else kwargs.get("X")
    if is_loggable(value) and dataset is not None:
        command = call_command(self, original, args, kwargs)
        dataset_name = STATE.dataset_name(run_id, dataset)
        key = STATE.metric_key(run_id, f"{type(self).__name__}_score", dataset_name, command)
        log_metric(run_id, key, value, STATE.model_ids.get(id(self)))
    return value


def _patched_metric(original: Any, *args: Any, **kwargs: Any) -> Any:
    value = original(*args, **kwargs)
    if not enabled() or not is_loggable(value):
        return value
    found = STATE.lookup([*args, *kwargs.values()])
    if found is not None:
        dataset_name, run_id, model_id = found
        command = call_command(None, original, args, kwargs)
        key = STATE.metric_key(run_id, original.__name__, dataset_name, command)
        log_metric(run_id, key, value, model_id)
    return value


def _patch_if_present(cls: type, name: str, function: Any, manage_run: bool) -> None:
    if name in dir(cls):
        try:
            safe_patch(FLAVOR_NAME, cls, name, function, manage_run=manage_run)
        except TypeError as error:
            _logger.debug("Not patching %s.%s: %s", cls.__name__, name, error)


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
    max_tuning_runs: int | None = 5,
    log_post_training_metrics: bool = True,
    serialization_format: str = SERIALIZATION_FORMAT_CLOUDPICKLE,
    registered_model_name: str | None = None,
    pos_label: Any = None,
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Enable (or disable) and configure autologging of scikit-learn estimators.

    Args:
        log_input_examples: Log the first 5 training rows as the model's input example.
        log_model_signatures: Log the signature inferred from the training data.
        log_models: Log the fitted estimator as the run's ``model`` (``best_estimator`` too
            for a parameter search).
        log_datasets: Log the training data as a ``train`` dataset input, and the data of
            post-training predictions as ``eval`` inputs.
        disable: Remove every patch.
        exclusive: Do not log to runs the user started.
        disable_for_unsupported_versions: Skip scikit-learn versions outside MLflow's range.
        silent: No warnings from autologging.
        max_tuning_runs: Child runs of a parameter search (best first); None for all.
        log_post_training_metrics: Log ``sklearn.metrics`` calls and ``model.score`` on
            predictions of autologged models (``<metric>_<dataset variable name>``).
        serialization_format: ``cloudpickle`` (default), ``pickle`` or ``skops``.
        registered_model_name: Register each logged model under this name.
        pos_label: Positive class for binary precision/recall/F1 (weighted average if None).
        extra_tags: Tags added to the runs autologging creates.

    Raises:
        InvalidParameter: ``max_tuning_runs`` is negative.
    """
    if max_tuning_runs is not None and max_tuning_runs < 0:
        raise InvalidParameter(
            f"`max_tuning_runs` must be non-negative, instead got {max_tuning_runs}."
        )
    import sklearn.metrics

    for cls in estimators_to_patch():
        for name in FIT_METHODS:
            _patch_if_present(cls, name, _patched_fit, manage_run=True)
        for name in PREDICT_METHODS:
            _patch_if_present(cls, name, _patched_predict, manage_run=False)
        _patch_if_present(cls, "score", _patched_score, manage_run=False)
    if log_post_training_metrics:
        for name in metric_api_names():
            safe_patch(FLAVOR_NAME, sklearn.metrics, name, _patched_metric)
