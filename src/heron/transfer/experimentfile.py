"""``experiment.json`` and ``experiments.json``, and the older ``manifest.json`` files.

Current layout (written): ``experiment.json`` holds the experiment and the ids of its
exported runs (``mlflow.runs``) with counts in ``info``; a multi-experiment export adds
``experiments.json`` listing each experiment's id and name. Older layout (read): the same
facts in ``manifest.json`` files, without the envelope (``experiment`` + ``export_info``
for one experiment, ``info`` + ``experiments`` for the list).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heron.entities import Experiment, LifecycleStage
from heron.transfer import jsonio
from heron.transfer.errors import CorruptBundle
from heron.transfer.records import ExperimentRecord

EXPERIMENT_FILE = "experiment.json"
EXPERIMENTS_FILE = "experiments.json"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class ListedExperiment:
    """One entry of a multi-experiment export: the source id and name, and its directory."""

    experiment_id: str
    name: str
    directory: str


def encode_experiment(record: ExperimentRecord) -> dict[str, Any]:
    """The ``mlflow`` payload of ``experiment.json``."""
    experiment = record.experiment
    return {
        "experiment": {
            "experiment_id": experiment.experiment_id,
            "name": experiment.name,
            "artifact_location": experiment.artifact_location,
            "lifecycle_stage": experiment.lifecycle_stage,
            "tags": dict(sorted(experiment.tags.items())),
            "creation_time": experiment.creation_time,
            "last_update_time": experiment.last_update_time,
            "_creation_time": jsonio.millis_text(experiment.creation_time),
            "_last_update_time": jsonio.millis_text(experiment.last_update_time),
        },
        "runs": list(record.run_ids),
        "logged_models": list(record.logged_model_ids),
    }


def encode_experiment_info(record: ExperimentRecord) -> dict[str, Any]:
    """The ``info`` section of ``experiment.json``: run counts and the failed ids."""
    ok, failed = len(record.run_ids), len(record.failed_run_ids)
    return {
        "num_total_runs": ok + failed,
        "num_ok_runs": ok,
        "num_failed_runs": failed,
        "failed_runs": list(record.failed_run_ids),
        "num_ok_logged_models": len(record.logged_model_ids),
        "parent_runs": dict(record.parents or {}),
    }


def _parents(listed: Any) -> dict[str, str] | None:
    """The parent of each nested run, from a Heron bundle's ``info.parent_runs`` (None
    when the bundle does not list them)."""
    if not isinstance(listed, Mapping):
        return None
    return {str(child): str(parent) for child, parent in listed.items() if parent}


def read_experiment(directory: str) -> ExperimentRecord:
    """The experiment record of an exported experiment directory (any layout).

    Raises:
        CorruptBundle: Neither ``experiment.json`` nor an older ``manifest.json`` is there,
            or it is malformed.
    """
    path = os.path.join(directory, EXPERIMENT_FILE)
    if not os.path.exists(path) and os.path.exists(os.path.join(directory, MANIFEST_FILE)):
        path = os.path.join(directory, MANIFEST_FILE)
    if not os.path.exists(path):
        raise CorruptBundle(
            f"'{directory}' is not an exported experiment: it has no {EXPERIMENT_FILE}"
        )
    content = jsonio.read_json(path, "experiment")
    data = jsonio.payload(content)
    block = data.get("experiment")
    if not isinstance(block, Mapping):
        raise CorruptBundle(f"Corrupt experiment file '{path}': it has no 'experiment' object")
    info: dict[str, Any] = dict(jsonio.section(content, jsonio.INFO))
    info.update(jsonio.section(data, "export_info"))  # the older layout's counts
    runs: Any = data.get("runs")
    if not isinstance(runs, list):
        runs = info["ok_runs"] if isinstance(info.get("ok_runs"), list) else []
    try:
        return ExperimentRecord(
            experiment=_experiment(block),
            run_ids=[str(run_id) for run_id in runs],
            failed_run_ids=[str(run_id) for run_id in info.get("failed_runs") or ()],
            logged_model_ids=[str(m) for m in data.get("logged_models") or ()],
            parents=_parents(info.get("parent_runs")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CorruptBundle(f"Corrupt experiment file '{path}': {error}") from None


def _experiment(block: Mapping[str, Any]) -> Experiment:
    tags = block.get("tags") or {}
    if isinstance(tags, list):
        tags = {tag["key"]: tag["value"] for tag in tags}
    return Experiment(
        experiment_id=str(block.get("experiment_id", "")),
        name=str(block["name"]),
        artifact_location=str(block.get("artifact_location") or ""),
        lifecycle_stage=str(block.get("lifecycle_stage") or LifecycleStage.ACTIVE),
        tags={str(k): str(v) for k, v in tags.items()},
        creation_time=_optional_int(block.get("creation_time")),
        last_update_time=_optional_int(block.get("last_update_time")),
    )


def _optional_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def is_experiment_dir(directory: str) -> bool:
    """Whether a directory holds one exported experiment (rather than a list of them)."""
    if os.path.exists(os.path.join(directory, EXPERIMENT_FILE)):
        return True
    manifest = os.path.join(directory, MANIFEST_FILE)
    if not os.path.exists(manifest):
        return False
    return "experiment" in jsonio.payload(jsonio.read_json(manifest, "manifest"))


def encode_experiment_list(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``mlflow`` payload of ``experiments.json``: ``[{id, name, ok_runs, ...}]``."""
    return {"experiments": entries}


def read_experiment_list(directory: str) -> list[ListedExperiment]:
    """The experiments of a multi-experiment export (``experiments.json`` or older
    ``manifest.json``), each with its directory.

    Raises:
        CorruptBundle: No list file is there, or it is malformed.
    """
    path = os.path.join(directory, EXPERIMENTS_FILE)
    if not os.path.exists(path):
        path = os.path.join(directory, MANIFEST_FILE)
    if not os.path.exists(path):
        raise CorruptBundle(
            f"'{directory}' is not an export of experiments: it has no {EXPERIMENTS_FILE}"
        )
    data = jsonio.payload(jsonio.read_json(path, "experiment list"))
    entries = data.get("experiments")
    if not isinstance(entries, list):
        raise CorruptBundle(f"Corrupt experiment list '{path}': it has no 'experiments' list")
    try:
        return [
            ListedExperiment(str(e["id"]), str(e["name"]), os.path.join(directory, str(e["id"])))
            for e in entries
        ]
    except (KeyError, TypeError) as error:
        raise CorruptBundle(f"Corrupt experiment list '{path}': entry without {error}") from None
