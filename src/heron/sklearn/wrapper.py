"""The pyfunc view of a scikit-learn estimator: ``predict`` calls the configured method."""

from __future__ import annotations

from typing import Any

from heron.exceptions import InvalidParameter

# Methods a model may name in ``pyfunc_predict_fn``, besides ``predict`` (MLflow's list).
CUSTOM_PREDICT_FNS = ("predict_proba", "predict_log_proba", "predict_joint_log_proba", "score")


class SklearnModelWrapper:
    """Wraps an estimator for ``heron.pyfunc``; ``predict`` calls ``predict_fn`` on it.

    The custom methods (``predict_proba`` ...) are also exposed as attributes, as in MLflow,
    so a pyfunc loader that calls ``getattr(wrapper, predict_fn)`` finds them too.
    """

    def __init__(self, sklearn_model: Any, predict_fn: str = "predict") -> None:
        """Wrap ``sklearn_model``; ``predict`` will call its method ``predict_fn``."""
        method = getattr(sklearn_model, predict_fn, None)
        if not callable(method):
            raise InvalidParameter(
                f"The sklearn model {type(sklearn_model).__name__} has no method "
                f"{predict_fn!r} to use as its pyfunc predict function."
            )
        self.sklearn_model = sklearn_model
        self.predict_fn = predict_fn
        self._predict = method
        for name in CUSTOM_PREDICT_FNS:
            if (fn := getattr(sklearn_model, name, None)) is not None:
                setattr(self, name, fn)

    def get_raw_model(self) -> Any:
        """The underlying scikit-learn estimator."""
        return self.sklearn_model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The estimator's ``predict_fn`` applied to ``data`` (``params`` are not used)."""
        return self._predict(data)
