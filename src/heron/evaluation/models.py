"""What ``evaluate`` predicts with: a model URI, a pyfunc model, a callable, or nothing.

For scikit-learn models the estimator itself predicts (as in MLflow: its ``predict`` and
``predict_proba``, and ``score`` as a metric), skipping pyfunc's input conversion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from heron.exceptions import InvalidParameter


@dataclass
class Predictor:
    """How to predict, and the extras a scikit-learn model offers.

    Attributes:
        predict: ``predict(features) -> predictions``.
        predict_proba: Class probabilities, or None.
        sklearn_model: The raw estimator (for its ``score``), or None.
        model_id: The LoggedModel id the metrics belong to, or None.
        model_uuid: The MLflow model's ``model_uuid`` (for the ``mlflow.datasets`` tag).
    """

    predict: Callable[[Any], Any]
    predict_proba: Callable[[Any], Any] | None = None
    sklearn_model: Any = None
    model_id: str | None = None
    model_uuid: str | None = None


def resolve(model: Any, model_config: dict[str, Any] | None) -> Predictor | None:
    """A :class:`Predictor` for ``model`` (None when there is no model).

    Raises:
        InvalidParameter: ``model`` is none of the supported kinds.
    """
    from heron.pyfunc import PyFuncModel, load_model

    if model is None:
        return None
    if isinstance(model, str):
        model = load_model(model, model_config=model_config)
    if isinstance(model, PyFuncModel):
        model_id = getattr(model.metadata, "model_id", None)
        uuid = getattr(model.metadata, "model_uuid", None)
        if "sklearn" in model.metadata.flavors:
            raw = model.get_raw_model()
            proba = getattr(raw, "predict_proba", None)
            return Predictor(raw.predict, proba, raw, model_id, uuid)
        return Predictor(model.predict, None, None, model_id, uuid)
    if callable(model):
        return Predictor(model)
    raise InvalidParameter(
        "The model argument must be a model URI, a heron.pyfunc.PyFuncModel or a callable, "
        f"not {type(model).__name__}."
    )


def output_column(output: Any, predictions: str | None) -> Any:
    """The prediction vector from a model's output (a column of a DataFrame output).

    Raises:
        InvalidParameter: A multi-column output without ``predictions`` naming the column.
    """
    import numpy as np
    import pandas as pd

    if isinstance(output, pd.DataFrame):
        if predictions is not None:
            if predictions not in output.columns:
                raise InvalidParameter(f"The model output has no column '{predictions}'.")
            return output[predictions].to_numpy()
        if len(output.columns) != 1:
            raise InvalidParameter(
                "The model output has several columns: name the predictions column with "
                "the predictions argument."
            )
        return output.iloc[:, 0].to_numpy()
    if isinstance(output, dict):
        if predictions is None or predictions not in output:
            raise InvalidParameter("A dict model output needs the predictions argument.")
        return np.asarray(output[predictions])
    array = np.asarray(output)
    return array.reshape(-1) if array.ndim == 2 and array.shape[1] == 1 else array
