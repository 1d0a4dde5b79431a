"""Experiments: create, read, search, rename, delete/restore, tags."""

from __future__ import annotations

from heron.entities import ExperimentTag, ViewType
from heron.exceptions import NotFound
from heron.server.handlers.registry import Request, Result, handles
from heron.server.locations import check_artifact_location
from heron.server.services import Services
from heron.store.tracking.base import SEARCH_MAX_RESULTS_DEFAULT


@handles("CreateExperiment")
def create_experiment(request: Request, services: Services) -> Result:
    """Create an experiment; its artifacts default to the server's artifact root."""
    location = request.get("artifact_location") or None
    if location is not None:
        check_artifact_location(location, services.settings)
    experiment_id = services.tracking.create_experiment(
        request["name"], location, request.get("tags", ())
    )
    return {"experiment_id": experiment_id}


@handles("GetExperiment", quick_read=True)
def get_experiment(request: Request, services: Services) -> Result:
    """An experiment by id."""
    return {"experiment": services.tracking.get_experiment(request["experiment_id"])}


@handles("GetExperimentByName", quick_read=True)
def get_experiment_by_name(request: Request, services: Services) -> Result:
    """An experiment by name; RESOURCE_DOES_NOT_EXIST when there is none."""
    name = request["experiment_name"]
    experiment = services.tracking.get_experiment_by_name(name)
    if experiment is None:
        raise NotFound(f"Could not find experiment with name '{name}'")
    return {"experiment": experiment}


@handles("SearchExperiments", quick_read=True)
def search_experiments(request: Request, services: Services) -> Result:
    """One page of experiments (1000 when ``max_results`` is not given)."""
    page = services.tracking.search_experiments(
        view_type=ViewType.coerce(request.get("view_type")),
        max_results=request.get("max_results", SEARCH_MAX_RESULTS_DEFAULT),
        filter_string=request.get("filter"),
        order_by=request.get("order_by"),
        page_token=request.get("page_token") or None,
    )
    return {"experiments": page, "next_page_token": page.token}


@handles("UpdateExperiment")
def update_experiment(request: Request, services: Services) -> Result:
    """Rename an experiment."""
    services.tracking.rename_experiment(request["experiment_id"], request["new_name"])
    return None


@handles("DeleteExperiment")
def delete_experiment(request: Request, services: Services) -> Result:
    """Soft-delete an experiment and its runs."""
    services.tracking.delete_experiment(request["experiment_id"])
    return None


@handles("RestoreExperiment")
def restore_experiment(request: Request, services: Services) -> Result:
    """Restore a deleted experiment and its runs."""
    services.tracking.restore_experiment(request["experiment_id"])
    return None


@handles("SetExperimentTag")
def set_experiment_tag(request: Request, services: Services) -> Result:
    """Set an experiment tag (a missing value is the empty string)."""
    tag = ExperimentTag(request["key"], request.get("value", ""))
    services.tracking.set_experiment_tag(request["experiment_id"], tag)
    return None


@handles("DeleteExperimentTag")
def delete_experiment_tag(request: Request, services: Services) -> Result:
    """Delete an experiment tag."""
    services.tracking.delete_experiment_tag(request["experiment_id"], request["key"])
    return None
