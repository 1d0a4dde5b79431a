"""Fluent restore and tag removal: ``restore_run``, ``restore_experiment``,
``delete_experiment_tag`` (on the active experiment), and ``flush_artifact_async_logging``."""

from __future__ import annotations

from heron.tracking import session
from heron.tracking.fluent_experiments import active_experiment_id


def restore_run(run_id: str) -> None:
    """Restore a deleted run (back to the active lifecycle stage)."""
    session.client().restore_run(run_id)


def restore_experiment(experiment_id: str) -> None:
    """Restore a deleted experiment and its runs."""
    session.client().restore_experiment(experiment_id)


def delete_experiment_tag(key: str) -> None:
    """Remove a tag of the active experiment; NotFound if it is not set."""
    session.client().delete_experiment_tag(active_experiment_id(), key)


def flush_artifact_async_logging() -> None:
    """Wait until queued logging is written.

    Heron uploads artifacts synchronously, so only queued metrics, params and tags can be
    pending; this waits for those, as ``flush_async_logging`` does.
    """
    from heron.tracking.async_logging import flush_async_logging

    flush_async_logging()
