"""``--copy-artifacts DIR``: artifacts copied under DIR, in Heron's layout.

A run's files land in ``DIR/<experiment id>/<run id>/artifacts`` and a logged model's in
``DIR/<experiment id>/models/<model id>/artifacts`` (where Heron itself puts them under an
experiment's artifact location): first in a ``.partial`` folder beside the target, renamed
into place once complete, so an interrupted copy is redone by the next run of the import
and a finished one is never copied twice.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from heron.store.artifacts import get_artifact_repository


def run_artifact_dir(root: str, experiment_id: int, run_id: str) -> Path:
    """Where ``--copy-artifacts`` puts a run's artifacts."""
    return Path(root).resolve() / str(experiment_id) / run_id / "artifacts"


def model_artifact_dir(root: str, experiment_id: int, model_id: str) -> Path:
    """Where ``--copy-artifacts`` puts a logged model's artifacts."""
    return Path(root).resolve() / str(experiment_id) / "models" / model_id / "artifacts"


def copy_artifact_tree(artifact_uri: str | None, target: Path) -> str:
    """Copy an artifact tree (a run's or a logged model's) to ``target`` unless done before;
    returns its new URI. A location with nothing in it (or none) gives an empty folder."""
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
