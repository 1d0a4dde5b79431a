"""Importing bundles: one run, one experiment, or a list of experiments.

``import_run``, ``import_experiment`` and ``import_experiments`` read any bundle layout
(mlflow-export-import's current and 1.2.0 layouts, and the older ``manifest.json`` one),
check every artifact's checksum before writing a run, and resume: runs a previous import
completed are skipped, runs it left half-written are replaced.
"""

from __future__ import annotations

import os
from dataclasses import replace
from functools import partial
from typing import Any

from heron.exceptions import AlreadyExists, HeronError, InvalidParameter, InvalidState
from heron.tracking.client import MlflowClient
from heron.transfer import bundle, layout
from heron.transfer.diff import diff_runs, report
from heron.transfer.engine import ImportEngine
from heron.transfer.errors import CorruptBundle, TransferFailed
from heron.transfer.experimentfile import read_experiment, read_experiment_list
from heron.transfer.live import LiveStore
from heron.transfer.options import ImportOptions
from heron.transfer.packages import ExperimentTarget, ModelPackage, RunPackage, RunTask
from heron.transfer.progress import Reporter
from heron.transfer.resume import StateFile
from heron.transfer.runfile import RUN_FILE
from heron.transfer.summary import Summary
from heron.transfer.tagpolicy import MLFLOW_PREFIX, NOTE_TAG, Lineage

RUN_IMPORT_DEFAULTS = ImportOptions(import_mlflow_tags=False)
"""``import-run`` keeps ``mlflow.*`` tags only when asked, as the user guide documents."""


def _options(options: ImportOptions | None, settings: dict[str, Any]) -> ImportOptions:
    return replace(options or ImportOptions(), **settings)


def load_package(run_dir: str, model_dirs: list[str], experiment_name: str) -> RunPackage:
    """A bundled run with the logged models it produced (those found in ``model_dirs``)."""
    bundled = bundle.read_run(run_dir)
    record = bundled.record
    models = []
    for output in record.model_outputs:
        found = layout.find_model_dir(model_dirs, output.model_id)
        if found is None:
            continue
        model = bundle.read_model(found)
        if model.record.model.source_run_id in (None, record.run_id):
            models.append(ModelPackage(model.record, model.artifacts))
    export_time = bundled.system.get("export_time")
    lineage = Lineage(
        str(bundled.system.get("mlflow_tracking_uri", "")),
        experiment_name,
        export_time if isinstance(export_time, int) else 0,
    )
    return RunPackage(record, bundled.artifacts, models, lineage)


def experiment_tags(tags: dict[str, str], options: ImportOptions) -> dict[str, str]:
    """The tags a new destination experiment gets from its source."""
    if options.import_mlflow_tags:
        return dict(tags)
    return {k: v for k, v in tags.items() if not k.startswith(MLFLOW_PREFIX) or k == NOTE_TAG}


def experiment_tasks(
    directory: str, name: str, options: ImportOptions, engine: ImportEngine
) -> tuple[ExperimentTarget, list[RunTask]]:
    """The destination experiment and the run tasks of an exported experiment directory.

    Runs whose ``run.json`` cannot be read are counted as failed, not imported (and so
    are their children, later).
    """
    record = read_experiment(directory)
    source = record.experiment
    target = ExperimentTarget(
        source.experiment_id, source.name, name, experiment_tags(dict(source.tags), options)
    )
    model_dirs = [layout.experiment_models_dir(directory)]
    tasks = []
    for run_id in record.run_ids:
        run_dir = layout.find_run_dir(directory, run_id)
        if record.parents is not None:  # listed in the bundle: no need to read each run
            parent = record.parents.get(run_id)
        else:
            try:
                parent = bundle.read_parent(run_dir)
            except CorruptBundle as error:
                engine.unreadable(run_id, error.message, name)
                continue
        load = partial(load_package, run_dir, [run_dir, *model_dirs], source.name)
        tasks.append(RunTask(run_id, parent, target, load))
    return target, tasks


Plan = tuple[str, ExperimentTarget, list[RunTask]]
"""Where an experiment comes from (a directory or URI), where it goes, and its runs."""


def finish(engine: ImportEngine, plans: list[Plan], state_dir: str | None) -> Summary:
    """Record the id map, verify if asked, print the account, raise on failures."""
    summary, options, reporter = engine.summary, engine.options, engine.reporter
    state = StateFile.default(state_dir, options.state_file)
    if state is not None:
        try:
            state.record(
                engine.client.tracking_uri,
                {
                    "experiments": [(t.source_id, t.experiment_id) for _, t, _ in plans],
                    "runs": list(summary.id_map.items()),
                },
            )
        except (OSError, HeronError) as error:
            reporter.line(f"Warning: could not write the import state file '{state.path}': {error}")
    if options.verify:
        _verify(engine, plans)
    for line in summary.lines():
        reporter.line(line)
    summary.raise_for_failures()
    return summary


def _verify(engine: ImportEngine, plans: list[Plan]) -> None:
    destination = LiveStore(engine.client)
    differences = []
    for _, target, tasks in plans:
        sources = {task.source_id: _loader(task) for task in tasks}
        differences += diff_runs(
            sources,
            destination,
            target.experiment_id,
            engine.options,
            elsewhere=engine.ids.snapshot(),
        )
    engine.reporter.line(report(differences))
    for line in differences:
        engine.summary.failed("difference", "", line)


def _loader(task: RunTask) -> Any:
    def load() -> Any:
        package = task.load()
        return package.record, package.artifacts

    return load


def import_plans(plans: list[Plan], engine: ImportEngine) -> None:
    """Prepare every destination experiment, then import all runs together."""
    all_tasks: list[RunTask] = []
    for origin, target, tasks in plans:
        engine.reporter.line(
            f"Importing experiment '{target.source_name}' (ID {target.source_id}) from "
            f"'{origin}' as '{target.name}'"
        )
        try:
            engine.prepare(target)
        except (InvalidState, InvalidParameter, AlreadyExists) as error:  # this one only
            engine.summary.failed("experiment", target.source_name, error.message)
            for task in tasks:
                engine.summary.run_failed(task.source_id, "its experiment failed", target.name)
            continue
        engine.summary.experiments += 1
        all_tasks += tasks
    engine.run(all_tasks)


def import_experiment(
    input_dir: str,
    experiment_name: str,
    options: ImportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Import an exported experiment's runs into an experiment (created if missing).

    Args:
        input_dir: The exported experiment directory.
        experiment_name: The destination experiment.
        options: Import options; ``settings`` (e.g. ``workers=4``) override its fields.
        client: The destination; by default the tracking URI's.
        reporter: Where progress goes; silent by default.

    Returns:
        The summary of what was imported.

    Raises:
        CorruptBundle: ``input_dir`` is not an exported experiment.
        TransferFailed: Some runs failed (the others are imported).
    """
    options = _options(options, settings)
    reporter = reporter or Reporter(quiet=True)
    engine = ImportEngine(client or MlflowClient(), options, reporter, Summary("imported"))
    plans = [(input_dir, *experiment_tasks(input_dir, experiment_name, options, engine))]
    import_plans(plans, engine)
    return finish(engine, plans, input_dir)


def import_experiments(
    input_dir: str,
    experiment_name_prefix: str | None = None,
    options: ImportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Import every experiment of a multi-experiment export, in one go.

    Nested runs keep their parents across all the experiments imported together.

    Args:
        input_dir: The export's directory (``experiments.json`` or an older
            ``manifest.json``).
        experiment_name_prefix: Added in front of each experiment's name.
        options: Import options; ``settings`` override its fields.
        client: The destination; by default the tracking URI's.
        reporter: Where progress goes; silent by default.
    """
    options = _options(options, settings)
    reporter = reporter or Reporter(quiet=True)
    engine = ImportEngine(client or MlflowClient(), options, reporter, Summary("imported"))
    plans = []
    for listed in read_experiment_list(input_dir):
        name = f"{experiment_name_prefix or ''}{listed.name}"
        try:
            target, tasks = experiment_tasks(listed.directory, name, options, engine)
        except CorruptBundle as error:
            engine.summary.failed("experiment", listed.name, error.message)
            continue
        plans.append((listed.directory, target, tasks))
    import_plans(plans, engine)
    return finish(engine, plans, input_dir)


def import_run(
    input_dir: str,
    experiment_name: str,
    options: ImportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    run_id: str | None = None,
    **settings: Any,
) -> str:
    """Import one exported run into an experiment (created if missing); its new id.

    Args:
        input_dir: The exported run's directory (with ``run.json``), or a directory
            holding it as ``<run_id>/`` when ``run_id`` is given.
        experiment_name: The destination experiment.
        options: Import options (``import-run`` keeps ``mlflow.*`` tags only when asked);
            ``settings`` override its fields.
        client: The destination.
        reporter: Where progress goes.
        run_id: The source run id, to find it under ``input_dir``.

    Raises:
        CorruptBundle: No readable run is there.
        TransferFailed: The run could not be imported.
    """
    options = _options(options or RUN_IMPORT_DEFAULTS, settings)
    reporter = reporter or Reporter(quiet=True)
    run_dir = _run_dir(input_dir, run_id)
    summary = Summary("imported", per_experiment=False)
    engine = ImportEngine(client or MlflowClient(), options, reporter, summary)
    source = bundle.read_run(run_dir).record
    target = ExperimentTarget(source.info.experiment_id, experiment_name, experiment_name)
    load = partial(load_package, run_dir, [run_dir], experiment_name)
    task = RunTask(source.run_id, source.parent_run_id, target, load)
    reporter.line(f"Importing run '{source.run_id}' from '{run_dir}' into '{experiment_name}'")
    engine.prepare(target)
    engine.run([task])
    finish(engine, [(run_dir, target, [task])], run_dir)
    destination = summary.id_map.get(source.run_id)
    if destination is None:
        raise TransferFailed(f"Run '{source.run_id}' was not imported")
    return destination


def _run_dir(input_dir: str, run_id: str | None) -> str:
    if run_id and not os.path.exists(os.path.join(input_dir, RUN_FILE)):
        for candidate in (os.path.join(input_dir, run_id), layout.find_run_dir(input_dir, run_id)):
            if os.path.exists(os.path.join(candidate, RUN_FILE)):
                return candidate
    return input_dir
