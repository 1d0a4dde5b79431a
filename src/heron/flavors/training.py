"""Shared parts of the training-library autologgers (scikit-learn, XGBoost, LightGBM, Keras)."""

from __future__ import annotations

import inspect
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def call_arguments(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    unlogged: Iterable[str] = (),
) -> dict[str, Any]:
    """``function``'s arguments by name, defaults included, minus ``unlogged`` (MLflow's
    ``get_mlflow_run_params_for_fn_args``)."""
    skipped = set(unlogged)
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return {}
    names = [n for n, p in parameters.items() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    values = {n: p.default for n, p in parameters.items() if p.default is not p.empty}
    values.update(zip(names, args, strict=False))
    values.update(kwargs)
    return {k: v for k, v in values.items() if k not in skipped and k in names}


def argument(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any], name: str
) -> Any:
    """The value given for parameter ``name`` (positionally or by keyword), else None."""
    if name in kwargs:
        return kwargs[name]
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return None
    index = names.index(name) if name in names else len(args)
    return args[index] if index < len(args) else None


def with_argument(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    name: str,
    value: Any,
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``args``/``kwargs`` with parameter ``name`` set to ``value`` where it was given."""
    names = list(inspect.signature(function).parameters)
    index = names.index(name)
    if index < len(args):
        return (*args[:index], value, *args[index + 1 :]), kwargs
    return args, {**kwargs, name: value}


def log_json_artifact(run_id: str, file_name: str, content: Any) -> None:
    """Write ``content`` as JSON and log it at the root of the run's artifacts."""
    from heron.tracking import session

    with tempfile.TemporaryDirectory(prefix="heron-autolog-") as temp:
        path = os.path.join(temp, file_name)
        with open(path, "w", encoding="utf-8") as out:
            json.dump(content, out)
        session.client().log_artifact(run_id, path)


def sanitized_metric_names(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Metric names with ``@`` (``ndcg@3``) written ``_at_``, as MLflow does."""
    return {str(k).replace("@", "_at_"): v for k, v in metrics.items()}


INPUT_EXAMPLE_ROWS = 5
"""Rows of the training data kept as the autologged model's input example (MLflow's 5)."""


_KEPT_EXAMPLE = "_heron_input_example"


def keep_input_example(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
    """A patched ``__init__`` of a training-data object (an XGBoost ``DMatrix``, a LightGBM
    ``Dataset``) that keeps the data's first rows, since the object cannot give them back,
    for the autologged model's input example (the failure to take them is kept instead)."""
    from copy import deepcopy

    data = args[0] if args else kwargs.get("data")
    if data is not None:
        try:
            if isinstance(data, str):
                raise ValueError("cannot gather example input when dataset is loaded from a file.")
            setattr(self, _KEPT_EXAMPLE, deepcopy(data[:INPUT_EXAMPLE_ROWS]))
        except Exception as error:
            setattr(self, _KEPT_EXAMPLE, error)
    return original(self, *args, **kwargs)


def kept_input_example(data_object: Any, kind: str) -> Callable[[], Any]:
    """The ``example`` function of :func:`example_and_signature` for a training-data object
    built under :func:`keep_input_example` (``kind`` names it in the error)."""

    def example() -> Any:
        rows = getattr(data_object, _KEPT_EXAMPLE, None)
        if rows is None:
            raise ValueError(f"the {kind} was built before autologging was enabled")
        if isinstance(rows, Exception):
            raise rows
        return rows

    return example


def example_and_signature(
    flavor: str, example: Callable[[], Any], predict: Callable[[Any], Any]
) -> tuple[Any, Any]:
    """The input example and signature an autologged model gets (MLflow's rules).

    The example is taken when ``log_input_examples`` or ``log_model_signatures`` is on (the
    signature is inferred from it and ``predict(example)``); either failure is a warning.

    Returns:
        ``(input_example or None, signature or None)``.
    """
    import logging
    from copy import deepcopy

    from heron.autologging import get_autologging_config
    from heron.models.signature import infer_signature

    logger = logging.getLogger(f"heron.{flavor}")
    want_example = get_autologging_config(flavor, "log_input_examples", False)
    want_signature = get_autologging_config(flavor, "log_model_signatures", True)
    if not (want_example or want_signature):
        return None, None
    try:
        rows = example()
    except Exception as error:
        logger.warning("Failed to gather input example: %s", error)
        return None, None
    signature = None
    if want_signature:
        try:
            signature = infer_signature(rows, predict(deepcopy(rows)))
        except Exception as error:
            logger.warning("Failed to infer model signature: %s", error)
    return (rows if want_example else None), signature


def log_dataset_inputs(flavor: str, run_id: str, datasets: list[tuple[Any, str]]) -> Any:
    """Log ``(heron.data dataset, context)`` pairs as run inputs when ``log_datasets`` is on;
    a failure is a warning. Returns the first dataset (the training one), or None."""
    import logging

    from heron.autologging import get_autologging_config
    from heron.entities import DatasetInput, InputTag
    from heron.entities.dataset import DATASET_CONTEXT_TAG
    from heron.tracking import session

    if not datasets or not get_autologging_config(flavor, "log_datasets", True):
        return None
    try:
        session.client().log_inputs(
            run_id,
            [
                DatasetInput(d._to_mlflow_entity(), (InputTag(DATASET_CONTEXT_TAG, c),))
                for d, c in datasets
            ],
        )
    except Exception as error:
        logging.getLogger(f"heron.{flavor}").warning(
            "Failed to log dataset information to MLflow Tracking. Reason: %s", error
        )
        return None
    return datasets[0][0]


def make_dataset(x: Any, y: Any) -> Any:
    """The training dataset (pandas, numpy or sparse X), or None for other types."""
    import numpy as np
    import pandas as pd

    from heron.data import from_numpy, from_pandas

    if isinstance(x, pd.DataFrame):
        return from_pandas(x)
    if hasattr(x, "toarray"):
        x = x.toarray()
        y = y.toarray() if hasattr(y, "toarray") else y
    if isinstance(x, np.ndarray):
        return from_numpy(x, targets=np.asarray(y) if y is not None else None)
    logging.getLogger(__name__).warning(
        "Unrecognized dataset type %s. Dataset logging skipped.", type(x)
    )
    return None
