"""Training metrics and plots scikit-learn autologging records, as MLflow computes them.

Classifiers: ``precision_score``, ``recall_score``, ``f1_score`` (weighted, or binary with
``pos_label``), ``accuracy_score``, and with ``predict_proba`` ``log_loss`` and ``roc_auc``
(weighted, one-vs-one); regressors: ``mean_squared_error``, ``root_mean_squared_error``,
``mean_absolute_error``, ``r2_score``; everything with ``score``; each name prefixed
(``training_``). A metric that fails is skipped with a warning, as in MLflow.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
from collections.abc import Callable
from typing import Any

_logger = logging.getLogger(__name__)

TRAINING_PREFIX = "training_"


def _safe_metrics(
    prefix: str, metrics: list[tuple[str, Callable[..., Any], dict[str, Any]]]
) -> dict[str, float]:
    values: dict[str, float] = {}
    for name, function, arguments in metrics:
        try:
            values[prefix + name] = function(**arguments)
        except Exception as error:
            _logger.warning(
                "%s failed. The metric %s will not be recorded. Metric error: %s",
                getattr(function, "__qualname__", name),
                prefix + name,
                error,
            )
    return values


def classifier_metrics(
    estimator: Any, prefix: str, x: Any, y_true: Any, sample_weight: Any, pos_label: Any
) -> dict[str, float]:
    """MLflow's classifier training metrics of a fitted ``estimator`` on ``(x, y_true)``."""
    from sklearn import metrics

    average = "weighted" if pos_label is None else "binary"
    y_pred = estimator.predict(x)
    labelled = {"y_true": y_true, "y_pred": y_pred, "sample_weight": sample_weight}
    scored = {**labelled, "pos_label": pos_label, "average": average}
    specs: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
        ("precision_score", metrics.precision_score, scored),
        ("recall_score", metrics.recall_score, scored),
        ("f1_score", metrics.f1_score, scored),
        ("accuracy_score", metrics.accuracy_score, {**labelled, "normalize": True}),
    ]
    if hasattr(estimator, "predict_proba"):
        proba = estimator.predict_proba(x)
        # y_pred (renamed y_proba in scikit-learn 1.9) is passed by position: no warning.
        specs.append(
            (
                "log_loss",
                functools.partial(metrics.log_loss, y_true, proba),
                {"sample_weight": sample_weight},
            )
        )
        y_score = proba[:, 1] if len(proba[0]) == 2 else proba
        roc = {"y_true": y_true, "y_score": y_score, "average": "weighted"}
        specs.append(
            (
                "roc_auc",
                metrics.roc_auc_score,
                {**roc, "sample_weight": sample_weight, "multi_class": "ovo"},
            )
        )
    return _safe_metrics(prefix, specs)


def regressor_metrics(
    estimator: Any, prefix: str, x: Any, y_true: Any, sample_weight: Any
) -> dict[str, float]:
    """MLflow's regressor training metrics of a fitted ``estimator`` on ``(x, y_true)``."""
    import numpy as np
    from sklearn import metrics

    y_pred = estimator.predict(x)
    arguments = {
        "y_true": y_true,
        "y_pred": y_pred,
        "sample_weight": sample_weight,
        "multioutput": "uniform_average",
    }
    values = _safe_metrics(
        prefix,
        [
            ("mean_squared_error", metrics.mean_squared_error, arguments),
            ("mean_absolute_error", metrics.mean_absolute_error, arguments),
            ("r2_score", metrics.r2_score, arguments),
        ],
    )
    if prefix + "mean_squared_error" in values:
        values[prefix + "root_mean_squared_error"] = float(
            np.sqrt(values[prefix + "mean_squared_error"])
        )
    return values


def estimator_metrics(
    estimator: Any, prefix: str, x: Any, y_true: Any, sample_weight: Any, pos_label: Any
) -> dict[str, float]:
    """Classifier or regressor metrics plus ``<prefix>score``; empty without labels."""
    from sklearn.base import is_classifier, is_regressor

    if y_true is None:
        return {}
    values: dict[str, float] = {}
    try:
        if is_classifier(estimator):
            values = classifier_metrics(estimator, prefix, x, y_true, sample_weight, pos_label)
        elif is_regressor(estimator):
            values = regressor_metrics(estimator, prefix, x, y_true, sample_weight)
    except Exception as error:
        _logger.warning(
            "Failed to autolog metrics for %s. Logging error: %s", type(estimator).__name__, error
        )
    if hasattr(estimator, "score"):
        try:
            takes_weight = "sample_weight" in inspect.signature(estimator.score).parameters
            args = (x, y_true, sample_weight) if takes_weight else (x, y_true)
            values[prefix + "score"] = estimator.score(*args)
        except Exception as error:
            _logger.warning(
                "%s failed. The 'training_score' metric will not be recorded. Scoring error: %s",
                type(estimator).__name__ + ".score",
                error,
            )
    return values


def classifier_plots(
    estimator: Any, prefix: str, x: Any, y_true: Any, sample_weight: Any, directory: str
) -> None:
    """Save MLflow's classifier plots as PNG files in ``directory``.

    The normalized confusion matrix always; the ROC and precision-recall curves for binary
    problems. Figures are drawn without pyplot, so the user's backend and figures are left
    alone. A plot that fails is skipped with a warning; without matplotlib there are none.
    """
    try:
        import matplotlib
        from matplotlib.figure import Figure
        from sklearn import metrics
    except ImportError as error:
        _logger.warning("Failed to import matplotlib (%r). Skipping artifact logging.", error)
        return
    labels = getattr(estimator, "classes_", None)
    count = len(labels) if labels is not None else len(set(y_true))
    common = {"estimator": estimator, "X": x, "y": y_true, "sample_weight": sample_weight}

    def confusion() -> Any:
        fonts: Any = {"font.size": min(8.0, 50.0 / count), "axes.labelsize": 8.0}
        with matplotlib.rc_context(fonts):
            ax = Figure(figsize=(6.0, 4.0), dpi=175).subplots()
            return metrics.ConfusionMatrixDisplay.from_estimator(
                **common, normalize="true", cmap="Blues", ax=ax
            )

    def curve(display: Any) -> Callable[[], Any]:
        return lambda: display.from_estimator(**common, ax=Figure().subplots())

    plots: list[tuple[str, Callable[[], Any], str]] = [
        ("confusion_matrix", confusion, "Normalized confusion matrix")
    ]
    if len(set(y_true)) == 2:
        plots.append(("roc_curve", curve(metrics.RocCurveDisplay), "ROC curve"))
        plots.append(
            (
                "precision_recall_curve",
                curve(metrics.PrecisionRecallDisplay),
                "Precision recall curve",
            )
        )
    style: Any = {"savefig.dpi": 175, "figure.autolayout": True, "font.size": 8}
    for name, draw, title in plots:
        try:
            with matplotlib.rc_context(style):
                display = draw()
                display.ax_.set_title(title)
                display.figure_.savefig(
                    os.path.join(directory, f"{prefix}{name}.png"), format="png"
                )
        except Exception as error:
            _logger.warning(
                "The artifact %s%s will not be recorded. Artifact error: %s", prefix, name, error
            )
