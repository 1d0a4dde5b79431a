"""``--copy-artifacts DIR``: each run's artifacts copied under DIR, in Heron's layout.

A run's files land in ``DIR/<experiment id>/<run id>/artifacts``: first in a ``.partial``
folder beside it, renamed into place once complete, so an interrupted copy is redone by
the next run of the import and a finished one is never copied twice.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from heron.store.artifacts import get_artifact_repository


def run_artifact_dir(root: str, experiment_id: int, run_id: str) -> Path:
    """Where ``--copy-artifacts`` puts a run's artifacts."""
    return Path(root).resolve() / str(experiment_id) / run_id / "artifacts"


def copy_run_artifacts(artifact_uri: str | None, target: Path) -> str:
    """Copy a run's artifact tree to ``target`` (unless done before); returns its new URI."""
    if not target.is_dir():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        if artifact_uri:
            repository = get_artifact_repository(artifact_uri)
            if repository.list_artifacts(None):
                repository.download_artifacts("", str(partial))
        os.replace(partial, target)
    return target.as_uri()
