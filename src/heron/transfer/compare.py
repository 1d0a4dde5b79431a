"""``diff``: compare a source (a bundle directory or a tracking store) with a destination.

This is what ``heron transfer diff`` and the tools' ``--verify True`` run; it returns the
differences as lines of text, none when the destination holds a faithful copy.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial

from heron.tracking.client import MlflowClient
from heron.transfer import bundle, layout
from heron.transfer.diff import SourceRun, diff_runs, match_runs
from heron.transfer.experimentfile import (
    is_experiment_dir,
    read_experiment,
    read_experiment_list,
)
from heron.transfer.live import LiveStore
from heron.transfer.options import ImportOptions
from heron.transfer.records import RunRecord
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


def diff(
    source: str,
    destination: str | None = None,
    experiments: str | Sequence[str] = "all",
    experiment_name: str | None = None,
    experiment_name_prefix: str = "",
    options: ImportOptions | None = None,
    compare_artifacts: bool = True,
) -> list[str]:
    """Compare a source with a destination; one line per difference.

    Args:
        source: A bundle directory (one experiment, or a list of them), or a tracking URI.
        destination: The destination tracking URI; by default the tracking URI.
        experiments: For a source store: ``"all"``, or experiment names or ids.
        experiment_name: The destination experiment, when comparing one experiment.
        experiment_name_prefix: The prefix the import added to experiment names.
        options: The options the import used (which tags and users it kept).
        compare_artifacts: Compare every artifact file's sha256 too.
    """
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
