"""SHAP explanations ``evaluate`` logs when ``shap`` is installed, as MLflow's evaluator does.

On up to ``explainability_nsamples`` rows (2000; sampled with ``random_state=0``, missing
values filled with each column's mean or mode), a SHAP explainer (the scikit-learn model's
own for regressors and binary classifiers, else one over ``predict``; or the
``explainability_algorithm`` asked for) explains the predictions, and the beeswarm, summary
and feature-importance plots are logged (``shap_beeswarm_plot.png``, ...). Turned off with
``evaluator_config={"log_model_explainability": False}``; a failure is a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from heron.exceptions import InvalidParameter

_logger = logging.getLogger(__name__)

ALGORITHMS = ("exact", "permutation", "partition", "kernel")
DEFAULT_SAMPLE_ROWS = 2000


def _filled_sample(shap: Any, features: Any, rows: int, seed: int) -> Any:
    import numpy as np

    sample = shap.sample(features, rows, random_state=seed)
    fill = {
        column: (
            features[column].mean()
            if np.issubdtype(features[column].dtype, np.number)
            else features[column].mode().iloc[0]
        )
        for column in features.columns
        if features[column].isna().any()
    }
    return sample.fillna(fill) if fill else sample


def _explainer(shap: Any, predictor: Any, sample: Any, labels: Any, config: dict[str, Any]) -> Any:
    import pandas as pd
    from sklearn.pipeline import Pipeline

    names = list(sample.columns)

    def predict(rows: Any) -> Any:
        return predictor.predict(pd.DataFrame(rows, columns=names))

    algorithm = config.get("explainability_algorithm")
    if algorithm == "kernel":
        background = _filled_sample(shap, sample, len(sample), 3)
        link = config.get("explainability_kernel_link", "identity")
        if link not in ("identity", "logit"):
            raise InvalidParameter(
                "explainability_kernel_link config can only be set to 'identity' or 'logit', "
                f"but got '{link}'."
            )
        return shap.KernelExplainer(predict, background, link=link)
    if algorithm:
        return shap.Explainer(predict, sample, feature_names=names, algorithm=algorithm)
    raw = predictor.sklearn_model
    if raw is not None and len(labels) <= 2 and not isinstance(raw, Pipeline):
        return shap.Explainer(raw, sample, feature_names=names)
    return shap.Explainer(predict, sample, feature_names=names)


def log_explanations(
    predictor: Any, features: Any, y_true: Any, y_pred: Any, config: dict[str, Any], written: Any
) -> None:
    """Explain the model on a sample and add the SHAP plots to ``written``.

    Raises:
        InvalidParameter: An unsupported ``explainability_algorithm``.
    """
    import numpy as np

    algorithm = config.get("explainability_algorithm")
    if algorithm is not None and algorithm not in ALGORITHMS:
        raise InvalidParameter(
            f"Specified explainer algorithm {algorithm} is unsupported. Currently only support "
            f"{','.join(ALGORITHMS)} algorithms."
        )
    if not config.get("log_model_explainability", True) or predictor is None:
        return
    try:
        import shap  # type: ignore[import-untyped,import-not-found,unused-ignore]
        from matplotlib import pyplot
    except ImportError:
        _logger.info("SHAP or matplotlib is not installed: no model explainability plots.")
        return
    y = np.asarray(y_true)
    numeric_features = all(np.issubdtype(t, np.number) for t in features.dtypes)
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == np.bool_) or (
        algorithm != "kernel" and not numeric_features
    ):
        _logger.warning("Skip logging model explainability insights: non-numeric data.")
        return
    rows = config.get("explainability_nsamples", DEFAULT_SAMPLE_ROWS)
    sample = _filled_sample(shap, features, rows, 0)
    labels = config.get("label_list")
    if labels is None:
        labels = np.unique(np.concatenate([y, np.asarray(y_pred)]))
    try:
        values = _explainer(shap, predictor, sample, labels, config)(sample)
    except InvalidParameter:
        raise
    except Exception as error:
        if not config.get("ignore_exceptions", True):
            raise
        _logger.warning("Shap evaluation failed. Reason: %r.", error)
        return
    plots: tuple[tuple[str, Callable[[], Any]], ...] = (
        ("shap_beeswarm_plot", lambda: shap.plots.beeswarm(values, show=False, color_bar=True)),
        ("shap_summary_plot", lambda: shap.summary_plot(values, show=False, color_bar=True)),
        ("shap_feature_importance_plot", lambda: shap.plots.bar(values, show=False)),
    )
    prefix = config.get("metric_prefix", "") or ""
    for name, draw in plots:
        figure = pyplot.figure()
        try:
            draw()
            written.figure(f"{prefix}{name}", pyplot.gcf())
        except Exception as error:
            _logger.warning("Failed to log image artifact %r: %r", name, error)
        finally:
            pyplot.close("all")
            del figure
