"""The pyfunc view of a LightGBM model: its ``predict`` on DataFrames and arrays."""

from __future__ import annotations

from typing import Any


class LGBModelWrapper:
    """Wraps a LightGBM Booster or scikit-learn-API model for ``heron.pyfunc``.

    ``predict_proba`` is exposed for classifiers, so a pyfunc ``predict_fn`` can name it.
    """

    def __init__(self, lgb_model: Any) -> None:
        self.lgb_model = lgb_model
        if callable(getattr(lgb_model, "predict_proba", None)):
            self.predict_proba = lgb_model.predict_proba

    def get_raw_model(self) -> Any:
        """The underlying LightGBM model."""
        return self.lgb_model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The model's predictions for ``data`` (``params`` are not used, as in MLflow)."""
        return self.lgb_model.predict(data)
