"""How values are stored: metric values (NaN, infinities), times, ids."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from heron.entities import Metric
from heron.exceptions import InvalidParameter, NotFound
from heron.validation import experiment_number

#: What +/-infinity is stored (and returned) as, like MLflow's SQL store.
MAX_DOUBLE = 1.7976931348623157e308
NAN = math.nan


def encode_metric_value(value: float) -> tuple[float, bool]:
    """``(stored value, is_nan)``: NaN is stored as 0 with the flag, infinities clamped."""
    number = float(value)
    if math.isnan(number):
        return 0.0, True
    if number == math.inf:
        return MAX_DOUBLE, False
    if number == -math.inf:
        return -MAX_DOUBLE, False
    return number, False


def experiment_key(experiment_id: object) -> int:
    """An experiment id as stored (an integer).

    Raises:
        InvalidParameter: for ids that are not integers (``"abc"``, ``"1.5"``), as MLflow's
            SQL store answers.
        NotFound: for integers beyond the stored range.
    """
    number = experiment_number(experiment_id)
    if number is not None:
        return number
    text = str(experiment_id).strip().removeprefix("-")
    if text.isascii() and text.isdigit():
        raise NotFound(f"No Experiment with id={experiment_id} exists")
    raise InvalidParameter(
        f"Invalid experiment ID '{experiment_id}'. Experiment ID must be a valid integer."
    )


def _metric_factory() -> Callable[[str, float | None, int, int], Metric]:
    """A constructor of Metric(key, value, timestamp, step) for hot loops; None means NaN.

    Metric is a frozen slots dataclass, whose ``__init__`` pays for ``object.__setattr__``
    on each of its eight fields; setting the slots directly halves the cost of reading a
    long history. Falls back to the plain constructor if Metric's shape ever changes.
    """
    names = [f.name for f in dataclasses.fields(Metric)]
    optional = [f for f in dataclasses.fields(Metric)[4:] if f.default is not None]
    if (
        names[:4] != ["key", "value", "timestamp", "step"]
        or optional
        or "__slots__" not in vars(Metric)
    ):
        return lambda key, value, timestamp, step: Metric(
            key, NAN if value is None else value, timestamp, step
        )
    setters = [vars(Metric)[name].__set__ for name in names]
    set_key, set_value, set_timestamp, set_step = setters[:4]
    rest = setters[4:]
    new = object.__new__

    def make(key: str, value: float | None, timestamp: int, step: int) -> Metric:
        metric = new(Metric)
        set_key(metric, key)
        set_value(metric, NAN if value is None else value)
        set_timestamp(metric, timestamp)
        set_step(metric, step)
        for setter in rest:
            setter(metric, None)
        return metric

    return make


new_metric = _metric_factory()


def stored_metric(
    key: str,
    value: float | None,
    timestamp: int,
    step: int,
    model_id: str | None,
    dataset_name: str | None,
    dataset_digest: str | None,
) -> Metric:
    """A Metric from stored columns (None value means NaN), with the logged model and
    dataset it was computed for, if any; points without either take the fast path."""
    if model_id is None and dataset_name is None:
        return new_metric(key, value, timestamp, step)
    number = NAN if value is None else value
    return Metric(
        key,
        number,
        timestamp,
        step,
        dataset_name=dataset_name,
        dataset_digest=dataset_digest,
        model_id=model_id,
    )
