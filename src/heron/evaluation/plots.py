"""The classifier plots ``evaluate`` logs: confusion matrix, ROC and precision-recall curves.

Drawn on matplotlib ``Figure`` objects (no pyplot), so the user's backend and open figures
are left alone, and saved as PNG files with MLflow's names.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from typing import Any

_logger = logging.getLogger(__name__)

_STYLE: Any = {"figure.dpi": 175, "figure.figsize": [6.0, 4.0], "font.size": 8}


def save_plot(draw: Callable[[Any], None], path: str) -> bool:
    """Draw on a new figure and save it as PNG; a failure is a warning and returns False."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError as error:
        _logger.warning("matplotlib is not installed (%s): plots are not logged.", error)
        return False
    try:
        with matplotlib.rc_context(_STYLE):
            figure = Figure(layout="tight")
            draw(figure)
            figure.savefig(path, bbox_inches="tight")
    except Exception as error:
        _logger.warning("Failed to log image artifact %r: %r", os.path.basename(path), error)
        return False
    return True


def confusion_matrix(y_true: Any, y_pred: Any, labels: Any, weight: Any) -> Callable[[Any], None]:
    """A drawer of the normalized confusion matrix."""
    from sklearn import metrics

    matrix = metrics.confusion_matrix(
        y_true, y_pred, labels=labels, normalize="true", sample_weight=weight
    )

    def draw(figure: Any) -> None:
        import matplotlib

        fonts: Any = {"font.size": min(8, math.ceil(50.0 / len(labels))), "axes.labelsize": 8}
        with matplotlib.rc_context(fonts):
            ax = figure.subplots()
            display = metrics.ConfusionMatrixDisplay(matrix, display_labels=labels)
            display.plot(cmap="Blues", ax=ax)
            ax.set_title("Normalized confusion matrix")

    return draw


def _curves(
    y_true: Any, proba: Any, labels: Any, pos_label: Any, kind: str
) -> list[tuple[str, Any, Any]]:
    import numpy as np
    from sklearn import metrics

    def one(y: Any, score: Any, positive: Any, weight: Any = None) -> tuple[Any, Any, str]:
        if kind == "roc":
            fpr, tpr, _ = metrics.roc_curve(y, score, pos_label=positive)
            auc = metrics.roc_auc_score(np.asarray(y) == positive, score)
            return fpr, tpr, f"AUC={auc:.3f}"
        precision, recall, _ = metrics.precision_recall_curve(y, score, pos_label=positive)
        ap = metrics.average_precision_score(y, score, pos_label=positive)
        return recall, precision, f"AP={ap:.3f}"

    proba = np.asarray(proba)
    if len(labels) == 2:
        index = list(labels).index(pos_label) if pos_label in list(labels) else 1
        x, y, label = one(y_true, proba[:, min(index, proba.shape[1] - 1)], pos_label)
        return [(label, x, y)]
    series = []
    for index, label_value in enumerate(labels):
        y_bin = np.where(np.asarray(y_true) == label_value, 1, 0)
        x, y, label = one(y_bin, proba[:, index], 1)
        series.append((f"label={label_value},{label}", x, y))
    return series


def curve(y_true: Any, proba: Any, labels: Any, pos_label: Any, kind: str) -> Callable[[Any], None]:
    """A drawer of the ROC (``kind="roc"``) or precision-recall (``"pr"``) curves."""
    series = _curves(y_true, proba, labels, pos_label, kind)
    if kind == "roc":
        xlabel, ylabel, title, diagonal = (
            "False Positive Rate",
            "True Positive Rate",
            "ROC curve",
            [0, 1],
        )
    else:
        xlabel, ylabel, title, diagonal = "Recall", "Precision", "Precision recall curve", [1, 0]

    def draw(figure: Any) -> None:
        ax = figure.subplots()
        for label, x, y in series:
            ax.plot(x, y, label=label, drawstyle="steps-post", linewidth=1)
        ax.plot([0, 1], diagonal, color="gray", alpha=0.3, linestyle="dashed")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(loc="best" if len(series) == 1 else "center left")

    return draw
