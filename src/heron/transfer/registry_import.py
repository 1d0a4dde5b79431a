"""Importing registered models exported by ``export-model`` / ``export-model-list``.

Every version's run goes into one destination experiment; each version is then recreated
(see :mod:`heron.transfer.registry_writer`) with its stage, tags and description, and the
model gets its description, tags and aliases. An import is resumable: the versions it
created are recorded in the input directory's state file, so re-running it skips them.
With ``verify``, the destination model is then compared with the bundle.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from heron.exceptions import HeronError
from heron.tracking.client import MlflowClient
from heron.transfer import jsonio
from heron.transfer.diff import report
from heron.transfer.engine import ImportEngine
from heron.transfer.live import LiveStore
from heron.transfer.options import ImportOptions
from heron.transfer.progress import Reporter
from heron.transfer.registry_diff import diff_model
from heron.transfer.registry_sources import BundledModel, ModelSource
from heron.transfer.registry_writer import ModelImport
from heron.transfer.registryfile import MODELS_JSON
from heron.transfer.summary import Summary


def transfer_model(
    engine: ImportEngine,
    source: ModelSource,
    name: str,
    experiment_name: str,
    delete_model: bool = False,
    await_creation_for: float | None = None,
) -> Summary:
    """Write a source model into the engine's destination as ``name``; verify it if the
    options ask, print the account, and raise if anything failed.

    Raises:
        AlreadyExists: The model exists and ``delete_model`` is off (nothing is written).
        TransferFailed: Some runs or versions failed, or the copy differs.
    """
    reporter, summary = engine.reporter, engine.summary
    job = ModelImport(engine, source, name, experiment_name, await_creation_for)
    reporter.line("Model to import:")
    reporter.line(f"  Name: {source.model.name}")
    reporter.line(f"  Description: {source.model.description or ''}")
    reporter.line(f"  {len(job.versions)} versions")
    job.prepare_model(delete_model)
    job.import_runs()
    job.import_versions()
    done = len(job.pairs())
    reporter.line(f"{done}/{len(job.versions)} versions successfully {summary.action}")
    if engine.options.verify:
        differences = diff_model(
            source, LiveStore(engine.client), name, engine.options, pairs=job.pairs()
        )
        reporter.line(report(differences))
        for line in differences:
            summary.failed("difference", "", line)
    for line in summary.lines():
        reporter.line(line)
    summary.raise_for_failures()
    return summary


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
        options: Import options; ``settings`` (e.g. ``import_source_tags=True``,
            ``verify=True``) override.
        client: The destination; by default the tracking URI's.
        reporter: Where progress goes; silent by default.

    Raises:
        CorruptBundle: ``input_dir`` holds no readable ``model.json``.
        AlreadyExists: The model exists and ``delete_model`` is off (nothing is imported).
        TransferFailed: Some runs or versions failed (the others are imported), or, with
            ``verify``, the destination differs from the bundle.
    """
    options = replace(options or ImportOptions(), **settings)
    reporter = reporter or Reporter(quiet=True)
    summary = Summary("imported", per_experiment=False)
    engine = ImportEngine(client or MlflowClient(), options, reporter, summary)
    source = BundledModel(input_dir)
    return transfer_model(engine, source, model, experiment_name, delete_model, await_creation_for)


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
