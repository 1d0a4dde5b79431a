"""Autologging of the scikit-learn API estimators of XGBoost and LightGBM (``XGBClassifier``,
``LGBMRegressor``, ...), as MLflow does it from those flavors' ``autolog``.

The patched ``fit`` lets the library's own training patch (``xgboost.sklearn.train``,
``lightgbm.sklearn.train``) log params, per-iteration metrics and datasets, then logs the
fitted estimator itself as the run's ``model`` (with the flavor's ``log_model``), with a
signature and input example from the first 5 training rows. A ``fit`` running inside an
autologged scikit-learn estimator (a ``Pipeline`` or ``GridSearchCV`` fitting its steps) logs
nothing of its own: the outer estimator is what ``heron.sklearn.autolog`` records.

A fitted estimator then logs post-training metrics to its run, as scikit-learn's do
(:mod:`heron.flavors.post_training_patches`): ``accuracy_score_X_test`` for
``accuracy_score(y_test, model.predict(X_test))``, ``XGBClassifier_score_X_test`` for
``model.score(X_test, y_test)``. MLflow always turns them on for these flavors.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
from copy import deepcopy
from typing import Any

from heron.flavors.post_training import is_suspended, register_fitted, suspended
from heron.flavors.training import INPUT_EXAMPLE_ROWS, example_and_signature

UNLOGGED_FIT = "unlogged_fit"
"""Session state flag: this fit is not logged (the training patch then logs nothing)."""


def xgboost_estimators() -> list[type]:
    """Every ``xgboost.sklearn.XGBModel`` subclass (MLflow's list)."""
    import xgboost

    base = xgboost.sklearn.XGBModel
    members = inspect.getmembers(xgboost.sklearn, inspect.isclass)
    return [cls for _, cls in members if issubclass(cls, base) and cls is not base]


def lightgbm_estimators() -> list[type]:
    """Every LightGBM scikit-learn estimator class: ``LGBMModel`` and its subclasses
    (MLflow's list: the scikit-learn estimators of ``lightgbm.sklearn``)."""
    import lightgbm

    members = inspect.getmembers(lightgbm.sklearn, inspect.isclass)
    return [
        cls
        for _, cls in members
        if cls.__module__.split(".")[0] == "lightgbm"
        and issubclass(cls, lightgbm.sklearn.LGBMModel)
    ]


def patch_estimators(flavor: str, classes: list[type]) -> None:
    """Patch each class for ``flavor``'s autologging: ``fit``, and the prediction, ``score``
    and ``sklearn.metrics`` calls that log post-training metrics."""
    from heron.autologging import safe_patch
    from heron.flavors import post_training_patches

    for cls in classes:
        safe_patch(flavor, cls, "fit", functools.partial(_patched_fit, flavor), manage_run=True)
    if importlib.util.find_spec("sklearn") is None:
        return  # the libraries run without scikit-learn: no metric functions to patch
    post_training_patches.patch_estimator_methods(flavor, classes)
    post_training_patches.patch_metric_functions(flavor)
    post_training_patches.patch_model_selection(flavor)


def _training_rows(fit: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if args:
        return args[0]
    names = [p for p in inspect.signature(fit).parameters if p != "self"]
    return kwargs.get(names[0] if names else "X")


def _patched_fit(flavor: str, original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
    from heron.autologging import current_session, get_autologging_config

    session = current_session(flavor)
    if current_session("sklearn") is not None:  # a step of an autologged sklearn estimator
        if session is not None:
            session.state[UNLOGGED_FIT] = True
        return original(self, *args, **kwargs)
    example: Any
    try:
        rows = _training_rows(original.function, args, kwargs)
        example = deepcopy(rows[:INPUT_EXAMPLE_ROWS])
    except Exception as error:
        example = error
    register = not is_suspended()
    model_id = None
    with suspended():
        result = original(self, *args, **kwargs)
        try:
            if get_autologging_config(flavor, "log_models", True):
                model_id = _log_estimator(flavor, self, example)
        finally:
            if register and session is not None and session.run_id:
                register_fitted(self, session.run_id, model_id)
    return result


def _log_estimator(flavor: str, estimator: Any, example: Any) -> str | None:
    from heron.autologging import get_autologging_config

    def rows() -> Any:
        if isinstance(example, Exception):
            raise example
        return example

    input_example, signature = example_and_signature(flavor, rows, estimator.predict)
    options: dict[str, Any] = {}
    if flavor == "xgboost":
        options["model_format"] = get_autologging_config(flavor, "model_format", "ubj")
    info = importlib.import_module(f"heron.{flavor}").log_model(
        estimator,
        name="model",
        signature=signature if signature is not None else False,
        input_example=input_example,
        registered_model_name=get_autologging_config(flavor, "registered_model_name", None),
        **options,
    )
    return str(info.model_id) if info.model_id else None
