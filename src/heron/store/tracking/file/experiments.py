"""Experiments in an ``mlruns`` folder: create, rename, delete to ``.trash``, restore, tags."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence

from heron.entities import Experiment, LifecycleStage, RunInfo, ViewType
from heron.entities.run_data import ExperimentTag
from heron.exceptions import AlreadyExists, InvalidParameter, InvalidState, NotFound
from heron.store.clock import now_millis
from heron.store.tracking import append_to_uri, experiment_location
from heron.store.tracking.base import DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME
from heron.store.tracking.file import layout, records
from heron.store.tracking.file.reader import MlrunsReader
from heron.validation import (
    validate_artifact_location,
    validate_experiment_name,
    validate_experiment_tag,
)

RunRewriter = Callable[[RunInfo, "int | None"], None]
"""Rewrites a run's ``meta.yaml`` from ``(info, deleted_time)``."""


class Experiments:
    """Experiment writes of one folder; names are unique, deleted experiments included.

    Args:
        reader: The folder's reader.
        artifact_root: Where new experiments keep artifacts (``<root>/<id>``).
    """

    def __init__(self, reader: MlrunsReader, artifact_root: str):
        self.reader = reader
        self.artifact_root = artifact_root

    @contextlib.contextmanager
    def _names_locked(self) -> Iterator[None]:
        # Name uniqueness holds across processes: one creator or renamer at a time.
        with layout.locked(self.reader.root):
            yield

    def ensure_default(self) -> None:
        """Create the folder, ``.trash`` and experiment 0 when the folder is new."""
        os.makedirs(self.reader.root, exist_ok=True)
        with self._names_locked():
            if not self.reader.experiment_ids(ViewType.ALL):
                self._write_new(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, None, ())
        os.makedirs(self.reader.trash, exist_ok=True)

    def create(
        self, name: str, artifact_location: str | None, tags: Sequence[ExperimentTag] | None
    ) -> str:
        """Create an experiment with a new 18-digit id, as MLflow does."""
        validate_experiment_name(name)
        validate_artifact_location(artifact_location)
        for tag in tags or ():
            validate_experiment_tag(tag.key, tag.value)
        with self._names_locked():
            self._refuse_taken(name)
            experiment_id = self._new_id()
            self._write_new(experiment_id, name, artifact_location, tags or ())
        return experiment_id

    def _new_id(self) -> str:
        # The next integer id (MLflow reads any id; its own are 18 random digits).
        numbers = [int(i) for i in self.reader.experiment_ids(ViewType.ALL) if i.isdigit()]
        return str(max(numbers, default=0) + 1)

    def _write_new(
        self,
        experiment_id: str,
        name: str,
        artifact_location: str | None,
        tags: Sequence[ExperimentTag],
    ) -> None:
        now = now_millis()
        location = (
            experiment_location(artifact_location)
            if artifact_location
            else append_to_uri(self.artifact_root, experiment_id)
        )
        experiment = Experiment(experiment_id, name, location, LifecycleStage.ACTIVE, {}, now, now)
        path = os.path.join(self.reader.root, experiment_id)
        os.makedirs(path)
        for tag in tags:
            layout.write_text(layout.confined(os.path.join(path, layout.TAGS), tag.key), tag.value)
        # meta.yaml last: the folder is an experiment once it is complete.
        layout.write_yaml(os.path.join(path, layout.META), records.experiment_meta(experiment))

    def _refuse_taken(self, name: str) -> None:
        for experiment in self.reader.experiments(ViewType.ALL):
            if experiment.name != name:
                continue
            if experiment.lifecycle_stage == LifecycleStage.DELETED:
                raise AlreadyExists(
                    f"Experiment(name={name}) already exists. Error: it is deleted: restore "
                    "it, or delete it permanently (heron gc) to use this name again"
                )
            raise AlreadyExists(
                f"Experiment(name={name}) already exists. Error: experiment names are unique"
            )

    def by_name(self, name: str) -> Experiment | None:
        """The experiment with this name (deleted ones too), or None."""
        for experiment in self.reader.experiments(ViewType.ALL):
            if experiment.name == name:
                return experiment
        return None

    def _rewrite(self, experiment: Experiment) -> None:
        path = self.reader.require_experiment_dir(experiment.experiment_id)
        layout.write_yaml(os.path.join(path, layout.META), records.experiment_meta(experiment))

    def delete(self, experiment_id: str, overwrite_run: RunRewriter) -> None:
        """Mark an experiment and its active runs deleted and move it into ``.trash``."""
        if str(experiment_id) == DEFAULT_EXPERIMENT_ID:
            raise InvalidParameter(
                f"Cannot delete the default experiment '{DEFAULT_EXPERIMENT_ID}'. This is an "
                "internally reserved experiment."
            )
        experiment = self.reader.read_experiment(experiment_id)
        if experiment.lifecycle_stage == LifecycleStage.DELETED:
            return
        # Later than any run's own deletion, so restore tells those runs apart.
        deleted_before = [
            int(layout.read_yaml(os.path.join(d, layout.META)).get("deleted_time") or 0)
            for d in self.reader.run_dirs(experiment_id)
        ]
        now = max([now_millis(), *(t + 1 for t in deleted_before)])
        for run in self.reader.runs(experiment_id, ViewType.ACTIVE_ONLY):
            info = dataclasses.replace(run.info, lifecycle_stage=LifecycleStage.DELETED)
            overwrite_run(info, now)
        self._rewrite(
            dataclasses.replace(
                experiment, lifecycle_stage=LifecycleStage.DELETED, last_update_time=now
            )
        )
        os.makedirs(self.reader.trash, exist_ok=True)
        os.rename(
            os.path.join(self.reader.root, experiment_id),
            os.path.join(self.reader.trash, experiment_id),
        )

    def restore(self, experiment_id: str, overwrite_run: RunRewriter) -> None:
        """Move an experiment back from ``.trash`` and restore the runs deleted with it."""
        experiment = self.reader.read_experiment(experiment_id)
        if experiment.lifecycle_stage == LifecycleStage.ACTIVE:
            return
        source = os.path.join(self.reader.trash, experiment_id)
        target = os.path.join(self.reader.root, experiment_id)
        if os.path.exists(target):
            raise AlreadyExists(
                f"Cannot restore experiment with ID {experiment_id}. An experiment with same "
                "ID already exists."
            )
        os.rename(source, target)
        deleted_at = experiment.last_update_time
        for run_dir in self.reader.run_dirs(experiment_id):
            meta = layout.read_yaml(os.path.join(run_dir, layout.META))
            if meta.get("lifecycle_stage") != LifecycleStage.DELETED:
                continue
            # Runs deleted on their own before the experiment stay deleted.
            deleted_time = meta.get("deleted_time")
            if deleted_time is not None and deleted_at is not None and deleted_time < deleted_at:
                continue
            info = self.reader.read_run_info(run_dir)
            overwrite_run(dataclasses.replace(info, lifecycle_stage=LifecycleStage.ACTIVE), None)
        self._rewrite(
            dataclasses.replace(
                experiment, lifecycle_stage=LifecycleStage.ACTIVE, last_update_time=now_millis()
            )
        )

    def rename(self, experiment_id: str, new_name: str) -> None:
        """Give an active experiment a new, unused name."""
        validate_experiment_name(new_name)
        with self._names_locked():
            experiment = self.reader.read_experiment(experiment_id)
            if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
                raise InvalidState("Cannot rename a non-active experiment.")
            if experiment.name == new_name:
                return
            self._refuse_taken(new_name)
            self._rewrite(
                dataclasses.replace(experiment, name=new_name, last_update_time=now_millis())
            )

    def set_tag(self, experiment_id: str, tag: ExperimentTag) -> None:
        """Set (or overwrite) a tag of an active experiment."""
        validate_experiment_tag(tag.key, tag.value)
        path = self._active_dir(experiment_id, "set tags")
        layout.write_text(layout.confined(os.path.join(path, layout.TAGS), tag.key), tag.value)

    def delete_tag(self, experiment_id: str, key: str) -> None:
        """Remove a tag of an active experiment; NotFound if it has none by that key."""
        path = self._active_dir(experiment_id, "delete tags")
        try:
            os.unlink(layout.confined(os.path.join(path, layout.TAGS), key))
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, InvalidParameter):
            raise NotFound(
                f"No tag with name: {key} in experiment with id {experiment_id}"
            ) from None

    def _active_dir(self, experiment_id: str, action: str) -> str:
        experiment = self.reader.read_experiment(experiment_id)
        if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
            raise InvalidParameter(
                f"The experiment {experiment_id} must be in the 'active' state to {action}. "
                f"Current state is {experiment.lifecycle_stage}."
            )
        return self.reader.require_experiment_dir(experiment_id)
