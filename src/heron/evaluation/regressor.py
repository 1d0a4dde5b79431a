"""The default regressor metrics, with MLflow's names and values."""

from __future__ import annotations

from typing import Any


def regressor_metrics(y_true: Any, y_pred: Any, sample_weight: Any) -> dict[str, float]:
    """``example_count``, MAE, MSE, RMSE, ``sum_on_target``, ``mean_on_target``, R2,
    ``max_error`` and MAPE of ``y_pred`` against ``y_true``.

    ``sum_on_target`` is a left-to-right sum, as MLflow's ``sum(y)``, so it matches exactly.
    """
    import numpy as np
    from sklearn import metrics

    y = np.asarray(y_true)
    if sample_weight is not None:
        total = float((y * np.asarray(sample_weight)).sum())
    else:
        total = float(np.cumsum(y)[-1]) if len(y) else 0.0
    weighted = {"sample_weight": sample_weight}
    return {
        "example_count": len(y),
        "mean_absolute_error": metrics.mean_absolute_error(y, y_pred, **weighted),
        "mean_squared_error": metrics.mean_squared_error(y, y_pred, **weighted),
        "root_mean_squared_error": metrics.root_mean_squared_error(y, y_pred, **weighted),
        "sum_on_target": total,
        "mean_on_target": total / len(y),
        "r2_score": metrics.r2_score(y, y_pred, **weighted),
        "max_error": metrics.max_error(y, y_pred),
        "mean_absolute_percentage_error": metrics.mean_absolute_percentage_error(
            y, y_pred, **weighted
        ),
    }
