"""Writing one registered model into a destination store (for imports and copies).

Every version's run goes into one destination experiment; each version is then recreated
with its source pointed at the imported run's artifacts (or its imported logged model), its
stage, tags and description, and the model gets its description, tags and aliases. The
versions created are recorded (keyed on the destination model, the source model and the
version) in a state file when there is one, so re-running an interrupted import skips them.
"""

from __future__ import annotations

import warnings
from functools import partial

from heron.entities import ModelVersion, ModelVersionStage, RegisteredModel
from heron.exceptions import AlreadyExists, HeronError, InvalidState, NotFound
from heron.models.uris import is_models_uri
from heron.transfer import jsonio
from heron.transfer.engine import ImportEngine, describe_error
from heron.transfer.packages import ExperimentTarget, RunTask
from heron.transfer.registry_export import all_versions
from heron.transfer.registry_sources import ModelSource
from heron.transfer.registryfile import run_relative_path, source_model_id
from heron.transfer.resume import StateFile

SECTION = "model_versions"
"""The state file's map of ``<destination model>:<source model>/<version>`` to versions."""


class ModelImport:
    """One registered model's import (or copy) into a destination store.

    Args:
        engine: The destination and the import's options, reporter and summary.
        source: The source model and its versions.
        name: The destination registered model.
        experiment_name: Where the versions' runs go (created if missing).
        await_creation_for: Seconds to wait for each version to become READY.
    """

    def __init__(
        self,
        engine: ImportEngine,
        source: ModelSource,
        name: str,
        experiment_name: str,
        await_creation_for: float | None = None,
    ):
        self.engine = engine
        self.client = engine.client
        self.source = source
        self.versions = source.versions
        self.name = name
        self.experiment_name = experiment_name
        self.await_creation_for = await_creation_for
        self.state = StateFile.default(source.state_dir, engine.options.state_file)
        self.done: dict[str, str] = {}

    def key(self, version: ModelVersion) -> str:
        """The resume key of a source version."""
        return f"{self.name}:{version.name}/{version.version}"

    def pairs(self) -> dict[int, int]:
        """Source version number to destination version number, for those imported."""
        return {
            v.version: int(self.done[self.key(v)])
            for v in self.versions
            if self.key(v) in self.done
        }

    def _recorded(self) -> dict[str, str]:
        if self.state is None:
            return {}
        entry = self.state.read()["destinations"].get(self.client.tracking_uri, {})
        found = entry.get(SECTION, {})
        return {k: str(v) for k, v in found.items() if k.startswith(f"{self.name}:")}

    def _record(self, key: str, version: int) -> None:
        self.done[key] = str(version)
        if self.state is not None:
            self.state.record(self.client.tracking_uri, {SECTION: [(key, str(version))]})

    def prepare_model(self, delete_model: bool) -> None:
        """Create the destination model, delete it first, or resume an earlier import.

        Raises:
            AlreadyExists: The model exists, ``delete_model`` is off, and it is not an
                earlier import of this source.
        """
        try:
            existing: RegisteredModel | None = self.client.get_registered_model(self.name)
        except NotFound:
            existing = None
        recorded = self._recorded()
        if existing is not None and delete_model:
            self._delete_model()
            existing, recorded = None, {}
        if existing is None:
            model = self.source.model
            self.client.create_registered_model(
                self.name, tags=model.tags, description=model.description
            )
        elif not recorded:
            raise AlreadyExists(
                f"Registered model '{self.name}' already exists. Use --delete-model True "
                f"to delete it and import it again."
            )
        self.done = recorded

    def _delete_model(self) -> None:
        reporter = self.engine.reporter
        versions = all_versions(self.client, self.name)
        reporter.line(f"Deleting {len(versions)} versions for model '{self.name}'")
        for version in versions:
            reporter.line(
                f"  version={version.version} status={version.status} "
                f"stage={version.current_stage} run-id={version.run_id}"
            )
        self.client.delete_registered_model(self.name)
        if self.state is not None:
            self._forget()

    def _forget(self) -> None:
        assert self.state is not None
        content = self.state.read()
        entry = content["destinations"].get(self.client.tracking_uri, {})
        found = entry.get(SECTION, {})
        for key in [k for k in found if k.startswith(f"{self.name}:")]:
            del found[key]
        jsonio.write_json(self.state.path, content)

    def import_runs(self) -> ExperimentTarget:
        """Import the runs of the versions still to do into the destination experiment
        (a run behind several versions once, parents before their children)."""
        target = ExperimentTarget("", self.experiment_name, self.experiment_name)
        self.engine.prepare(target)
        runs = [
            version.run_id
            for version in self.versions
            if self.key(version) not in self.done and version.run_id
        ]
        tasks = []
        for run_id in dict.fromkeys(runs):
            try:
                parent = self.source.parent(run_id)
            except HeronError as error:  # counted as failed; its versions fail later
                self.engine.unreadable(run_id, error.message, self.experiment_name)
                continue
            tasks.append(RunTask(run_id, parent, target, partial(self.source.package, run_id)))
        self.engine.run(tasks)
        return target

    def import_versions(self) -> None:
        """Recreate each version not yet imported, then the model's aliases and tags."""
        summary, reporter = self.engine.summary, self.engine.reporter
        for version in self.versions:
            key = self.key(version)
            if key in self.done:
                reporter.line(f"Version {version.version} already imported: skipped")
                continue
            try:
                created = self._create(version)
                self._record(key, created.version)
                reporter.line(
                    f"Version: id={created.version} status={created.status} "
                    f"state={version.current_stage}"
                )
            except Exception as error:  # counted; the tool exits non-zero
                summary.failed(
                    "model version", f"{version.name}/{version.version}", describe_error(error)
                )
        self._finish_model()

    def _create(self, version: ModelVersion) -> ModelVersion:
        run_id = self.engine.ids.get(version.run_id) if version.run_id else None
        if version.run_id and run_id is None:
            raise InvalidState(f"its run '{version.run_id}' was not imported")
        source, model_id = self._source(version, run_id)
        created = self.client.create_model_version(
            self.name,
            source,
            run_id=run_id,
            tags=version.tags,
            description=version.description,
            await_creation_for=self.await_creation_for,
            model_id=model_id,
        )
        if version.current_stage != ModelVersionStage.NONE.value:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.client.transition_model_version_stage(
                    self.name, created.version, version.current_stage
                )
        return created

    def _source(self, version: ModelVersion, run_id: str | None) -> tuple[str, str | None]:
        """The destination source and logged model of a version.

        Raises:
            InvalidState: The version is a logged model that did not come along with its
                run (bundles of tools that know no logged models).
        """
        source = version.source or ""
        source_id = source_model_id(version)
        model_id = self.engine.ids.get(source_id) if source_id else None
        if source_id and model_id is None and run_id is not None:
            outputs = self.client.get_run(run_id).outputs
            produced = [o.model_id for o in (outputs.model_outputs if outputs else [])]
            model_id = produced[0] if len(produced) == 1 else None
        if source_id and is_models_uri(source):
            if model_id is None:
                raise InvalidState(
                    f"its logged model '{source_id}' was not transferred with its run"
                )
            return f"models:/{model_id}", model_id
        if run_id is None or version.run_id is None:
            return source, model_id
        artifact_uri = self.source.artifact_uri(version.run_id)
        path = run_relative_path(source, version.run_id, artifact_uri)
        if path is None:
            return source, model_id
        return f"runs:/{run_id}/{path}".rstrip("/"), model_id

    def _finish_model(self) -> None:
        """The model's description, tags and the aliases of the imported versions."""
        model, numbers = self.source.model, self.pairs()
        if model.description:
            self.client.update_registered_model(self.name, model.description)
        for tag, value in model.tags.items():
            self.client.set_registered_model_tag(self.name, tag, value)
        for alias, number in model.aliases.items():
            if number in numbers:
                self.client.set_registered_model_alias(self.name, alias, numbers[number])
