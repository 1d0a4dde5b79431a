"""A run reduced to what a transfer must preserve, for comparing source and destination.

Ids are put into source terms (a destination run's parent tag is mapped back), and
``MLmodel`` files are hashed without the ids an import rewrites, so two snapshots are
equal exactly when the import kept everything it promises to keep.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from heron.transfer.checksums import HashingStream
from heron.transfer.mlmodel import is_mlmodel, replace_ids
from heron.transfer.records import RunRecord
from heron.transfer.sources import ArtifactSource

MLMODEL_ID_KEYS = ("run_id", "model_id", "model_uuid", "artifact_path")

Point = tuple[int, int, str, str | None, str | None]
"""(step, timestamp, value as text, dataset name, dataset digest); the logged model a
point belongs to is left out, since bundles of other tools do not carry the model."""


@dataclass
class RunSnapshot:
    """The comparable content of one run."""

    run_id: str
    info: dict[str, Any]
    params: dict[str, str]
    tags: dict[str, str]
    metrics: dict[str, list[Point]]
    datasets: list[tuple[Any, ...]]
    artifacts: dict[str, str] = field(default_factory=dict)


def mlmodel_fingerprint(content: bytes) -> str:
    """The sha256 of an ``MLmodel`` file without the ids an import rewrites."""
    import yaml

    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        return hashlib.sha256(content).hexdigest()
    for key in MLMODEL_ID_KEYS:
        data.pop(key, None)
    canonical = yaml.safe_dump(data, sort_keys=True).encode("utf-8")
    return "mlmodel:" + hashlib.sha256(canonical).hexdigest()


def artifact_fingerprints(source: ArtifactSource) -> dict[str, str]:
    """``{path: sha256}`` of every file; recorded digests are used where the source has
    them (bundles), other files are streamed and hashed."""
    recorded = {d.path: d.sha256 for d in source.digests() or ()}
    found = {}
    for path in source.paths():
        if is_mlmodel(path):
            found[path] = mlmodel_fingerprint(b"".join(source.chunks(path)))
        elif path in recorded:
            found[path] = recorded[path]
        else:
            stream = HashingStream(source.chunks(path))
            for _ in stream:
                pass
            found[path] = stream.hexdigest()
    return found


def snapshot(
    record: RunRecord, artifacts: ArtifactSource | None, back: Mapping[str, str]
) -> RunSnapshot:
    """A run's snapshot.

    Args:
        record: The run.
        artifacts: Its files, or None to leave files out of the comparison.
        back: Destination to source ids (empty for a source run).
    """
    info = record.info
    tags = {k: replace_ids(v, back) for k, v in record.tags.items()}
    metrics = {
        key: sorted(
            (
                p.step,
                p.timestamp,
                repr(float(p.value)),
                p.dataset_name,
                p.dataset_digest,
            )
            for p in points
        )
        for key, points in record.metrics.items()
    }
    datasets = sorted(
        (
            d.dataset.name,
            d.dataset.digest,
            d.dataset.source_type,
            d.dataset.source,
            d.dataset.schema,
            d.dataset.profile,
            tuple(sorted((t.key, t.value) for t in d.tags)),
        )
        for d in record.dataset_inputs
    )
    return RunSnapshot(
        run_id=info.run_id,
        info={
            "run_name": info.run_name,
            "status": info.status,
            "start_time": info.start_time,
            "end_time": info.end_time,
            "user_id": record.tags.get("mlflow.user") or info.user_id,
            "lifecycle_stage": info.lifecycle_stage,
        },
        params=dict(record.params),
        tags=tags,
        metrics=metrics,
        datasets=datasets,
        artifacts=artifact_fingerprints(artifacts) if artifacts is not None else {},
    )
