"""Cheap reads of a DataFrame's column labels and dtypes, for checks made on every predict.

With pandas 3, column labels are Arrow-backed strings: ``df.dtypes`` builds a Series indexed
by them (~50 µs for four columns), iterating ``df.columns`` boxes each label, and
``pd.DataFrame(array, columns=[...])`` converts the label list each time. Schema enforcement
reads the labels once as a list, the dtypes from the frame's blocks, and builds frames from
arrays with an Index made once per signature, so its cost per call stays a few µs.
"""

from __future__ import annotations

import functools
import sys
from typing import Any


def is_dataframe(data: Any) -> bool:
    """Whether ``data`` is a pandas DataFrame, without importing pandas to find out.

    A DataFrame can only exist once pandas is imported, so a numpy-only caller (an ONNX or
    PyTorch model fed arrays) never pays pandas' import (~0.5 s) on its first predict.
    """
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


def column_labels(df: Any) -> list[Any]:
    """The frame's column labels as a plain list."""
    return list(df.columns.tolist())


def column_dtypes(df: Any) -> list[Any]:
    """The dtype of each column, in order, without building a ``df.dtypes`` Series.

    pandas' block manager knows them (``get_dtypes`` exists since pandas 1.x); any other
    frame-like object, or a manager that disagrees on the count, goes through ``df.dtypes``.
    """
    manager = getattr(df, "_mgr", None)
    get_dtypes = getattr(manager, "get_dtypes", None)
    if get_dtypes is not None:
        dtypes = get_dtypes()
        if len(dtypes) == df.shape[1]:
            return list(dtypes)
    return list(df.dtypes)


@functools.lru_cache(maxsize=256)
def column_index(names: tuple[Any, ...]) -> Any:
    """A pandas Index of ``names``, made once; give frames a ``.view()`` of it (its data is
    immutable and shared, while a frame may still rename its own view)."""
    import pandas as pd

    return pd.Index(names)
