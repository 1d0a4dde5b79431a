"""MLflow's ``mlflow.pyfunc`` defaults: the pip requirements and conda environment a
``PythonModel`` gets when none are given, and the deprecated ``load_pyfunc``."""

from __future__ import annotations

import warnings
from typing import Any

from heron.models.environment import BASE_REQUIREMENT, conda_environment, pinned_requirement


def get_default_pip_requirements() -> list[str]:
    """The pip requirements of a python model: cloudpickle, pinned to the installed version."""
    return [pinned_requirement("cloudpickle")]


def get_default_conda_env() -> dict[str, Any]:
    """The conda environment of a python model: MLflow and :func:`get_default_pip_requirements`."""
    return conda_environment([BASE_REQUIREMENT, *get_default_pip_requirements()])


def load_pyfunc(model_uri: str, suppress_warnings: bool = False) -> Any:
    """Deprecated MLflow name of :func:`heron.pyfunc.load_model`."""
    from heron.pyfunc.loading import load_model

    warnings.warn(
        "The `load_pyfunc` function is deprecated, use `load_model` instead.",
        FutureWarning,
        stacklevel=2,
    )
    return load_model(model_uri, suppress_warnings=suppress_warnings)
