"""Logged models (MLflow 3.x): create, read, finalize, delete, search, tags, params, files."""

from __future__ import annotations

from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services
from heron.store.artifacts.paths import safe_relative_path


@handles("CreateLoggedModel")
def create_logged_model(request: Request, services: Services) -> Result:
    """Create a PENDING logged model."""
    model = services.tracking.create_logged_model(
        request["experiment_id"],
        name=request.get("name"),
        source_run_id=request.get("source_run_id") or None,
        tags=request.get("tags"),
        params=request.get("params"),
        model_type=request.get("model_type") or None,
    )
    return {"model": model}


@handles("GetLoggedModel", quick_read=True)
def get_logged_model(request: Request, services: Services) -> Result:
    """A logged model (a deleted one only with ``allow_deleted``)."""
    model = services.tracking.get_logged_model(
        request["model_id"], allow_deleted=request.get("allow_deleted", False)
    )
    return {"model": model}


@handles("FinalizeLoggedModel")
def finalize_logged_model(request: Request, services: Services) -> Result:
    """Set a logged model's final status."""
    model = services.tracking.finalize_logged_model(request["model_id"], request["status"])
    return {"model": model}


@handles("DeleteLoggedModel")
def delete_logged_model(request: Request, services: Services) -> Result:
    """Soft-delete a logged model."""
    services.tracking.delete_logged_model(request["model_id"])
    return None


@handles("SearchLoggedModels", quick_read=True)
def search_logged_models(request: Request, services: Services) -> Result:
    """One page of logged models."""
    page = services.tracking.search_logged_models(
        request["experiment_ids"],
        filter_string=request.get("filter"),
        datasets=request.get("datasets"),
        max_results=request.get("max_results"),
        order_by=request.get("order_by"),
        page_token=request.get("page_token") or None,
    )
    return {"models": page, "next_page_token": page.token}


@handles("SetLoggedModelTags")
def set_logged_model_tags(request: Request, services: Services) -> Result:
    """Set tags of a logged model (MLflow's server answers ``{}``)."""
    services.tracking.set_logged_model_tags(request["model_id"], request.get("tags", ()))
    return None


@handles("DeleteLoggedModelTag")
def delete_logged_model_tag(request: Request, services: Services) -> Result:
    """Delete a tag of a logged model."""
    services.tracking.delete_logged_model_tag(request["model_id"], request["tag_key"])
    return None


@handles("LogLoggedModelParams")
def log_logged_model_params(request: Request, services: Services) -> Result:
    """Log params of a logged model."""
    services.tracking.log_logged_model_params(request["model_id"], request.get("params", ()))
    return None


@handles("ListLoggedModelArtifacts")
def list_logged_model_artifacts(request: Request, services: Services) -> Result:
    """The direct children of a directory of a logged model's artifacts."""
    model = services.tracking.get_logged_model(request["model_id"])
    path = safe_relative_path(request.get("artifact_directory_path")) or None
    files = services.artifact_repository(model.artifact_location).list_artifacts(path)
    return {"root_uri": model.artifact_location, "files": files}
