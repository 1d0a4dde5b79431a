"""The feature importance bar chart XGBoost and LightGBM autologging log as
``feature_importance_<type>.png``, next to the JSON scores (as MLflow does).

Features are sorted by importance (per-class importances: by total magnitude, one bar per
class). Drawn on a matplotlib ``Figure`` (no pyplot state); without matplotlib nothing is
logged.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from typing import Any

_logger = logging.getLogger(__name__)


def draw_importance(features: Sequence[str], importance: Any, importance_type: str) -> Any:
    """A figure of horizontal importance bars, most important feature at the top."""
    import numpy as np
    from matplotlib.figure import Figure

    names = np.array(features)
    values = np.array(importance, dtype=float)
    if values.ndim <= 1:
        order = np.argsort(values)
        names, values, per_class = names[order], values[order].reshape(-1, 1), False
    else:
        order = np.argsort(np.abs(values).sum(axis=1))
        names, values, per_class = names[order], values[order], True
    classes = values.shape[1]
    height = (
        4.8 + (0.1 * len(names) if len(names) > 10 else 0) + (0.1 * classes if classes > 1 else 0)
    )
    figure = Figure(figsize=(6.4, height))
    ax = figure.subplots()
    offsets = np.linspace(-0.5, 0.5, classes) / 2 if classes > 1 else [0.0]
    for index in range(classes):
        bars = ax.barh(
            np.arange(len(names)) + offsets[index],
            values[:, index],
            align="center",
            height=0.5 / max(classes - 1, 1),
        )
        if per_class:
            bars.set_label(f"Class {index}")
    ax.set_yticks(np.arange(len(names)))
    ax.set_yticklabels(names)
    ax.set_xlabel("Importance")
    ax.set_title(f"Feature Importance ({importance_type})")
    if per_class:
        ax.legend()
    figure.tight_layout()
    return figure


def log_importance_plot(
    run_id: str, features: Sequence[str], importance: Any, importance_type: str
) -> None:
    """Log ``feature_importance_<type>.png``; skipped (debug log) without matplotlib."""
    from heron.tracking import session

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        _logger.debug("matplotlib is not installed: no feature importance plot")
        return
    figure = draw_importance(features, importance, importance_type)
    with tempfile.TemporaryDirectory(prefix="heron-importance-") as temp:
        path = os.path.join(temp, f"feature_importance_{importance_type}.png")
        figure.savefig(path)
        session.client().log_artifact(run_id, path)
