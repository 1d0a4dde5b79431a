"""MLflow's ``mlflow.client`` import path: ``from heron.client import MlflowClient``."""

from __future__ import annotations

from heron.tracking.client import MlflowClient

__all__ = ["MlflowClient"]
