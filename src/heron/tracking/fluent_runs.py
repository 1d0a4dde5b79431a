"""Fluent run lifecycle: start, resume, nest and end runs on this thread's active-run stack."""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from heron import config
from heron.entities import LifecycleStage, Run, RunStatus, RunTag
from heron.exceptions import InvalidParameter
from heron.tracking import context, session
from heron.tracking.client import PARENT_RUN_ID_TAG
from heron.tracking.fluent_experiments import active_experiment_id

_logger = logging.getLogger(__name__)

NOTE_TAG = "mlflow.note.content"
RUN_NAME_TAG = "mlflow.runName"


class ActiveRun(Run):
    """The run :func:`start_run` returned: a snapshot of it, and a context manager.

    Leaving the ``with`` block ends the run FINISHED, FAILED when an exception escapes it,
    or KILLED on ``KeyboardInterrupt``; a run already ended inside the block is left alone.
    """

    __slots__ = ()

    def __init__(self, run: Run):
        Run.__init__(self, run.info, run.data, run.inputs)

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if not any(r.info.run_id == self.info.run_id for r in session.state().stack.runs):
            return
        if exc_type is None:
            status = "FINISHED"
        elif issubclass(exc_type, KeyboardInterrupt):
            status = "KILLED"
        else:
            status = "FAILED"
        end_run(status)


def _already_active_error(run_id: str) -> InvalidParameter:
    return InvalidParameter(
        f"Run with UUID {run_id} is already active. To start a new run, first end the current "
        "run with mlflow.end_run(). To start a nested run, call start_run with nested=True"
    )


def _add_description(tags: dict[str, str], description: str | None) -> None:
    if not description:
        return
    if NOTE_TAG in tags:
        raise InvalidParameter(
            f"Description is already set via the tag {NOTE_TAG} in tags. Remove the key "
            f"{NOTE_TAG} from the tags or omit the description."
        )
    tags[NOTE_TAG] = description


def _run_id_from_env() -> str | None:
    """``HERON_/MLFLOW_RUN_ID``, consumed: a run is resumed from the environment only once."""
    run_id = config.RUN_ID.get()
    if run_id:
        for name in config.RUN_ID.env_names:
            os.environ.pop(name, None)
    return run_id or None


def start_run(
    run_id: str | None = None,
    experiment_id: str | None = None,
    run_name: str | None = None,
    nested: bool = False,
    parent_run_id: str | None = None,
    tags: Mapping[str, Any] | None = None,
    description: str | None = None,
    log_system_metrics: bool | None = None,
) -> ActiveRun:
    """Start a new run, or resume one, and make it this thread's active run.

    Args:
        run_id: Resume this run (also taken from ``HERON_/MLFLOW_RUN_ID``), setting it
            RUNNING again; the other arguments then only add tags.
        experiment_id: Where a new run goes; defaults to the active experiment.
        run_name: The new run's name; a generated one when omitted.
        nested: Allow starting a run while another is active; it becomes the new run's
            parent (tag ``mlflow.parentRunId``).
        parent_run_id: The parent of the new run; must be the active run if there is one.
        tags: Tags for the run, overriding the default context tags.
        description: Markdown description, stored as tag ``mlflow.note.content``.
        log_system_metrics: Accepted for compatibility; system metrics are not logged yet.

    Returns:
        The run, usable as a context manager that ends it.

    Raises:
        InvalidParameter: A run is already active and ``nested`` is false, the run to
            resume or the parent is deleted, or the description is given twice.
    """
    stack = session.state().stack.runs
    if stack and not nested:
        raise _already_active_error(stack[0].info.run_id)
    if log_system_metrics:
        _logger.warning("System metrics logging is not supported by Heron yet; ignoring it.")
    existing_id = run_id or _run_id_from_env()
    if existing_id:
        run = _resume_run(existing_id, tags, description)
    else:
        parent = _parent_run_id(stack, parent_run_id, nested)
        run = _create_run(experiment_id, run_name, parent, tags, description)
    active = ActiveRun(run)
    stack.append(active)
    _register_exit_hook()
    return active


def _resume_run(run_id: str, tags: Mapping[str, Any] | None, description: str | None) -> Run:
    client = session.client()
    run = client.get_run(run_id)
    active_experiment = session.state().active_experiment_id
    if active_experiment is not None and active_experiment != run.info.experiment_id:
        raise InvalidParameter(
            f"Cannot start run with ID {run_id} because active run ID does not match "
            "environment run ID. Make sure --experiment-name or --experiment-id matches "
            "experiment set with set_experiment(), or just use command-line arguments"
        )
    if run.info.lifecycle_stage == LifecycleStage.DELETED:
        raise InvalidParameter(
            f"Cannot start run with ID {run_id} because it is in the deleted state."
        )
    client.update_run(run_id, status="RUNNING")
    extra = {key: str(value) for key, value in (tags or {}).items()}
    _add_description(extra, description)
    if extra:
        client.log_batch(run_id, tags=[RunTag(key, value) for key, value in extra.items()])
    return client.get_run(run_id)


def _parent_run_id(stack: list[ActiveRun], parent_run_id: str | None, nested: bool) -> str | None:
    if not parent_run_id:
        return stack[-1].info.run_id if stack and nested else None
    if stack and parent_run_id != stack[-1].info.run_id:
        current = stack[-1].info.run_id
        raise InvalidParameter(
            f"Current run with UUID {current} does not match the specified parent_run_id "
            f"{parent_run_id}. To start a new nested run under the parent run with UUID "
            f"{current}, first end the current run with mlflow.end_run()."
        )
    parent = session.client().get_run(parent_run_id)
    if parent.info.lifecycle_stage == LifecycleStage.DELETED:
        raise InvalidParameter(
            f"Cannot start run under parent run with ID {parent_run_id} "
            "because it is in the deleted state."
        )
    return parent_run_id


def _create_run(
    experiment_id: str | None,
    run_name: str | None,
    parent_run_id: str | None,
    tags: Mapping[str, Any] | None,
    description: str | None,
) -> Run:
    user_tags = {key: str(value) for key, value in (tags or {}).items()}
    _add_description(user_tags, description)
    if parent_run_id is not None:
        user_tags[PARENT_RUN_ID_TAG] = parent_run_id
    if run_name:
        user_tags[RUN_NAME_TAG] = run_name
    experiment = str(experiment_id) if experiment_id is not None else active_experiment_id()
    return session.client().create_run(
        experiment, tags=context.resolve_tags(user_tags), run_name=run_name
    )


def _register_exit_hook() -> None:
    """End a still-active run FINISHED when the interpreter exits, as MLflow does."""
    state = session.state()
    if not state.exit_hook_registered:
        atexit.register(end_run)
        state.exit_hook_registered = True


def end_run(status: str = "FINISHED") -> None:
    """End this thread's active run, if any, after its queued asynchronous writes land.

    Args:
        status: ``FINISHED`` (default), ``FAILED`` or ``KILLED``.
    """
    state = session.state()
    if not state.stack.runs:
        return
    RunStatus.from_string(status)
    for name in config.RUN_ID.env_names:
        os.environ.pop(name, None)
    run = state.stack.runs.pop()
    state.stack.last_run_id = run.info.run_id
    session.client().set_terminated(run.info.run_id, status)  # applies queued writes first


def active_run() -> ActiveRun | None:
    """This thread's active run (as it was when started), or None."""
    runs = session.state().stack.runs
    return runs[-1] if runs else None


def active_run_id() -> str:
    """The active run's id, starting a run first when none is active (MLflow's behaviour)."""
    run = active_run()
    return run.info.run_id if run is not None else start_run().info.run_id


def last_active_run() -> Run | None:
    """The active run, else the run this thread ended last, fetched fresh; None if neither."""
    run = active_run()
    run_id = run.info.run_id if run is not None else session.state().stack.last_run_id
    return get_run(run_id) if run_id else None


def get_run(run_id: str) -> Run:
    """The run with this id, with its latest metrics, params and tags.

    Args:
        run_id: The run's id.
    """
    return session.client().get_run(run_id)


def get_parent_run(run_id: str) -> Run | None:
    """The parent of a nested run, or None for a top-level run.

    Args:
        run_id: The child run's id.
    """
    return session.client().get_parent_run(run_id)


def delete_run(run_id: str) -> None:
    """Soft-delete a run.

    Args:
        run_id: The run's id.
    """
    session.client().delete_run(run_id)
