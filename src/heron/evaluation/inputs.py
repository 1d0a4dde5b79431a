"""The data ``evaluate`` works on: features, targets and (static) predictions.

``data`` may be a pandas or Spark DataFrame (``targets`` and ``predictions`` name columns;
of a Spark DataFrame, the first 10,000 rows, as in MLflow), a numpy array or a list
(``targets`` is an array), or a ``heron.data`` dataset (its targets and predictions
columns). It becomes a ``heron.data`` dataset too (MLflow's digest), logged as the run's
input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from heron.evaluation.dataset_tag import numpy_feature_names
from heron.exceptions import InvalidParameter


@dataclass
class EvalData:
    """Evaluation inputs, ready for metrics.

    Attributes:
        features: The model's input (a DataFrame; numpy data gets ``feature_names`` or
            ``feature_1``... columns, as in MLflow).
        targets: The labels as a numpy array, or None.
        predictions: Static predictions as a numpy array (``model=None``), or None.
        dataset: The ``heron.data`` dataset logged as the run's input, or None.
    """

    features: Any
    targets: Any
    predictions: Any
    dataset: Any


def _from_frame(frame: Any, targets: Any, predictions: Any, feature_names: Any) -> EvalData:
    for role, column in (("targets", targets), ("predictions", predictions)):
        if column is not None and column not in frame.columns:
            raise InvalidParameter(
                f"The {role} column '{column}' is not a column of the evaluation data "
                f"(columns: {', '.join(map(str, frame.columns))})."
            )
    drop = [c for c in (targets, predictions) if c is not None]
    features = frame.drop(columns=drop)
    if feature_names is not None:
        missing = [name for name in feature_names if name not in features.columns]
        if missing:
            raise InvalidParameter(f"feature_names not in the evaluation data: {missing}")
        features = features[list(feature_names)]
    return EvalData(
        features,
        frame[targets].to_numpy() if targets is not None else None,
        frame[predictions].to_numpy() if predictions is not None else None,
        None,
    )


def _from_array(data: Any, targets: Any, feature_names: Any) -> EvalData:
    import numpy as np
    import pandas as pd

    array = np.asarray(data)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise InvalidParameter("Evaluation data must be 2-dimensional (rows x features).")
    names = list(feature_names) if feature_names is not None else None
    if names is None:
        names = numpy_feature_names(array.shape[1])
    if len(names) != array.shape[1]:
        raise InvalidParameter(
            f"feature_names has {len(names)} names but the data has {array.shape[1]} columns."
        )
    target_array = np.asarray(targets) if targets is not None else None
    if target_array is not None and len(target_array) != len(array):
        raise InvalidParameter(
            f"The targets ({len(target_array)} values) and the data ({len(array)} rows) "
            "differ in length."
        )
    return EvalData(pd.DataFrame(array, columns=names), target_array, None, None)


def _is_spark_frame(data: Any) -> bool:
    import sys

    if "pyspark" not in sys.modules:  # never import pyspark for someone else's data
        return False
    from pyspark.sql import DataFrame

    return isinstance(data, DataFrame)


def prepare(
    data: Any, targets: Any, predictions: Any, feature_names: Any, static: bool
) -> EvalData:
    """Split ``data`` into features, targets and predictions, and make its dataset.

    Args:
        data: A DataFrame, numpy array, list or ``heron.data`` dataset.
        targets: The label column (DataFrame) or array (numpy/list), or None.
        predictions: With ``static``, the predictions column; else the output column to use.
        feature_names: Feature columns to use (DataFrame) or to name (numpy).
        static: No model: predictions come from the data.

    Raises:
        InvalidParameter: Unsupported data, or columns that do not exist.
    """
    import numpy as np
    import pandas as pd

    from heron import data as datasets

    if isinstance(data, datasets.PandasDataset):
        targets = targets if targets is not None else data.targets
        predictions = predictions if predictions is not None else data.predictions
        prepared = _from_frame(data.df, targets, predictions if static else None, feature_names)
        prepared.dataset = data
        return prepared
    if isinstance(data, datasets.SparkDataset):  # MLflow evaluates its first 10,000 rows
        static_column = predictions if static else None
        prepared = _from_frame(data.to_pandas(), targets, static_column, feature_names)
        prepared.dataset = data
        return prepared
    if _is_spark_frame(data):
        return prepare(
            datasets.from_spark(data, targets=targets, predictions=predictions if static else None),
            targets,
            predictions,
            feature_names,
            static,
        )
    if isinstance(data, datasets.NumpyDataset):
        prepared = _from_array(data.features, data.targets, feature_names)
        prepared.dataset = data
        return prepared
    if isinstance(data, pd.DataFrame):
        prepared = _from_frame(data, targets, predictions if static else None, feature_names)
        prepared.dataset = datasets.from_pandas(
            data, targets=targets, predictions=predictions if static else None
        )
        return prepared
    if isinstance(data, (np.ndarray, list)):
        if static and predictions is not None:
            raise InvalidParameter(
                "The predictions argument names a column: it needs a pandas DataFrame."
            )
        prepared = _from_array(data, targets, feature_names)
        rows = np.asarray(data)
        rows = rows.reshape(-1, 1) if rows.ndim == 1 else rows
        prepared.dataset = datasets.from_numpy(rows, targets=prepared.targets)
        return prepared
    raise InvalidParameter(
        "The data argument must be a pandas DataFrame, a Spark DataFrame, a numpy array, a "
        f"list or a heron.data dataset, not {type(data).__name__}."
    )


def dataset_entry(data: EvalData, path: str | None) -> dict[str, Any]:
    """The ``mlflow.datasets`` tag entry of the evaluation data: name, hash and path.

    The hash is MLflow's ``EvaluationDataset`` hash of the features as MLflow holds them (a
    DataFrame, or the numpy array of numpy and list data) and the targets.
    """
    import numpy as np

    from heron import data as datasets
    from heron.evaluation.dataset_tag import evaluation_hash

    features = data.features
    names = [c if isinstance(c, str) else f"feature_{c}" for c in features.columns]
    raw = data.dataset.features if isinstance(data.dataset, datasets.NumpyDataset) else None
    if isinstance(raw, np.ndarray) and raw.ndim == 2:
        features = raw
    digest = evaluation_hash(features, data.targets, None, names)
    entry = {"name": data.dataset.name if data.dataset is not None else digest, "hash": digest}
    if path is not None:
        entry["path"] = path
    return entry
