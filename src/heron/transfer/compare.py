"""``diff``: compare a source (a bundle directory or a tracking store) with a destination.

This is what ``heron transfer diff`` and the tools' ``--verify True`` run; it returns the
differences as lines of text, none when the destination holds a faithful copy. Sources are
experiments (their runs), or registered models (their versions and the runs behind them):
bundles of ``export-model`` / ``export-model-list``, or ``models`` of a store.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial

from heron.exceptions import InvalidParameter
from heron.tracking.client import MlflowClient
from heron.transfer import bundle, jsonio, layout
from heron.transfer.diff import SourceRun, diff_runs, match_runs
from heron.transfer.experimentfile import (
    is_experiment_dir,
    read_experiment,
    read_experiment_list,
)
from heron.transfer.live import LiveStore
from heron.transfer.options import ImportOptions
from heron.transfer.records import RunRecord
from heron.transfer.registry_diff import diff_model
from heron.transfer.registry_export import model_names
from heron.transfer.registry_sources import BundledModel, LiveModel, ModelSource
from heron.transfer.registryfile import MODEL_JSON, MODELS_JSON
from heron.transfer.sources import ArtifactSource


def _bundled(run_dir: str) -> tuple[RunRecord, ArtifactSource]:
    found = bundle.read_run(run_dir)
    return found.record, found.artifacts


def _live(source: LiveStore, run_id: str) -> tuple[RunRecord, ArtifactSource]:
    record = source.run_record(run_id)
    return record, source.run_artifacts(record)


def _bundle_experiments(directory: str) -> list[tuple[str, dict[str, SourceRun]]]:
    """(source experiment name, run loaders) for each experiment of a bundle."""
    directories = (
        [directory]
        if is_experiment_dir(directory)
        else [listed.directory for listed in read_experiment_list(directory)]
    )
    found = []
    for experiment_dir in directories:
        record = read_experiment(experiment_dir)
        loaders: dict[str, SourceRun] = {
            run_id: partial(_bundled, layout.find_run_dir(experiment_dir, run_id))
            for run_id in record.run_ids
        }
        found.append((record.experiment.name, loaders))
    return found


def _store_experiments(
    uri: str, experiments: str | Sequence[str]
) -> list[tuple[str, dict[str, SourceRun]]]:
    source = LiveStore(MlflowClient(tracking_uri=uri))
    found = []
    for experiment in source.experiments(experiments):
        loaders: dict[str, SourceRun] = {
            run.info.run_id: partial(_live, source, run.info.run_id)
            for run in source.runs(experiment.experiment_id)
        }
        found.append((experiment.name, loaders))
    return found


def is_model_bundle(directory: str) -> bool:
    """Whether a directory holds registered models (``model.json`` or ``models.json``)."""
    return any(os.path.isfile(os.path.join(directory, f)) for f in (MODEL_JSON, MODELS_JSON))


def _bundle_models(directory: str) -> list[ModelSource]:
    if os.path.isfile(os.path.join(directory, MODEL_JSON)):
        return [BundledModel(directory)]
    content = jsonio.read_json(os.path.join(directory, MODELS_JSON), "models")
    names = jsonio.payload(content).get("models") or []
    return [BundledModel(os.path.join(directory, str(name))) for name in names]


def diff_models(
    source: str,
    destination: str | None = None,
    models: str | Sequence[str] = "all",
    dst_model: str | None = None,
    options: ImportOptions | None = None,
    compare_artifacts: bool = True,
) -> list[str]:
    """Compare registered models with their copies; one line per difference.

    Args:
        source: A bundle directory of ``export-model`` or ``export-model-list``, or a
            tracking URI.
        destination: The destination tracking URI; by default the tracking URI.
        models: For a source store: ``"all"``, or names (comma separated, a trailing
            ``*`` matches a prefix).
        dst_model: The destination model's name when comparing one model (by default
            each copy has its source's name).
        options: The options the import used (which run tags and users it kept).
        compare_artifacts: Compare every file of the versions' runs too.

    Raises:
        InvalidParameter: ``dst_model`` is given for several models.
    """
    options = options or ImportOptions()
    target = LiveStore(MlflowClient(tracking_uri=destination))
    if os.path.isdir(source):
        found = _bundle_models(source)
    else:
        store = LiveStore(MlflowClient(tracking_uri=source))
        found = [LiveModel(store, name) for name in model_names(store.client, models)]
    if dst_model is not None and len(found) != 1:
        raise InvalidParameter(f"A destination model name needs one model, not {len(found)}")
    lines = []
    for model in found:
        name = dst_model or model.model.name
        lines += diff_model(model, target, name, options, compare_artifacts)
    return lines


def diff(
    source: str,
    destination: str | None = None,
    experiments: str | Sequence[str] = "all",
    experiment_name: str | None = None,
    experiment_name_prefix: str = "",
    options: ImportOptions | None = None,
    compare_artifacts: bool = True,
    models: str | Sequence[str] | None = None,
    dst_model: str | None = None,
) -> list[str]:
    """Compare a source with a destination; one line per difference.

    Args:
        source: A bundle directory (one experiment or model, or a list of them), or a
            tracking URI.
        destination: The destination tracking URI; by default the tracking URI.
        experiments: For a source store: ``"all"``, or experiment names or ids.
        experiment_name: The destination experiment, when comparing one experiment.
        experiment_name_prefix: The prefix the import added to experiment names.
        options: The options the import used (which tags and users it kept).
        compare_artifacts: Compare every artifact file's sha256 too.
        models: Compare these registered models (see :func:`diff_models`) instead of
            experiments; model bundles are compared as models anyway.
        dst_model: The destination model's name, when comparing one model.
    """
    if models is not None or (os.path.isdir(source) and is_model_bundle(source)):
        return diff_models(
            source, destination, models or "all", dst_model, options, compare_artifacts
        )
    options = options or ImportOptions()
    target = LiveStore(MlflowClient(tracking_uri=destination))
    found = (
        _bundle_experiments(source)
        if os.path.isdir(source)
        else _store_experiments(source, experiments)
    )
    lines = []
    pairs = []
    for name, loaders in found:
        destination_name = experiment_name or f"{experiment_name_prefix}{name}"
        experiment = target.client.get_experiment_by_name(destination_name)
        if experiment is None:
            lines.append(f"experiment '{destination_name}' is missing from the destination")
        else:
            pairs.append((loaders, experiment.experiment_id))
    everywhere: dict[str, str] = {}  # nested runs' parents may be in other experiments
    for _, experiment_id in pairs:
        everywhere.update(match_runs(target, experiment_id))
    for loaders, experiment_id in pairs:
        lines += diff_runs(loaders, target, experiment_id, options, compare_artifacts, everywhere)
    return lines
