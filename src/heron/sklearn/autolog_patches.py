"""``heron.sklearn.autolog``: MLflow's scikit-learn autologging.

Patches ``fit``, ``fit_transform`` and ``fit_predict`` of every scikit-learn estimator (and of
``Pipeline``, ``GridSearchCV`` and ``RandomizedSearchCV``; preprocessing, imputation and
feature-extraction/selection estimators and ``ColumnTransformer`` are left alone, as in
MLflow), and, for post-training metrics, ``predict``/``predict_proba``/``transform``/
``predict_log_proba``, ``score`` and the ``sklearn.metrics`` functions. A fit outside any run
gets its own run, ended when ``fit`` returns. ``cross_val_score`` and the other functions
that fit clones run with autologging off, as in MLflow.
"""

from __future__ import annotations

import logging
from typing import Any

from heron.autologging import autologging_integration, safe_patch
from heron.exceptions import InvalidParameter
from heron.flavors.post_training import enabled, is_suspended, register_fitted, suspended
from heron.flavors.post_training_patches import (
    patch_estimator_methods,
    patch_metric_functions,
    patch_model_selection,
)
from heron.sklearn.serialization import SERIALIZATION_FORMAT_CLOUDPICKLE

_logger = logging.getLogger(__name__)

FLAVOR_NAME = "sklearn"
FIT_METHODS = ("fit", "fit_transform", "fit_predict")
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
    register = enabled(FLAVOR_NAME) and not is_suspended()
    with suspended():  # the training metrics are not post-training metrics
        logger.before(x, y)
        result = original(self, *args, **kwargs)
        try:
            logger.after(x, y, weight)
        finally:
            if register:
                register_fitted(self, run.info.run_id, logger.model_id)
    return result


def _patch_fit_if_present(cls: type, name: str) -> None:
    if name in dir(cls):
        try:
            safe_patch(FLAVOR_NAME, cls, name, _patched_fit, manage_run=True)
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
    classes = estimators_to_patch()
    for cls in classes:
        for name in FIT_METHODS:
            _patch_fit_if_present(cls, name)
    patch_estimator_methods(FLAVOR_NAME, classes)
    if log_post_training_metrics:
        patch_metric_functions(FLAVOR_NAME)
    patch_model_selection(FLAVOR_NAME)
