"""Model versions: create (with the source rules of :mod:`heron.server.sources`), read,
update, transition, delete, search, download URI, tags."""

from __future__ import annotations

from heron.entities.registry import ModelVersionTag
from heron.server.handlers.registry import Request, Result, handles
from heron.server.lineage import record_version_on_model
from heron.server.services import Services
from heron.server.sources import SourceCheck, is_prompt


@handles("CreateModelVersion")
def create_model_version(request: Request, services: Services) -> Result:
    """Add the next version to a registered model, from a source the server manages.

    A version made from a logged model takes the model's run when no ``run_id`` is given,
    and is listed in the model's ``mlflow.modelVersions`` tag.
    """
    tags = request.get("tags", ())
    checked = SourceCheck(services.tracking, services.registry, services.settings).check(
        request["source"], request.get("run_id"), request.get("model_id"), tags
    )
    version = services.registry.create_model_version(
        request["name"],
        checked.source,
        run_id=checked.run_id,
        tags=tags,
        run_link=request.get("run_link") or None,
        description=request.get("description") or None,
        model_id=checked.model_id,
    )
    if checked.model_id and not is_prompt(tags):
        record_version_on_model(services.tracking, checked.model_id, version)
    return {"model_version": version}


@handles("GetModelVersion")
def get_model_version(request: Request, services: Services) -> Result:
    """A model version."""
    version = services.registry.get_model_version(request["name"], request["version"])
    return {"model_version": version}


@handles("UpdateModelVersion")
def update_model_version(request: Request, services: Services) -> Result:
    """Set a version's description."""
    version = services.registry.update_model_version(
        request["name"], request["version"], request.get("description")
    )
    return {"model_version": version}


@handles("DeleteModelVersion")
def delete_model_version(request: Request, services: Services) -> Result:
    """Delete a version and the aliases pointing at it."""
    services.registry.delete_model_version(request["name"], request["version"])
    return None


@handles("TransitionModelVersionStage")
def transition_model_version_stage(request: Request, services: Services) -> Result:
    """Move a version to a stage; ``archive_existing_versions`` defaults to false."""
    version = services.registry.transition_model_version_stage(
        request["name"],
        request["version"],
        request["stage"],
        archive_existing_versions=request.get("archive_existing_versions", False),
    )
    return {"model_version": version}


@handles("SearchModelVersions")
def search_model_versions(request: Request, services: Services) -> Result:
    """One page of model versions."""
    page = services.registry.search_model_versions(
        filter_string=request.get("filter") or None,
        max_results=request.get("max_results"),
        order_by=request.get("order_by"),
        page_token=request.get("page_token") or None,
    )
    return {"model_versions": page, "next_page_token": page.token}


@handles("GetModelVersionDownloadUri")
def get_model_version_download_uri(request: Request, services: Services) -> Result:
    """Where a version's files are: its source, as registered."""
    uri = services.registry.get_model_version_download_uri(request["name"], request["version"])
    return {"artifact_uri": uri}


@handles("SetModelVersionTag")
def set_model_version_tag(request: Request, services: Services) -> Result:
    """Set a tag of a model version."""
    tag = ModelVersionTag(request["key"], request.get("value", ""))
    services.registry.set_model_version_tag(request["name"], request["version"], tag)
    return None


@handles("DeleteModelVersionTag")
def delete_model_version_tag(request: Request, services: Services) -> Result:
    """Delete a tag of a model version."""
    services.registry.delete_model_version_tag(request["name"], request["version"], request["key"])
    return None
