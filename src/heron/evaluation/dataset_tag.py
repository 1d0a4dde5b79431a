"""The ``mlflow.datasets`` run tag ``evaluate`` writes, with MLflow's evaluation-dataset hash.

When the evaluated model is an MLflow model (it has a ``model_uuid``), MLflow appends
``{"name", "hash", ["path",] "model"}`` to the JSON list in the run's ``mlflow.datasets`` tag
(once per dataset and model). ``hash`` is the full MD5 hex of: for features, labels (and
static predictions), the row count then the rows (the first and last 5 when there are 10
or more), then the comma-joined feature names. This module computes it the same way.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

DATASETS_TAG = "mlflow.datasets"
SAMPLE_ROWS = 5


def _uint64_bytes(values: Any) -> bytes:
    import numpy as np

    return np.asarray(values, dtype="uint64").astype(">u8").tobytes()


def _has_dict(array: Any) -> bool:
    if array.size == 0:
        return False
    first = array.item(0)
    if isinstance(first, (list, tuple)) or hasattr(first, "shape"):
        import numpy as np

        return _has_dict(np.asarray(first))
    return isinstance(first, dict)


def _value_bytes(value: Any) -> bytes:
    import numpy as np
    import pandas as pd

    try:
        if isinstance(value, (list, np.ndarray)):
            return _ndarray_bytes(value)
        if isinstance(value, dict):
            keys = _ndarray_bytes(list(value.keys()))
            try:
                return keys + _ndarray_bytes(list(value.values()))
            except Exception:
                return keys + b"".join(_value_bytes(v) for v in value.values())
        if np.isscalar(value):
            return _uint64_bytes(pd.util.hash_array(np.array([value])))
    except Exception:
        pass
    return b""  # MLflow skips what it cannot hash


def _ndarray_bytes(array: Any) -> bytes:
    import numpy as np
    import pandas as pd

    array = np.asarray(array) if not isinstance(array, np.ndarray) else array
    if _has_dict(array):
        return b"".join(_value_bytes(item) for item in array)
    return _uint64_bytes(pd.util.hash_array(array.flatten(order="C"))) + _uint64_bytes(
        np.array(array.shape)
    )


def _frame_element(value: Any) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(value, (dict, list, np.ndarray)):
        return _value_bytes(value)
    try:
        pd.util.hash_array(np.array([value]))
    except TypeError:
        return b""
    return value


def _rows_bytes(data: Any) -> bytes:
    import numpy as np
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return _uint64_bytes(pd.util.hash_pandas_object(data.map(_frame_element)))
    if isinstance(data, np.ndarray) and len(data) and isinstance(data[0], list):
        return _ndarray_bytes(np.array([str(row) for row in data]))
    if isinstance(data, np.ndarray) and any(isinstance(row, np.ndarray) for row in data):
        try:
            return _ndarray_bytes(np.array(data.tolist()))
        except ValueError:  # ragged rows: each row and its size
            return b"".join(_value_bytes(r) + _uint64_bytes([np.size(r)]) for r in data)
    return _ndarray_bytes(data)


def _update(md5: Any, data: Any) -> None:
    md5.update(_uint64_bytes([len(data)]))
    if len(data) < SAMPLE_ROWS * 2:
        md5.update(_rows_bytes(data))
        return
    rows = data.iloc if hasattr(data, "iloc") else data
    md5.update(_rows_bytes(rows[:SAMPLE_ROWS]))
    md5.update(_rows_bytes(rows[-SAMPLE_ROWS:]))


def evaluation_hash(
    features: Any, labels: Any, predictions: Any, feature_names: Sequence[Any]
) -> str:
    """MLflow's ``EvaluationDataset.hash`` of features (a DataFrame or a 2-D array),
    labels and predictions (arrays or None) and the feature names."""
    md5 = hashlib.md5(usedforsecurity=False)
    for part in (features, labels, predictions):
        if part is not None:
            _update(md5, part)
    md5.update(",".join(map(str, feature_names)).encode("UTF-8"))
    return md5.hexdigest()


def numpy_feature_names(count: int) -> list[str]:
    """``feature_1``... for a numpy input, zero-padded to equal width (``feature_01``)."""
    width = math.ceil(math.log10(count + 1))
    return [f"feature_{str(i + 1).zfill(width)}" for i in range(count)]


def log_datasets_tag(
    client: Any, run_id: str, entry: dict[str, Any], model_uuid: str
) -> dict[str, Any]:
    """Append ``entry`` (name, hash, path) with the model to the run's ``mlflow.datasets`` tag.

    An entry with the same hash, name and model is not repeated. Returns the entry.
    """
    from heron.entities import RunTag

    existing = client.get_run(run_id).data.tags.get(DATASETS_TAG, "[]")
    try:
        listed = json.loads(existing)
    except ValueError:
        listed = []
    listed = listed if isinstance(listed, list) else []
    record = {**entry, "model": model_uuid}
    for item in listed:
        if isinstance(item, dict) and all(
            item.get(key) == record[key] for key in ("hash", "name", "model")
        ):
            break
    else:
        listed.append(record)
    client.log_batch(run_id, tags=[RunTag(DATASETS_TAG, json.dumps(listed, separators=(",", ":")))])
    return record
