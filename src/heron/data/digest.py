"""Dataset digests computed exactly as MLflow computes them, so equal data gets equal digests.

Both digests are the first 8 hex characters of an MD5 over: the first 10,000 rows (pandas,
string and numeric columns only, hashed with pandas' row hasher) or elements (numpy, each
array flattened), then the full row count or array shape, then (pandas) the column names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from heron.exceptions import InvalidParameter

MAX_ROWS = 10000
"""Rows (pandas) or elements (numpy) that enter the digest; the rest only through sizes."""


def normalized_md5_digest(elements: Iterable[Any]) -> str:
    """The 8-character truncated MD5 of byte-like elements, in order.

    Raises:
        InvalidParameter: No elements.
    """
    md5 = hashlib.md5(usedforsecurity=False)
    count = 0
    for element in elements:
        md5.update(element)
        count += 1
    if not count:
        raise InvalidParameter("No hashable elements were provided for md5 digest creation")
    return md5.hexdigest()[:8]


def pandas_digest(df: Any) -> str:
    """The digest of a pandas DataFrame (MLflow's ``compute_pandas_digest``)."""
    import numpy as np
    import pandas as pd

    trimmed = df.head(MAX_ROWS)
    # MLflow keeps the columns whose every value (in the whole frame) is a str; only object
    # and string columns can qualify, so only they are scanned.
    string_columns = pd.Index(
        [
            column
            for column, dtype in df.dtypes.items()
            if (dtype.kind == "O" or isinstance(dtype, pd.StringDtype))
            and all(type(value) is str for value in df[column])
        ]
    )
    numeric_columns = trimmed.select_dtypes(include=[np.number]).columns
    trimmed = trimmed[string_columns.union(numeric_columns)]
    elements: list[Any] = [pd.util.hash_pandas_object(trimmed).values, np.int64(len(df))]
    elements.extend(str(column).encode() for column in df.columns)
    return normalized_md5_digest(elements)


def numpy_digest(features: Any, targets: Any = None) -> str:
    """The digest of numpy features and optional targets (arrays or dicts of arrays)."""
    import numpy as np
    import pandas as pd

    elements: list[Any] = []

    def add_array(array: Any) -> None:
        trimmed = array.flatten()[0:MAX_ROWS]
        try:
            elements.append(pd.util.hash_array(trimmed))
        except TypeError:
            elements.append(np.int64(trimmed.size))
        elements.extend(np.int64(size) for size in array.shape)

    for item in (features, targets):
        if item is None:
            continue
        if isinstance(item, Mapping):
            for key in sorted(item):
                add_array(item[key])
        else:
            add_array(item)
    return normalized_md5_digest(elements)


def spark_digest(semantic_hash: int) -> str:
    """The digest of a Spark DataFrame from its plan's ``semanticHash()`` (MLflow's way).

    Spark's semantic hash of a plan reading files or local rows changes from one Spark
    session to the next, so such digests only match within one session (as in MLflow).
    """
    import numpy as np

    return normalized_md5_digest([np.int64(semantic_hash)])
