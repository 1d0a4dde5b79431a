"""The fluent API, as ``import heron`` (and MLflow's ``mlflow.tracking.fluent``) offers it.

The functions live in small modules by topic; this module gathers them under one name:
:mod:`~heron.tracking.session` (URIs), :mod:`~heron.tracking.fluent_experiments`,
:mod:`~heron.tracking.fluent_runs`, :mod:`~heron.tracking.fluent_logging`,
:mod:`~heron.tracking.fluent_artifacts` and :mod:`~heron.tracking.fluent_search`.
"""

from __future__ import annotations

from heron.tracking.fluent_artifacts import (
    get_artifact_uri,
    log_artifact,
    log_artifacts,
    log_dict,
    log_figure,
    log_image,
    log_table,
    log_text,
)
from heron.tracking.fluent_experiments import (
    active_experiment_id,
    create_experiment,
    delete_experiment,
    get_experiment,
    get_experiment_by_name,
    search_experiments,
    set_experiment,
    set_experiment_tag,
    set_experiment_tags,
)
from heron.tracking.fluent_logging import (
    delete_tag,
    log_input,
    log_inputs,
    log_metric,
    log_metrics,
    log_param,
    log_params,
    set_tag,
    set_tags,
)
from heron.tracking.fluent_runs import (
    ActiveRun,
    active_run,
    delete_run,
    end_run,
    get_parent_run,
    get_run,
    last_active_run,
    start_run,
)
from heron.tracking.fluent_search import search_runs
from heron.tracking.session import (
    get_registry_uri,
    get_tracking_uri,
    is_tracking_uri_set,
    set_registry_uri,
    set_tracking_uri,
)

__all__ = [
    "ActiveRun",
    "active_experiment_id",
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
]
