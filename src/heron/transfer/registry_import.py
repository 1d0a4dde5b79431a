"""Importing registered models exported by ``export-model`` / ``export-model-list``.

Every version's run goes into one destination experiment; each version is then recreated
with its source pointed at the imported run's artifacts (or its imported logged model), its
stage, tags and description, and the model gets its description, tags and aliases. An
import is resumable: the versions it created are recorded (keyed on the source model name
and version) in the input directory's state file, so re-running it skips them.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import replace
from functools import partial
from typing import Any

from heron.entities import ModelVersion, ModelVersionStage, RegisteredModel
from heron.exceptions import AlreadyExists, HeronError, InvalidState, NotFound
from heron.tracking.client import MlflowClient
from heron.transfer import bundle, jsonio
from heron.transfer.engine import ImportEngine, describe_error
from heron.transfer.imports import load_package
from heron.transfer.options import ImportOptions
from heron.transfer.packages import ExperimentTarget, RunTask
from heron.transfer.progress import Reporter
from heron.transfer.registry_export import all_versions
from heron.transfer.registryfile import MODELS_JSON, read_model
from heron.transfer.resume import StateFile
from heron.transfer.summary import Summary

SECTION = "model_versions"
"""The state file's map of ``<destination model>:<source model>/<version>`` to versions."""


class ModelImport:
    """One registered model's import into a destination store."""

    def __init__(
        self,
        engine: ImportEngine,
        input_dir: str,
        name: str,
        experiment_name: str,
        await_creation_for: float | None = None,
    ):
        self.engine = engine
        self.await_creation_for = await_creation_for
        self.client = engine.client
        self.input_dir = input_dir
        self.name = name
        self.experiment_name = experiment_name
        self.source, self.versions = read_model(input_dir)
        self.state = StateFile.default(input_dir, engine.options.state_file)
        self.done: dict[str, str] = {}

    def key(self, version: ModelVersion) -> str:
        """The resume key of a source version."""
        return f"{self.name}:{version.name}/{version.version}"

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
                earlier import of this bundle.
        """
        reporter = self.engine.reporter
        try:
            existing: RegisteredModel | None = self.client.get_registered_model(self.name)
        except NotFound:
            existing = None
        recorded = self._recorded()
        if existing is not None and delete_model:
            versions = all_versions(self.client, self.name)
            reporter.line(f"Deleting {len(versions)} versions for model '{self.name}'")
            for version in versions:
                reporter.line(
                    f"  version={version.version} status={version.status} "
                    f"stage={version.current_stage} run-id={version.run_id}"
                )
            self.client.delete_registered_model(self.name)
            existing, recorded = None, {}
            if self.state is not None:
                self._forget()
        if existing is None:
            self.client.create_registered_model(
                self.name, tags=self.source.tags, description=self.source.description
            )
        elif not recorded:
            raise AlreadyExists(
                f"Registered model '{self.name}' already exists. Use --delete-model True "
                f"to delete it and import it again."
            )
        self.done = recorded

    def _forget(self) -> None:
        assert self.state is not None
        content = self.state.read()
        entry = content["destinations"].get(self.client.tracking_uri, {})
        found = entry.get(SECTION, {})
        for key in [k for k in found if k.startswith(f"{self.name}:")]:
            del found[key]
        jsonio.write_json(self.state.path, content)

    def import_runs(self) -> ExperimentTarget:
        """Import the runs of the versions still to do into the destination experiment."""
        target = ExperimentTarget("", self.experiment_name, self.experiment_name)
        self.engine.prepare(target)
        runs: dict[str, str] = {}
        for version in self.versions:
            if self.key(version) not in self.done and version.run_id:
                runs[version.run_id] = os.path.join(self.input_dir, version.run_id)
        tasks = [
            RunTask(
                run_id,
                None,
                target,
                partial(load_package, run_dir, [run_dir, self.input_dir], self.experiment_name),
            )
            for run_id, run_dir in runs.items()
        ]
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
        run_id = self.engine.ids.get(version.run_id or "") if version.run_id else None
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
        """The destination source and logged model of a version."""
        source = version.source or ""
        model_id = self.engine.ids.get(version.model_id) if version.model_id else None
        if version.model_id and model_id is None and run_id is not None:
            outputs = self.client.get_run(run_id).outputs
            produced = [o.model_id for o in (outputs.model_outputs if outputs else [])]
            model_id = produced[0] if len(produced) == 1 else None
        if source.startswith("models:/") and version.model_id and model_id is not None:
            return f"models:/{model_id}", model_id
        if run_id is None or version.run_id is None:
            return source, model_id
        path = _run_relative(source, version.run_id, self._source_artifact_uri(version.run_id))
        if path is None:
            return source, model_id
        return f"runs:/{run_id}/{path}".rstrip("/"), model_id

    def _source_artifact_uri(self, run_id: str) -> str | None:
        try:
            return bundle.read_run(os.path.join(self.input_dir, run_id)).record.info.artifact_uri
        except HeronError:
            return None

    def _finish_model(self) -> None:
        """The model's description, tags and the aliases of the imported versions."""
        numbers = {
            key.rsplit("/", 1)[-1]: int(value)
            for key, value in self.done.items()
            if key.startswith(f"{self.name}:{self.source.name}/")
        }
        if self.source.description:
            self.client.update_registered_model(self.name, self.source.description)
        for tag, value in self.source.tags.items():
            self.client.set_registered_model_tag(self.name, tag, value)
        for alias, number in self.source.aliases.items():
            if str(number) in numbers:
                self.client.set_registered_model_alias(self.name, alias, numbers[str(number)])


def _run_relative(source: str, run_id: str, artifact_uri: str | None) -> str | None:
    """The path of ``source`` inside the source run's artifacts, if it is there."""
    prefix = f"runs:/{run_id}"
    if source == prefix or source.startswith(prefix + "/"):
        return source[len(prefix) :].strip("/")
    if artifact_uri and (
        source == artifact_uri or source.startswith(artifact_uri.rstrip("/") + "/")
    ):
        return source[len(artifact_uri.rstrip("/")) :].strip("/")
    marker = f"/{run_id}/artifacts"
    if marker in source:
        return source.split(marker, 1)[1].strip("/")
    return None


def import_model(
    input_dir: str,
    model: str,
    experiment_name: str,
    delete_model: bool = False,
    await_creation_for: float | None = None,
    options: ImportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Import an exported registered model under the name ``model``.

    Args:
        input_dir: The directory ``export_model`` wrote (with ``model.json``).
        model: The destination registered model's name.
        experiment_name: Where the versions' runs go (created if missing).
        delete_model: First delete the destination model and all its versions if it exists.
        await_creation_for: Seconds to wait for each version to become READY.
        options: Import options; ``settings`` (e.g. ``import_source_tags=True``) override.
        client: The destination; by default the tracking URI's.
        reporter: Where progress goes; silent by default.

    Raises:
        CorruptBundle: ``input_dir`` holds no readable ``model.json``.
        AlreadyExists: The model exists and ``delete_model`` is off (nothing is imported).
        TransferFailed: Some runs or versions failed (the others are imported).
    """
    options = replace(options or ImportOptions(), **settings)
    reporter = reporter or Reporter(quiet=True)
    summary = Summary("imported", per_experiment=False)
    engine = ImportEngine(client or MlflowClient(), options, reporter, summary)
    job = ModelImport(engine, input_dir, model, experiment_name, await_creation_for)
    reporter.line("Model to import:")
    reporter.line(f"  Name: {job.source.name}")
    reporter.line(f"  Description: {job.source.description or ''}")
    reporter.line(f"  {len(job.versions)} versions")
    job.prepare_model(delete_model)
    job.import_runs()
    job.import_versions()
    imported = sum(1 for v in job.versions if job.key(v) in job.done)
    reporter.line(f"{imported}/{len(job.versions)} versions successfully imported")
    for line in summary.lines():
        reporter.line(line)
    summary.raise_for_failures()
    return summary


def import_models(
    input_dir: str,
    experiment_name_prefix: str = "",
    delete_model: bool = False,
    options: ImportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Import every model of an ``export_models`` directory under its own name; each
    model's runs go into the experiment ``<experiment_name_prefix><model name>``.

    Raises:
        CorruptBundle: ``input_dir`` holds no readable ``models.json``.
        TransferFailed: Some models, runs or versions failed.
    """
    content = jsonio.read_json(os.path.join(input_dir, MODELS_JSON), "models")
    names = jsonio.payload(content).get("models") or []
    total = Summary("imported", per_experiment=False)
    for name in names:
        try:
            summary = import_model(
                os.path.join(input_dir, str(name)),
                str(name),
                f"{experiment_name_prefix}{name}",
                delete_model,
                options=options,
                client=client,
                reporter=reporter,
                **settings,
            )
        except HeronError as error:
            total.failed("model", str(name), error.message)
            continue
        total.runs_total += summary.runs_total
        total.runs_ok += summary.runs_ok
    total.raise_for_failures()
    return total
