"""The pyfunc view of an XGBoost model: DataFrames and arrays in, predictions out."""

from __future__ import annotations

import inspect
import logging
from typing import Any

_logger = logging.getLogger(__name__)


def accepted_params(function: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The params ``function`` accepts; the others are dropped with a warning (as MLflow)."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return params
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters.values()):
        return params
    dropped = sorted(set(params) - set(parameters))
    if dropped:
        _logger.warning("Params %s are not accepted by the model, ignoring them", dropped)
    return {k: v for k, v in params.items() if k in parameters}


class XGBModelWrapper:
    """Wraps an XGBoost Booster (predicting on a DMatrix of the input) or sklearn-API model.

    ``predict_proba`` is exposed for classifiers, so a pyfunc ``predict_fn`` can name it.
    """

    def __init__(self, xgb_model: Any) -> None:
        self.xgb_model = xgb_model
        if callable(getattr(xgb_model, "predict_proba", None)):
            self.predict_proba = self._predict_proba

    def get_raw_model(self) -> Any:
        """The underlying XGBoost model."""
        return self.xgb_model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The model's predictions; ``params`` the predict method accepts are passed on."""
        import xgboost

        model = self.xgb_model
        params = accepted_params(model.predict, dict(params)) if params else {}
        if isinstance(model, xgboost.Booster):
            return model.predict(xgboost.DMatrix(data), validate_features=True, **params)
        return model.predict(data, **params)

    def _predict_proba(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        model = self.xgb_model
        kwargs = accepted_params(model.predict_proba, dict(params)) if params else {}
        return model.predict_proba(data, **kwargs)
