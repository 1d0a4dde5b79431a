"""MLflow's environment variables as objects (``mlflow.environment_variables``).

``heron.environment_variables.MLFLOW_TRACKING_URI.get()`` gives the tracking URI Heron uses;
``.set(value)``, ``.unset()``, ``.is_set()``, ``.name`` and ``.default`` work as in MLflow.
The variables Heron honours read and write :mod:`heron.config` (see
:mod:`~heron.environment_variables.honoured`); the others keep MLflow's defaults
(:mod:`~heron.environment_variables.catalog`).
"""

from __future__ import annotations

from heron.environment_variables.catalog import *  # noqa: F403
from heron.environment_variables.honoured import *  # noqa: F403
from heron.environment_variables.variables import (
    BooleanEnvironmentVariable,
    EnvironmentVariable,
    SettingVariable,
)

_EnvironmentVariable = EnvironmentVariable  # MLflow's private names, which some scripts use
_BooleanEnvironmentVariable = BooleanEnvironmentVariable

__all__ = ["BooleanEnvironmentVariable", "EnvironmentVariable", "SettingVariable"]
