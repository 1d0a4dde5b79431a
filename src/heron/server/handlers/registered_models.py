"""Registered models: create, read, rename, update, delete, search, latest versions, tags,
aliases. Each handler is one call of the registry store."""

from __future__ import annotations

from heron.entities.registry import RegisteredModelTag
from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services


@handles("CreateRegisteredModel")
def create_registered_model(request: Request, services: Services) -> Result:
    """Create a registered model with no versions."""
    model = services.registry.create_registered_model(
        request["name"], request.get("tags", ()), request.get("description")
    )
    return {"registered_model": model}


@handles("GetRegisteredModel")
def get_registered_model(request: Request, services: Services) -> Result:
    """A registered model with its latest versions, tags and aliases."""
    return {"registered_model": services.registry.get_registered_model(request["name"])}


@handles("RenameRegisteredModel")
def rename_registered_model(request: Request, services: Services) -> Result:
    """Rename a registered model; its versions, tags and aliases follow."""
    model = services.registry.rename_registered_model(request["name"], request["new_name"])
    return {"registered_model": model}


@handles("UpdateRegisteredModel")
def update_registered_model(request: Request, services: Services) -> Result:
    """Set (or, when absent, clear) the description, as MLflow's server does."""
    model = services.registry.update_registered_model(request["name"], request.get("description"))
    return {"registered_model": model}


@handles("DeleteRegisteredModel")
def delete_registered_model(request: Request, services: Services) -> Result:
    """Delete a registered model with its versions, tags and aliases."""
    services.registry.delete_registered_model(request["name"])
    return None


@handles("SearchRegisteredModels")
def search_registered_models(request: Request, services: Services) -> Result:
    """One page of registered models."""
    page = services.registry.search_registered_models(
        filter_string=request.get("filter") or None,
        max_results=request.get("max_results"),
        order_by=request.get("order_by"),
        page_token=request.get("page_token") or None,
    )
    return {"registered_models": page, "next_page_token": page.token}


@handles("GetLatestVersions")
def get_latest_versions(request: Request, services: Services) -> Result:
    """The highest version in each stage asked for (every stage when none is)."""
    versions = services.registry.get_latest_versions(request["name"], request.get("stages"))
    return {"model_versions": versions}


@handles("SetRegisteredModelTag")
def set_registered_model_tag(request: Request, services: Services) -> Result:
    """Set a tag of a registered model."""
    tag = RegisteredModelTag(request["key"], request.get("value", ""))
    services.registry.set_registered_model_tag(request["name"], tag)
    return None


@handles("DeleteRegisteredModelTag")
def delete_registered_model_tag(request: Request, services: Services) -> Result:
    """Delete a tag of a registered model."""
    services.registry.delete_registered_model_tag(request["name"], request["key"])
    return None


@handles("SetRegisteredModelAlias")
def set_registered_model_alias(request: Request, services: Services) -> Result:
    """Point an alias at a version."""
    services.registry.set_registered_model_alias(
        request["name"], request["alias"], request["version"]
    )
    return None


@handles("DeleteRegisteredModelAlias")
def delete_registered_model_alias(request: Request, services: Services) -> Result:
    """Delete an alias."""
    services.registry.delete_registered_model_alias(request["name"], request["alias"])
    return None


@handles("GetModelVersionByAlias")
def get_model_version_by_alias(request: Request, services: Services) -> Result:
    """The version an alias names."""
    version = services.registry.get_model_version_by_alias(request["name"], request["alias"])
    return {"model_version": version}
