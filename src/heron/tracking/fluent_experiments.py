"""Fluent experiment functions: the active experiment, and experiments by id or name."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from heron import config
from heron.entities import Experiment, LifecycleStage, PagedList, ViewType
from heron.exceptions import HeronError, InvalidParameter, NotFound
from heron.tracking import session
from heron.tracking.pages import read_pages

_logger = logging.getLogger(__name__)

DEFAULT_EXPERIMENT_ID = "0"
EXPERIMENTS_PER_PAGE = 1000


def set_experiment(
    experiment_name: str | None = None, experiment_id: str | None = None
) -> Experiment:
    """Make an experiment the active one, creating it (by name) when it does not exist.

    Args:
        experiment_name: The experiment's name; exactly one of name and id is required.
        experiment_id: The experiment's id.

    Returns:
        The now active experiment.

    Raises:
        InvalidParameter: Neither or both arguments given, or the experiment is deleted.
        NotFound: No experiment has ``experiment_id``.
    """
    if (experiment_name is None) == (experiment_id is None):
        raise InvalidParameter("Must specify exactly one of: `experiment_id` or `experiment_name`.")
    state = session.state()
    with state.lock:
        if experiment_name is not None:
            experiment = _get_or_create(experiment_name)
        else:
            experiment = session.client().get_experiment(str(experiment_id))
        if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
            raise InvalidParameter(
                f"Cannot set a deleted experiment {experiment.name!r} as the active experiment. "
                "You can restore the experiment, or permanently delete the experiment to "
                "create a new one."
            )
        state.active_experiment_id = experiment.experiment_id
    session.export(config.EXPERIMENT_ID, experiment.experiment_id)
    return experiment


def _get_or_create(name: str) -> Experiment:
    client = session.client()
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        return experiment
    _logger.info("Experiment with name '%s' does not exist. Creating a new experiment.", name)
    try:
        experiment_id = client.create_experiment(name)
    except HeronError as error:
        if error.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
        # Another process created it between our lookup and our create: use theirs.
        found = client.get_experiment_by_name(name)
        if found is None:
            raise
        return found
    return client.get_experiment(experiment_id)


def active_experiment_id() -> str:
    """The experiment new runs go to when none is named.

    In order: the one set with :func:`set_experiment`, ``HERON_/MLFLOW_EXPERIMENT_NAME``
    (created when missing), ``HERON_/MLFLOW_EXPERIMENT_ID``, then the default experiment "0".
    """
    active = session.state().active_experiment_id
    if active:
        return active
    return _experiment_id_from_env() or DEFAULT_EXPERIMENT_ID


def _experiment_id_from_env() -> str | None:
    name = config.EXPERIMENT_NAME.get()
    wanted_id = config.EXPERIMENT_ID.get()
    client = session.client()
    if name:
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            return client.create_experiment(name)
        if wanted_id and wanted_id != experiment.experiment_id:
            raise InvalidParameter(
                f"The provided {config.EXPERIMENT_ID.env_names[0]} environment variable value "
                f"`{wanted_id}` does not match the experiment id `{experiment.experiment_id}` "
                f"for experiment name `{name}`"
            )
        return experiment.experiment_id
    if wanted_id:
        try:
            return client.get_experiment(wanted_id).experiment_id
        except NotFound as error:
            raise NotFound(
                f"The provided {config.EXPERIMENT_ID.env_names[0]} environment variable value "
                f"`{wanted_id}` does not exist in the tracking server. "
                "Provide a valid experiment_id."
            ) from error
    return None


def create_experiment(
    name: str, artifact_location: str | None = None, tags: Mapping[str, Any] | None = None
) -> str:
    """Create an experiment and return its id.

    Args:
        name: A unique name (deleted experiments keep theirs).
        artifact_location: Where its runs keep artifacts; defaults under the artifact root.
        tags: Experiment tags.
    """
    return session.client().create_experiment(name, artifact_location, tags)


def get_experiment(experiment_id: str) -> Experiment:
    """The experiment with this id; NotFound when there is none.

    Args:
        experiment_id: The experiment's id.
    """
    return session.client().get_experiment(experiment_id)


def get_experiment_by_name(name: str) -> Experiment | None:
    """The experiment with this name, or None.

    Args:
        name: The experiment's name.
    """
    return session.client().get_experiment_by_name(name)


def delete_experiment(experiment_id: str) -> None:
    """Soft-delete an experiment and its runs.

    Args:
        experiment_id: The experiment's id.
    """
    session.client().delete_experiment(experiment_id)


def set_experiment_tag(key: str, value: Any) -> None:
    """Set a tag on the active experiment.

    Args:
        key: Tag key.
        value: Tag value, stringified.
    """
    session.client().set_experiment_tag(active_experiment_id(), key, str(value))


def set_experiment_tags(tags: Mapping[str, Any]) -> None:
    """Set several tags on the active experiment.

    Args:
        tags: ``{key: value}``; values are stringified.
    """
    for key, value in tags.items():
        set_experiment_tag(key, value)


def search_experiments(
    view_type: int = ViewType.ACTIVE_ONLY,
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: Sequence[str] | None = None,
) -> list[Experiment]:
    """Every experiment matching the filter (or the first ``max_results``), all pages read.

    Args:
        view_type: ``ViewType.ACTIVE_ONLY`` (default), ``DELETED_ONLY`` or ``ALL``.
        max_results: At most this many; None for all of them.
        filter_string: A filter such as ``name LIKE 'wine%'``.
        order_by: Keys such as ``["name DESC"]``.
    """

    def page(count: int, token: str | None) -> PagedList[Experiment]:
        return session.client().search_experiments(
            view_type=view_type,
            max_results=count,
            filter_string=filter_string,
            order_by=order_by,
            page_token=token,
        )

    return read_pages(page, EXPERIMENTS_PER_PAGE, max_results)
