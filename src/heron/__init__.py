"""Heron: an MLflow-compatible platform for the machine-learning lifecycle.

``import heron as mlflow`` gives MLflow's fluent API: ``set_experiment``, ``start_run``,
``log_param``, ``log_metric``, ``search_runs``, ... Everything but the version is loaded on
first use (PEP 562), so importing Heron stays fast and pulls in no database driver, pandas,
numpy or web framework.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from heron.version import __version__

if TYPE_CHECKING:
    from heron import (
        artifacts,
        autologging,
        data,
        entities,
        evaluation,
        exceptions,
        models,
        pyfunc,
        sklearn,
        tracking,
        types,
    )
    from heron.autologging import autolog
    from heron.evaluation import evaluate, validate_evaluation_results
    from heron.exceptions import MlflowException
    from heron.tracking.async_logging import flush_async_logging
    from heron.tracking.client import MlflowClient
    from heron.tracking.fluent import (
        ActiveRun,
        active_run,
        create_experiment,
        delete_experiment,
        delete_run,
        delete_tag,
        end_run,
        get_artifact_uri,
        get_experiment,
        get_experiment_by_name,
        get_parent_run,
        get_registry_uri,
        get_run,
        get_tracking_uri,
        is_tracking_uri_set,
        last_active_run,
        log_artifact,
        log_artifacts,
        log_dict,
        log_figure,
        log_image,
        log_input,
        log_inputs,
        log_metric,
        log_metrics,
        log_param,
        log_params,
        log_table,
        log_text,
        search_experiments,
        search_runs,
        set_experiment,
        set_experiment_tag,
        set_experiment_tags,
        set_registry_uri,
        set_tag,
        set_tags,
        set_tracking_uri,
        start_run,
    )
    from heron.tracking.fluent_registry import (
        register_model,
        search_model_versions,
        search_registered_models,
        set_model_version_tag,
    )

_FLUENT = (
    "ActiveRun",
    "active_run",
    "create_experiment",
    "delete_experiment",
    "delete_run",
    "delete_tag",
    "end_run",
    "get_artifact_uri",
    "get_experiment",
    "get_experiment_by_name",
    "get_parent_run",
    "get_registry_uri",
    "get_run",
    "get_tracking_uri",
    "is_tracking_uri_set",
    "last_active_run",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_image",
    "log_input",
    "log_inputs",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "log_table",
    "log_text",
    "search_experiments",
    "search_runs",
    "set_experiment",
    "set_experiment_tag",
    "set_experiment_tags",
    "set_registry_uri",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "start_run",
)
_REGISTRY = (
    "register_model",
    "search_model_versions",
    "search_registered_models",
    "set_model_version_tag",
)
# Where each lazily loaded public name lives; submodules map to themselves.
_LAZY: dict[str, str] = {
    **dict.fromkeys(_FLUENT, "heron.tracking.fluent"),
    **dict.fromkeys(_REGISTRY, "heron.tracking.fluent_registry"),
    "MlflowClient": "heron.tracking.client",
    "MlflowException": "heron.exceptions",
    "flush_async_logging": "heron.tracking.async_logging",
    "entities": "heron.entities",
    "exceptions": "heron.exceptions",
    "tracking": "heron.tracking",
    "models": "heron.models",
    "pyfunc": "heron.pyfunc",
    "projects": "heron.projects",
    "sklearn": "heron.sklearn",
    "artifacts": "heron.artifacts",
    "types": "heron.types",
    "autolog": "heron.autologging",
    "autologging": "heron.autologging",
    "data": "heron.data",
    "evaluation": "heron.evaluation",
    "evaluate": "heron.evaluation",
    "validate_evaluation_results": "heron.evaluation",
}

__all__ = [
    "ActiveRun",
    "MlflowClient",
    "MlflowException",
    "__version__",
    "active_run",
    "artifacts",
    "autolog",
    "autologging",
    "create_experiment",
    "data",
    "delete_experiment",
    "delete_run",
    "delete_tag",
    "end_run",
    "entities",
    "evaluate",
    "evaluation",
    "exceptions",
    "flush_async_logging",
    "get_artifact_uri",
    "get_experiment",
    "get_experiment_by_name",
    "get_parent_run",
    "get_registry_uri",
    "get_run",
    "get_tracking_uri",
    "is_tracking_uri_set",
    "last_active_run",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_image",
    "log_input",
    "log_inputs",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "log_table",
    "log_text",
    "models",
    "projects",
    "pyfunc",
    "register_model",
    "search_experiments",
    "search_model_versions",
    "search_registered_models",
    "search_runs",
    "set_experiment",
    "set_experiment_tag",
    "set_experiment_tags",
    "set_model_version_tag",
    "set_registry_uri",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "sklearn",
    "start_run",
    "tracking",
    "types",
    "validate_evaluation_results",
]


def __getattr__(name: str) -> Any:
    """Load a public name on first use and keep it as a module attribute."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'heron' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"heron.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
