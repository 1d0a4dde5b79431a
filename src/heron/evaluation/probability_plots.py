"""Plots of a classifier's predicted probabilities: the lift curve and the calibration curve.

``lift_curve_plot`` (binary problems): for each class, the fraction of that class found in
the top x% of rows ranked by its probability, divided by x, against a baseline of 1.
``calibration_curve_plot``: the fraction of positives per probability bin against the mean
predicted probability (binary: the positive class; multiclass: one line per class), with
MLflow's ``calibration_classifier_name`` and ``calibration_n_bins`` evaluator options.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heron.evaluation.artifacts import ArtifactSet
    from heron.evaluation.classifier import Labels

_logger = logging.getLogger(__name__)


def _lift(y_true: Any, score: Any, positive: Any) -> tuple[Any, Any]:
    """Percent of rows (x) and lift (y) when ranking by ``score`` for class ``positive``."""
    import numpy as np

    hits = (np.asarray(y_true) == positive)[np.argsort(np.asarray(score))[::-1]]
    share = np.arange(1, len(hits) + 1) / float(len(hits))
    gains = np.cumsum(hits) / float(np.sum(hits))
    return share, gains / share


def lift_curve(y_true: Any, proba: Any, pos_label: Any) -> Callable[[Any], None]:
    """A drawer of the lift curve of both classes of a binary problem.

    Raises:
        ValueError: The targets do not hold exactly two classes.
    """
    import numpy as np

    classes = np.unique(np.asarray(y_true))
    if len(classes) != 2:
        raise ValueError(f"Cannot calculate Lift Curve for data with {len(classes)} category/ies")
    proba = np.asarray(proba)
    series = []
    for index, label in enumerate(classes):
        x, y = _lift(y_true, proba[:, index], label)
        marked = " (positive)" if pos_label is not None and label == pos_label else ""
        series.append((f"Class {label}{marked}", x, y))

    def draw(figure: Any) -> None:
        ax = figure.subplots()
        ax.set_title("Lift Curve", fontsize="large")
        for label, x, y in series:
            ax.plot(x, y, lw=3, label=label)
        ax.plot([0, 1], [1, 1], "k--", lw=2, label="Baseline")
        ax.set_xlabel("Percentage of sample", fontsize="medium")
        ax.set_ylabel("Lift", fontsize="medium")
        ax.tick_params(labelsize="medium")
        ax.grid(True)
        ax.legend(loc="best", fontsize="medium")

    return draw


def calibration_options(config: dict[str, Any]) -> tuple[str | None, int]:
    """The classifier name and bin count of the ``calibration_*`` evaluator options.

    Raises:
        TypeError: ``calibration_classifier_name`` is not a str or ``calibration_n_bins``
            not an int (MLflow's checks; the plot is then skipped with a warning).
    """
    name = config.get("calibration_classifier_name")
    bins = config.get("calibration_n_bins", 10)
    if name is not None and not isinstance(name, str):
        raise TypeError("calibration_classifier_name should be of type string")
    if not isinstance(bins, int) or isinstance(bins, bool):
        raise TypeError("calibration_n_bins should be of type int")
    return name, bins


def calibration_curve(
    y_true: Any, proba: Any, labels: Any, pos_label: Any, config: dict[str, Any]
) -> Callable[[Any], None]:
    """A drawer of the calibration curve (one line per class for multiclass problems).

    Raises:
        TypeError: Bad ``calibration_*`` options (see :func:`calibration_options`).
    """
    import numpy as np
    from sklearn.calibration import calibration_curve as bins_of

    name, n_bins = calibration_options(config)
    proba = np.asarray(proba)
    y = np.asarray(y_true)
    ordered = np.sort(np.asarray(labels))
    if proba.shape[-1] == 2:
        matches = np.where(ordered == pos_label)[0]
        index = int(matches[0]) if len(matches) else 1
        positive = pos_label if len(matches) else ordered[1]
        true, predicted = bins_of(y == positive, proba[:, index], n_bins=n_bins)
        series = [(name or "Classifier", predicted, true)]
    else:
        series = []
        for index, label in enumerate(ordered):
            true, predicted = bins_of(y == label, proba[:, index], n_bins=n_bins)
            series.append((f"Class {label}", predicted, true))
    binary = proba.shape[-1] == 2

    def draw(figure: Any) -> None:
        ax = figure.subplots()
        ax.plot([0, 1], [0, 1], linestyle="dotted", color="black", label="Perfect Calibration")
        for label, x, y_values in series:
            ax.plot(x, y_values, marker="s" if binary else "o", markersize=3, label=label)
        if binary:
            ax.set_xlabel("Mean predicted probability (Positive class: " + f"{pos_label})")
            ax.set_ylabel("Fraction of positives (Positive class: " + f"{pos_label})")
            ax.legend(loc="lower right")
        else:
            ax.set_title(f"{name or 'Classifier'} Calibration", fontsize=12)
            ax.set_xlabel("Mean Predicted Probability", fontsize=10)
            ax.set_ylabel("Fraction of True Positives", fontsize=10)
            ax.legend(
                loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=max(1, len(series) // 3)
            )

    return draw


def write_plots(
    y_true: Any, proba: Any, labels: Labels, config: dict[str, Any], write: ArtifactSet, prefix: str
) -> None:
    """Write ``lift_curve_plot`` (binary) and ``calibration_curve_plot``; failures warn."""
    calibration_config = {k: v for k, v in config.items() if k.startswith("calibration_")}
    makers: list[tuple[str, Callable[[], Callable[[Any], None]]]] = []
    if labels.binary:
        makers.append(("lift_curve_plot", lambda: lift_curve(y_true, proba, labels.pos_label)))
    makers.append(
        (
            "calibration_curve_plot",
            lambda: calibration_curve(
                y_true, proba, labels.values, labels.pos_label, calibration_config
            ),
        )
    )
    for name, make in makers:
        try:
            draw = make()
        except (TypeError, ValueError) as error:
            _logger.warning("Failed to log image artifact %r: %r", name, error)
            continue
        write.image(f"{prefix}{name}", draw)
