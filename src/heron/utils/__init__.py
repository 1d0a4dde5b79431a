"""MLflow's ``mlflow.utils`` import path, for the names scripts import from it.

Only :mod:`heron.utils.mlflow_tags` (the reserved tag keys) lives here; Heron's own helpers
live in the packages of their concern.
"""

from __future__ import annotations

__all__ = ["mlflow_tags"]
