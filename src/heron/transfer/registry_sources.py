"""Where a registered model comes from when it is imported, copied or compared: a bundle
directory (``model.json`` and a directory per version run) or a live tracking store.

Both give the model (description, tags, aliases), the versions to transfer and, for each
version's run, its :class:`~heron.transfer.packages.RunPackage` (the run, its files and
the logged models it produced), so one importer and one comparison serve both.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Sequence

from heron.entities import LifecycleStage, ModelVersion, RegisteredModel
from heron.exceptions import HeronError
from heron.transfer import bundle
from heron.transfer.copy import live_package
from heron.transfer.imports import load_package
from heron.transfer.live import LiveStore
from heron.transfer.packages import RunPackage
from heron.transfer.records import PARENT_RUN_ID_TAG
from heron.transfer.registry_export import all_versions, select_versions
from heron.transfer.registryfile import read_model


class ModelSource(abc.ABC):
    """A source registered model and the versions to transfer.

    Attributes:
        model: The registered model.
        versions: The versions to transfer, lowest number first.
        origin: Where it comes from (a directory or a tracking URI), for messages.
        state_dir: The bundle directory, where imports record what they did (None for a
            live store).
    """

    def __init__(
        self,
        model: RegisteredModel,
        versions: list[ModelVersion],
        origin: str,
        state_dir: str | None = None,
    ):
        self.model = model
        self.versions = versions
        self.origin = origin
        self.state_dir = state_dir

    @abc.abstractmethod
    def package(self, run_id: str) -> RunPackage:
        """A version's run, its files and the logged models it produced.

        Raises:
            HeronError: The run cannot be read.
        """

    @abc.abstractmethod
    def artifact_uri(self, run_id: str) -> str | None:
        """A version run's artifact URI at the source, if known."""

    @abc.abstractmethod
    def parent(self, run_id: str) -> str | None:
        """A version run's parent run, if it is a nested run.

        Raises:
            HeronError: The run cannot be read.
        """


class BundledModel(ModelSource):
    """A model exported by ``export-model`` (Heron's or mlflow-export-import's) into
    ``directory``."""

    def __init__(self, directory: str):
        found = read_model(directory)
        super().__init__(found.model, found.versions, directory, directory)
        self.directory = directory
        self._experiments = found.experiments
        self._artifact_uris: dict[str, str | None] = dict(found.artifact_uris)

    def _run_dir(self, run_id: str) -> str:
        return os.path.join(self.directory, run_id)

    def package(self, run_id: str) -> RunPackage:
        """See :meth:`ModelSource.package`."""
        run_dir = self._run_dir(run_id)
        experiment = self._experiments.get(run_id, "")
        return load_package(run_dir, [run_dir, self.directory], experiment)

    def artifact_uri(self, run_id: str) -> str | None:
        """See :meth:`ModelSource.artifact_uri`: as ``model.json`` has it, else as the
        run's ``run.json`` has it."""
        if run_id not in self._artifact_uris:
            try:
                found = bundle.read_run(self._run_dir(run_id)).record.info.artifact_uri
            except HeronError:
                found = None
            self._artifact_uris[run_id] = found
        return self._artifact_uris[run_id]

    def parent(self, run_id: str) -> str | None:
        """See :meth:`ModelSource.parent`."""
        return bundle.read_parent(self._run_dir(run_id))


class LiveModel(ModelSource):
    """A registered model of a live tracking store.

    Args:
        store: The source store.
        name: The registered model.
        stages: Only versions in these stages (all by default).
        versions: Only these version numbers (all by default).
        latest_only: Only the latest version of each stage.
        deleted_runs: Also versions whose run is deleted; otherwise they are left out
            (listed in ``skipped``).

    Raises:
        NotFound: No such registered model.
    """

    def __init__(
        self,
        store: LiveStore,
        name: str,
        stages: Sequence[str] = (),
        versions: Sequence[str] = (),
        latest_only: bool = False,
        deleted_runs: bool = False,
    ):
        model = store.client.get_registered_model(name)
        chosen = select_versions(all_versions(store.client, name), stages, versions, latest_only)
        self.skipped = [] if deleted_runs else [v for v in chosen if _run_deleted(store, v)]
        kept = [v for v in chosen if v not in self.skipped]
        super().__init__(model, kept, store.tracking_uri)
        self.store = store
        self._experiment_names: dict[str, str] = {}

    def package(self, run_id: str) -> RunPackage:
        """See :meth:`ModelSource.package`."""
        run = self.store.client.get_run(run_id)
        experiment_id = run.info.experiment_id
        if experiment_id not in self._experiment_names:
            experiment = self.store.client.get_experiment(experiment_id)
            self._experiment_names[experiment_id] = experiment.name
        return live_package(self.store, run_id, self._experiment_names[experiment_id])

    def artifact_uri(self, run_id: str) -> str | None:
        """See :meth:`ModelSource.artifact_uri`."""
        return self.store.client.get_run(run_id).info.artifact_uri

    def parent(self, run_id: str) -> str | None:
        """See :meth:`ModelSource.parent`."""
        return self.store.client.get_run(run_id).data.tags.get(PARENT_RUN_ID_TAG) or None


def _run_deleted(store: LiveStore, version: ModelVersion) -> bool:
    """Whether a version's run is deleted (a run that cannot be read is left to fail later)."""
    if not version.run_id:
        return False
    try:
        run = store.client.get_run(version.run_id)
    except HeronError:
        return False
    return run.info.lifecycle_stage == LifecycleStage.DELETED
