"""Copying runs and experiments straight from one tracking store to another.

No bundle directory in between: each artifact file streams from the source repository
into the destination's (hashed on the way), and the same import engine as for bundles
writes the runs, so copies resume, keep nested runs' parents and can verify themselves.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from heron.entities import Experiment
from heron.tracking.client import MlflowClient
from heron.transfer.engine import ImportEngine
from heron.transfer.errors import TransferFailed
from heron.transfer.imports import Plan, experiment_tags, finish, import_plans
from heron.transfer.live import LiveStore
from heron.transfer.options import ImportOptions
from heron.transfer.packages import ExperimentTarget, ModelPackage, RunPackage, RunTask
from heron.transfer.progress import Reporter
from heron.transfer.summary import Summary
from heron.transfer.tagpolicy import Lineage


def live_package(source: LiveStore, run_id: str, experiment_name: str) -> RunPackage:
    """A source run, its files and the logged models it produced, read from a live store."""
    record = source.run_record(run_id)
    models = []
    for output in record.model_outputs:
        model = source.logged_model(output.model_id)
        if model is not None and model.model.source_run_id in (None, run_id):
            models.append(ModelPackage(model, source.model_artifacts(model)))
    lineage = Lineage(source.tracking_uri, experiment_name, int(time.time()))
    return RunPackage(record, source.run_artifacts(record), models, lineage)


def experiment_plan(
    source: LiveStore,
    experiment: Experiment,
    name: str,
    options: ImportOptions,
    run_ids: Sequence[str] | None = None,
) -> Plan:
    """The destination experiment and run tasks for copying a source experiment."""
    target = ExperimentTarget(
        experiment.experiment_id,
        experiment.name,
        name,
        experiment_tags(dict(experiment.tags), options),
    )
    runs = source.runs(experiment.experiment_id)
    if run_ids is not None:
        wanted = set(run_ids)
        runs = [run for run in runs if run.info.run_id in wanted]
    tasks = [
        RunTask(
            run.info.run_id,
            run.data.tags.get("mlflow.parentRunId") or None,
            target,
            partial(live_package, source, run.info.run_id, experiment.name),
        )
        for run in runs
    ]
    return source.tracking_uri, target, tasks


def copy_engine(
    dst_tracking_uri: str | None,
    options: ImportOptions | None,
    settings: dict[str, Any],
    reporter: Reporter | None,
    per_experiment: bool = True,
) -> ImportEngine:
    """The importer of a store-to-store copy into ``dst_tracking_uri`` (options with
    ``settings`` applied; silent unless given a reporter)."""
    return ImportEngine(
        MlflowClient(tracking_uri=dst_tracking_uri),
        replace(options or ImportOptions(), **settings),
        reporter or Reporter(quiet=True),
        Summary("copied", per_experiment=per_experiment),
    )


def copy_experiments(
    experiments: str | Sequence[str],
    src_tracking_uri: str | None = None,
    dst_tracking_uri: str | None = None,
    experiment_name_prefix: str = "",
    options: ImportOptions | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Copy experiments (``"all"``, or names or ids) and their active runs to another
    tracking store, each under ``experiment_name_prefix`` + its name.

    Raises:
        NotFound: A named experiment does not exist at the source.
        TransferFailed: Some runs failed (the others are copied).
    """
    source = LiveStore(MlflowClient(tracking_uri=src_tracking_uri))
    engine = copy_engine(dst_tracking_uri, options, settings, reporter)
    plans = [
        experiment_plan(source, e, f"{experiment_name_prefix}{e.name}", engine.options)
        for e in source.experiments(experiments)
    ]
    import_plans(plans, engine)
    return finish(engine, plans, None)


def copy_experiment(
    experiment: str,
    experiment_name: str | None = None,
    src_tracking_uri: str | None = None,
    dst_tracking_uri: str | None = None,
    options: ImportOptions | None = None,
    reporter: Reporter | None = None,
    run_ids: Sequence[str] | None = None,
    **settings: Any,
) -> Summary:
    """Copy one experiment (by name or id) and its active runs to another tracking store.

    Args:
        experiment: The source experiment's name or id.
        experiment_name: The destination experiment (the source's name by default).
        src_tracking_uri: The source store; by default the tracking URI.
        dst_tracking_uri: The destination store; by default the tracking URI.
        options: Import options; ``settings`` (e.g. ``workers=4``) override its fields.
        reporter: Where progress goes; silent by default.
        run_ids: Copy only these runs.
    """
    source = LiveStore(MlflowClient(tracking_uri=src_tracking_uri))
    engine = copy_engine(dst_tracking_uri, options, settings, reporter)
    found = source.experiment(experiment)
    plans = [experiment_plan(source, found, experiment_name or found.name, engine.options, run_ids)]
    import_plans(plans, engine)
    return finish(engine, plans, None)


def copy_run(
    run_id: str,
    experiment_name: str,
    src_tracking_uri: str | None = None,
    dst_tracking_uri: str | None = None,
    options: ImportOptions | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> str:
    """Copy one run into an experiment of another tracking store; the new run's id.

    Raises:
        TransferFailed: The run could not be copied.
    """
    source = LiveStore(MlflowClient(tracking_uri=src_tracking_uri))
    engine = copy_engine(dst_tracking_uri, options, settings, reporter, per_experiment=False)
    run = source.client.get_run(run_id)
    source_experiment = source.client.get_experiment(run.info.experiment_id)
    target = ExperimentTarget(
        source_experiment.experiment_id, source_experiment.name, experiment_name
    )
    load = partial(live_package, source, run_id, source_experiment.name)
    task = RunTask(run_id, run.data.tags.get("mlflow.parentRunId") or None, target, load)
    engine.reporter.line(f"Copying run '{run_id}' into '{experiment_name}'")
    engine.prepare(target)
    engine.run([task])
    finish(engine, [(source.tracking_uri, target, [task])], None)
    destination = engine.summary.id_map.get(run_id)
    if destination is None:
        raise TransferFailed(f"Run '{run_id}' was not copied")
    return destination
