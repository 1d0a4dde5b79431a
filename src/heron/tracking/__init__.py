"""Tracking: the MLflow-compatible client and the fluent API built on it.

``from heron.tracking import MlflowClient`` works as ``from mlflow.tracking import
MlflowClient`` does. Names are imported on first use, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heron.tracking.async_logging import RunOperations, flush_async_logging
    from heron.tracking.client import MlflowClient
    from heron.tracking.session import (
        get_registry_uri,
        get_tracking_uri,
        is_tracking_uri_set,
        set_registry_uri,
        set_tracking_uri,
    )

_LAZY = {
    "MlflowClient": "heron.tracking.client",
    "RunOperations": "heron.tracking.async_logging",
    "flush_async_logging": "heron.tracking.async_logging",
    **dict.fromkeys(
        (
            "get_registry_uri",
            "get_tracking_uri",
            "is_tracking_uri_set",
            "set_registry_uri",
            "set_tracking_uri",
        ),
        "heron.tracking.session",
    ),
}

__all__ = [
    "MlflowClient",
    "RunOperations",
    "flush_async_logging",
    "get_registry_uri",
    "get_tracking_uri",
    "is_tracking_uri_set",
    "set_registry_uri",
    "set_tracking_uri",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'heron.tracking' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
