"""Post-training metrics: ``sklearn.metrics`` calls and ``model.score`` after an autologged fit.

After ``model.fit`` under autologging (scikit-learn's, or XGBoost's and LightGBM's for their
scikit-learn API estimators), ``model.predict(X_test)`` remembers which dataset the
prediction came from (by the caller's variable name), and ``r2_score(y_test, predictions)``
or ``model.score(X_test, y_test)`` is logged to the model's run as ``r2_score_X_test`` or
``LinearRegression_score_X_test``; a second call of the same metric is ``r2_score-2_X_test``.
``metric_info.json`` records each metric's call. Names follow MLflow's rules exactly.

The state is one per process, shared by every flavor that patches these calls, so a metric
is logged once even when two flavors' patches wrap the same ``sklearn.metrics`` function.
:func:`suspended` marks the calls (a fit, a metric, ``score``, ``predict``) inside which
nothing is logged, as MLflow's ``disable_log_post_training_metrics`` does; it is per thread.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterator
from types import FrameType
from typing import Any

from heron.autologging import get_autologging_config

RUN_ID_ATTRIBUTE = "_mlflow_run_id"
"""The attribute MLflow sets on an autologged estimator: the id of the run it was fitted in."""

_EXCLUDED_METRIC_APIS = {"check_scoring", "get_scorer", "make_scorer", "get_scorer_names"}


def metric_api_names() -> list[str]:
    """The ``sklearn.metrics`` functions patched for post-training metrics (MLflow's list)."""
    from sklearn import metrics

    return [
        name
        for name in metrics.__all__
        if name not in _EXCLUDED_METRIC_APIS
        and not name.startswith("plot_")
        and callable(getattr(metrics, name))
        and not inspect.isclass(getattr(metrics, name))
    ]


def _frame_args(frame: FrameType) -> list[Any]:
    info = inspect.getargvalues(frame)
    values = [info.locals[name] for name in info.args]
    if info.varargs:
        values.extend(info.locals[info.varargs])
    if info.keywords:
        values.extend(info.locals[info.keywords].values())
    return values


def variable_name(value: Any, fallback: str) -> str:
    """The name the calling user code gives ``value`` (MLflow's rule), else ``fallback``.

    Frames of Heron and scikit-learn are skipped; in user code, a frame that received the
    value as an argument defers to its caller.
    """
    if value is None:
        return fallback
    frame = inspect.currentframe()
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(("heron.", "sklearn.", "functools")):
            frame = frame.f_back
            continue
        if any(value is arg for arg in _frame_args(frame)):
            frame = frame.f_back
            continue
        for name, local in frame.f_locals.items():
            if local is value:
                return name
        return fallback
    return fallback


class PostTrainingMetrics:
    """Which predictions came from which dataset and run, and metric names already used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._predictions: dict[int, tuple[str, str, str | None]] = {}
        self._datasets: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._calls: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.model_ids: dict[int, str] = {}
        self._eval_inputs: set[tuple[str, str]] = set()

    def first_eval_input(self, run_id: str, digest: str) -> bool:
        """True the first time a dataset digest is seen as an ``eval`` input of a run."""
        with self._lock:
            if (run_id, digest) in self._eval_inputs:
                return False
            self._eval_inputs.add((run_id, digest))
            return True

    @staticmethod
    def _indexed(name: str, index: int) -> str:
        return name if index == 0 else f"{name}-{index + 1}"

    def dataset_name(self, run_id: str, dataset: Any) -> str:
        """``X_test``, or ``X_test-2`` for a second object under the same variable name."""
        name = variable_name(dataset, "unknown_dataset")
        with self._lock:
            seen = self._datasets[run_id][name]
            if id(dataset) not in seen:
                seen.append(id(dataset))
            return self._indexed(name, seen.index(id(dataset)))

    def register_prediction(self, result: Any, dataset_name: str, run_id: str, model: Any) -> None:
        """Remember that ``result`` was predicted on ``dataset_name`` by the run's model."""
        key = id(result)
        with self._lock:
            self._predictions[key] = (dataset_name, run_id, self.model_ids.get(id(model)))
        # An object that is not weak-referenceable keeps its entry (live ids are unique).
        with contextlib.suppress(TypeError):
            weakref.finalize(result, self._forget, key)

    def _forget(self, key: int) -> None:
        with self._lock:
            self._predictions.pop(key, None)

    def lookup(self, values: list[Any]) -> tuple[str, str, str | None] | None:
        """(dataset name, run id, model id) of the first registered prediction in ``values``."""
        with self._lock:
            for value in values:
                found = self._predictions.get(id(value))
                if found is not None:
                    return found
        return None

    def metric_key(self, run_id: str, metric: str, dataset_name: str, command: str) -> str:
        """``{metric}[-{n}]_{dataset}``, recording the call for ``metric_info.json``."""
        with self._lock:
            calls = self._calls[run_id][metric]
            key = f"{self._indexed(metric, len(calls))}_{dataset_name}"
            calls.append((key, command))
            return key

    def metric_info(self, run_id: str) -> dict[str, str]:
        """Every recorded call of the run, sorted by metric key."""
        with self._lock:
            pairs = [pair for calls in self._calls[run_id].values() for pair in calls]
        return dict(sorted(pairs))


STATE = PostTrainingMetrics()


def _describe(value: Any) -> str:
    import numpy as np

    if value is None or np.isscalar(value):
        if isinstance(value, str) and len(value) > 32:
            return repr(value[:32] + "...")
        return repr(value)
    return variable_name(value, f"<{type(value).__name__}>")


def call_command(owner: Any, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """``metric_fn(y_true=y_test, y_pred=pred)``: how a metric was called (MLflow's format)."""
    names = list(inspect.signature(function).parameters)
    if owner is not None:
        names = names[1:]
        label = f"{type(owner).__name__}.{function.__name__}"
    else:
        label = function.__name__
    parts = [f"{name}={_describe(arg)}" for name, arg in zip(names, args, strict=False)]
    parts.extend(f"{name}={_describe(arg)}" for name, arg in kwargs.items())
    return f"{label}({', '.join(parts)})"


def is_loggable(value: Any) -> bool:
    """A number a metric can hold (booleans excluded)."""
    import numpy as np

    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def enabled(flavor: str) -> bool:
    """Whether ``flavor``'s configuration asks for post-training metrics (XGBoost's and
    LightGBM's always do: their ``autolog`` has no such option)."""
    return bool(get_autologging_config(flavor, "log_post_training_metrics", True))


_local = threading.local()


def is_suspended() -> bool:
    """Whether this thread is inside a call whose metric calls are not logged."""
    return bool(getattr(_local, "depth", 0))


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """No post-training metric is logged on this thread inside the block."""
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        yield
    finally:
        _local.depth -= 1


def register_fitted(estimator: Any, run_id: str, model_id: str | None) -> None:
    """Tie a fitted ``estimator`` to its run (MLflow's ``_mlflow_run_id`` attribute) and
    logged model, so its predictions and scores are logged there."""
    setattr(estimator, RUN_ID_ATTRIBUTE, run_id)
    if model_id:
        STATE.model_ids[id(estimator)] = model_id


def log_metric(run_id: str, key: str, value: Any, model_id: str | None) -> None:
    """Log one post-training metric and refresh the run's ``metric_info.json``."""
    from heron.tracking import session

    client = session.client()
    client.log_metric(run_id, key, float(value), model_id=model_id)
    client.log_dict(run_id, STATE.metric_info(run_id), "metric_info.json")
