"""Comparing a transfer's source with its destination (``heron transfer diff``, ``--verify``).

Destination runs are matched to source runs by the marker every import writes
(``heron.transfer.source_run_id``), or by mlflow-export-import's lineage tags for runs it
imported. Each pair is compared on what a transfer keeps: name, status, start and end
times, user (when kept), params, tags, every metric point, dataset inputs and every
artifact file's sha256. Each difference is one line of text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from heron.entities import Run, ViewType
from heron.transfer.live import LiveStore
from heron.transfer.options import ImportOptions
from heron.transfer.records import RunRecord
from heron.transfer.snapshot import MLMODEL_ID_KEYS, RunSnapshot, snapshot
from heron.transfer.sources import ArtifactSource
from heron.transfer.tagpolicy import LOG_MODEL_HISTORY_TAG, SOURCE_RUN_TAG, comparable_tags

SourceRun = Callable[[], tuple[RunRecord, ArtifactSource]]
"""Loads one source run and its files."""

LINEAGE_ID_TAGS = (
    SOURCE_RUN_TAG,
    "mlflow_exim.run_info.run_id",
    "mlflow_export_import.metadata.run_id",
    "mlflow_export_import.metadata.run-id",
)


def _history(value: str) -> Any:
    """``mlflow.log-model.history`` without the ids and locations an import changes."""
    try:
        entries = json.loads(value)
    except ValueError:
        return value
    if not isinstance(entries, list):
        return value
    cleaned = []
    for entry in entries:
        if isinstance(entry, dict):
            cleaned.append({k: v for k, v in entry.items() if k not in MLMODEL_ID_KEYS})
        else:
            cleaned.append(entry)
    return cleaned


def _tags(run: RunSnapshot, options: ImportOptions) -> dict[str, Any]:
    tags: dict[str, Any] = dict(comparable_tags(run.tags, options))
    if LOG_MODEL_HISTORY_TAG in tags:
        tags[LOG_MODEL_HISTORY_TAG] = _history(tags[LOG_MODEL_HISTORY_TAG])
    return tags


def mapping_diff(
    label: str, source: Mapping[str, Any], destination: Mapping[str, Any]
) -> list[str]:
    """One line per key missing, added or changed in ``destination``, e.g.
    ``tag 'team' differs: 'a' != 'b'``."""
    lines = []
    for key in sorted(set(source) | set(destination)):
        if key not in destination:
            lines.append(f"{label} '{key}' is missing")
        elif key not in source:
            lines.append(f"{label} '{key}' was not in the source")
        elif source[key] != destination[key]:
            lines.append(
                f"{label} '{key}' differs: {_short(source[key])} != {_short(destination[key])}"
            )
    return lines


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def compare_runs(
    source: RunSnapshot, destination: RunSnapshot, options: ImportOptions
) -> list[str]:
    """The differences between a source run and its copy, one line each."""
    info_keys = ["run_name", "status", "start_time", "end_time", "lifecycle_stage"]
    if options.use_src_user_id:
        info_keys.append("user_id")
    lines = mapping_diff(
        "attribute",
        {k: source.info[k] for k in info_keys},
        {k: destination.info[k] for k in info_keys},
    )
    lines += mapping_diff("param", source.params, destination.params)
    lines += mapping_diff("tag", _tags(source, options), _tags(destination, options))
    for key in sorted(set(source.metrics) | set(destination.metrics)):
        ours, theirs = source.metrics.get(key, []), destination.metrics.get(key, [])
        if ours != theirs:
            lines.append(
                f"metric '{key}' history differs: {len(ours)} points != {len(theirs)}"
                + (" (same count, different points)" if len(ours) == len(theirs) else "")
            )
    if source.datasets != destination.datasets:
        lines.append(
            f"dataset inputs differ: {len(source.datasets)} != {len(destination.datasets)}"
        )
    lines += mapping_diff("artifact", source.artifacts, destination.artifacts)
    prefix = f"run '{source.run_id}' -> '{destination.run_id}': "
    return [prefix + line for line in lines]


def by_lineage(runs: list[Run]) -> dict[str, str]:
    """Source run id to destination run id, for the runs that name their source run
    (Heron's marker, or mlflow-export-import's lineage tags)."""
    matched: dict[str, str] = {}
    for run in runs:
        source_id = source_run_id(run)
        if source_id:
            matched.setdefault(source_id, run.info.run_id)
    return matched


def source_run_id(run: Run) -> str | None:
    """The source run a destination run names in its lineage tags, if any."""
    for tag in LINEAGE_ID_TAGS:
        source_id = run.data.tags.get(tag)
        if source_id:
            return source_id
    return None


def match_runs(destination: LiveStore, experiment_id: str) -> dict[str, str]:
    """Source run id to destination run id, for the active runs of a destination
    experiment that name their source run."""
    return by_lineage(destination.runs(experiment_id, ViewType.ACTIVE_ONLY))


def _by_name(unclaimed: dict[str | None, list[str]], name: str | None) -> str | None:
    """The one unclaimed destination run with this name (runs imported by tools that
    leave no lineage tags), or None."""
    candidates = unclaimed.get(name, [])
    return candidates.pop() if len(candidates) == 1 and name else None


def diff_runs(
    sources: Mapping[str, SourceRun],
    destination: LiveStore,
    experiment_id: str,
    options: ImportOptions,
    compare_artifacts: bool = True,
    elsewhere: Mapping[str, str] | None = None,
) -> list[str]:
    """Compare source runs with their copies in one destination experiment.

    Copies are found by their lineage tags, else by a run name no other run has.

    Args:
        sources: Source run id to a loader of that run.
        destination: The destination store.
        experiment_id: The destination experiment.
        options: The options the import used (they decide which tags are expected).
        compare_artifacts: Compare every file's sha256 too.
        elsewhere: Source to destination ids of runs in other experiments (parents of
            nested runs may live there).
    """
    runs = destination.runs(experiment_id, ViewType.ACTIVE_ONLY)
    matched = by_lineage(runs)
    claimed = set(matched.values())
    unclaimed: dict[str | None, list[str]] = {}
    for run in runs:
        if run.info.run_id not in claimed:
            unclaimed.setdefault(run.info.run_name, []).append(run.info.run_id)
    back = {dst: src for src, dst in {**(elsewhere or {}), **matched}.items()}
    lines = []
    for source_id, load in sources.items():
        record, files = load()
        destination_id = matched.get(source_id) or _by_name(unclaimed, record.info.run_name)
        if destination_id is None:
            lines.append(f"run '{source_id}' is missing from the destination")
            continue
        copy = destination.run_record(destination_id)
        lines += compare_copy((record, files), destination, copy, options, compare_artifacts, back)
    return lines


def compare_copy(
    source: tuple[RunRecord, ArtifactSource],
    destination: LiveStore,
    copy: RunRecord,
    options: ImportOptions,
    compare_artifacts: bool = True,
    back: Mapping[str, str] | None = None,
) -> list[str]:
    """The differences between a source run (and its files) and its copy.

    Args:
        source: The source run and its files.
        destination: The store holding the copy.
        copy: The destination run.
        options: The options the import used.
        compare_artifacts: Compare every file's sha256 too.
        back: Destination to source ids of other runs (parents of nested runs).
    """
    record, files = source
    copy_files = destination.run_artifacts(copy) if compare_artifacts else None
    return compare_runs(
        snapshot(record, files if compare_artifacts else None, {}),
        snapshot(copy, copy_files, {**(back or {}), copy.run_id: record.run_id}),
        options,
    )


def report(lines: Iterable[str]) -> str:
    """The differences as one text block (or a line saying there are none)."""
    found = list(lines)
    if not found:
        return "No differences"
    return "\n".join([f"{len(found)} difference{'s' if len(found) > 1 else ''}:", *found])
