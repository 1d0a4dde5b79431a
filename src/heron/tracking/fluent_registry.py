"""The fluent model-registry API: ``register_model`` and the registry searches.

``register_model`` follows MLflow 3.x: it creates the registered model when it is missing,
works out the version's source from the model URI (a run's artifacts, else the logged model
that run produced under that name), creates the version, and prints MLflow's messages to
stderr. ``log_model(..., registered_model_name=...)`` of every flavor goes through here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.entities.registry import MODEL_VERSIONS_TAG, with_model_version
from heron.exceptions import NotFound
from heron.models.uris import is_models_uri, parse_model_uri
from heron.store.registry.base import SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD
from heron.tracking.pages import read_pages
from heron.tracking.registration import echo, ensure_registered_model
from heron.tracking.uris import is_runs_uri, join_artifact_uri, parse_runs_uri

if TYPE_CHECKING:
    from heron.entities import PagedList
    from heron.entities.registry import ModelVersion, RegisteredModel
    from heron.store.registry.base import Version
    from heron.tracking.client import MlflowClient

_logger = logging.getLogger(__name__)

_MODEL_VERSIONS_PER_PAGE = 10000

__all__ = [
    "register_model",
    "search_model_versions",
    "search_registered_models",
    "set_model_version_tag",
]


def _client() -> MlflowClient:
    from heron.tracking.session import client

    return client()


def _runs_source(client: MlflowClient, model_uri: str) -> tuple[str, str, str | None]:
    """``(source, run_id, model_id)`` of a ``runs:/`` URI, as MLflow 3.x registers it."""
    from heron.tracking.run_models import has_run_model, run_logged_model

    run_id, path = parse_runs_uri(model_uri)
    run = client.get_run(run_id)
    if has_run_model(client, run_id, path):
        return join_artifact_uri(run.info.artifact_uri or "", path), run_id, None
    logged = run_logged_model(client, run, path)
    if logged is None:
        raise NotFound(
            f"Unable to find a logged_model with artifact_path {path} under run {run_id}"
        )
    source = f"models:/{logged.model_id}"
    _logger.warning(
        "Run with id %s has no artifacts at artifact path %r, registering model based on %s "
        "instead",
        run_id,
        path,
        source,
    )
    return source, run_id, logged.model_id


def _model_id_of(client: MlflowClient, model_uri: str) -> str | None:
    """The logged model a ``models:/`` URI names directly or through a version, if any."""
    if not is_models_uri(model_uri):
        return None
    parsed = parse_model_uri(model_uri)
    if parsed.model_id is not None:
        return parsed.model_id
    if parsed.name is not None and parsed.version is not None:
        return client.get_model_version(parsed.name, parsed.version).model_id
    return None


def _record_version_on_model(client: MlflowClient, model_id: str, version: ModelVersion) -> None:
    """Append the version to the logged model's ``mlflow.modelVersions`` tag."""
    try:
        model = client.get_logged_model(model_id)
    except NotFound:
        _logger.warning(
            "Unable to update logged model tags for model ID '%s': the logged model does not "
            "exist. No model version link will be recorded on the logged model.",
            model_id,
        )
        return
    value = with_model_version(model.tags.get(MODEL_VERSIONS_TAG), version.name, version.version)
    if value is not None:
        client.set_logged_model_tags(model_id, {MODEL_VERSIONS_TAG: value})


def register(
    model_uri: str | os.PathLike[str],
    name: str,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    tags: Mapping[str, Any] | None = None,
    client: MlflowClient | None = None,
) -> ModelVersion:
    """:func:`register_model` with a given client (``log_model`` passes its own)."""
    client = client or _client()
    uri = os.fspath(model_uri)
    ensure_registered_model(client, name)
    source, run_id, model_id = uri, None, None
    if is_runs_uri(uri):
        source, run_id, model_id = _runs_source(client, uri)
    model_id = model_id or _model_id_of(client, uri)
    version = client.create_model_version(
        name,
        source,
        run_id=run_id,
        tags=tags,
        await_creation_for=await_registration_for,
        model_id=model_id,
    )
    echo(f"Created version '{version.version}' of model '{version.name}'.")
    if model_id:
        _record_version_on_model(client, model_id, version)
    return version


def register_model(
    model_uri: str | os.PathLike[str],
    name: str,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    *,
    tags: Mapping[str, Any] | None = None,
) -> ModelVersion:
    """Create a new version of a registered model from a model's files.

    The registered model is created first when it does not exist.

    Args:
        model_uri: ``runs:/<run_id>/<path>`` (the run's artifacts at ``<path>``, else the
            logged model named ``<path>`` the run produced), ``models:/<model_id>``,
            ``models:/<name>/<version>`` (promote a version), an artifact URI, or a local
            path (embedded stores only).
        name: The registered model.
        await_registration_for: Seconds to wait for the version to become READY; 0 or
            None does not wait.
        tags: Tags of the new version; values are converted with ``str``.

    Returns:
        The new :class:`~heron.entities.ModelVersion`.
    """
    return register(model_uri, name, await_registration_for, tags)


def search_registered_models(
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
) -> list[RegisteredModel]:
    """Every registered model matching a filter (at most ``max_results``), over all pages.

    Args:
        max_results: How many to return at most; all of them if None.
        filter_string: e.g. ``"name LIKE 'rf-%'"``; see
            :meth:`heron.tracking.MlflowClient.search_registered_models`.
        order_by: e.g. ``["name DESC"]``.
    """
    client = _client()

    def page(count: int, token: str | None) -> PagedList[RegisteredModel]:
        return client.search_registered_models(filter_string, count, order_by, token)

    return read_pages(page, SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD, max_results)


def search_model_versions(
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
) -> list[ModelVersion]:
    """Every model version matching a filter (at most ``max_results``), over all pages.

    Args:
        max_results: How many to return at most; all of them if None.
        filter_string: e.g. ``"name = 'rf' AND tags.env = 'prod'"``; see
            :meth:`heron.tracking.MlflowClient.search_model_versions`.
        order_by: e.g. ``["version_number ASC"]``.
    """
    client = _client()

    def page(count: int, token: str | None) -> PagedList[ModelVersion]:
        return client.search_model_versions(filter_string, count, order_by, token)

    return read_pages(page, _MODEL_VERSIONS_PER_PAGE, max_results)


def set_model_version_tag(
    name: str,
    version: Version | None = None,
    key: str | None = None,
    value: Any = None,
) -> None:
    """Set a tag of a model version (the value is converted with ``str``)."""
    _client().set_model_version_tag(name=name, version=version, key=key, value=value)
