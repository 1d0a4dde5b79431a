"""``update_signature_for_type_hint_from_example``: a signature taken from an input example.

A ``PythonModel`` whose ``predict`` is annotated with MLflow's ``TypeFromExample`` gets its
signature from the input example; the signature is flagged so that the model's output is
converted back to the example's type. Only DataFrames, Series and lists qualify.
"""

from __future__ import annotations

import logging
from typing import Any

_logger = logging.getLogger(__name__)


def _example_qualifies(input_example: Any) -> bool:
    if isinstance(input_example, list):
        return True
    module = type(input_example).__module__.split(".")[0]
    return module == "pandas" and type(input_example).__name__ in ("DataFrame", "Series")


def update_signature_for_type_hint_from_example(input_example: Any, signature: Any) -> None:
    """Flag ``signature`` as inferred from ``input_example`` (a DataFrame, Series or list).

    Another kind of example only logs a warning, as in MLflow.
    """
    if _example_qualifies(input_example):
        signature._is_type_hint_from_example = True
    else:
        _logger.warning(
            "Input example must be one of pandas.DataFrame, pandas.Series or list when using "
            "TypeFromExample as type hint, got %s.",
            type(input_example),
        )
