"""Files of runs and logged models in an ``mlruns`` folder: inputs, outputs, logged
models, and which logged model each metric point belongs to."""

from __future__ import annotations

import contextlib
import logging
import os

from heron.entities import (
    DatasetInput,
    InputTag,
    LifecycleStage,
    LoggedModel,
    LoggedModelInput,
    LoggedModelOutput,
    Metric,
    RunInputs,
    RunOutputs,
)
from heron.store.tracking.file import layout, records
from heron.store.tracking.file.records import MalformedFolder

_log = logging.getLogger(__name__)

ModelPoints = dict[str, dict[tuple[object, ...], str]]
"""Logged-model ids of metric points: by run id, then point (see :func:`point_id`)."""


def point_id(metric: Metric) -> tuple[object, ...]:
    """What identifies a metric point across a run's and a logged model's files."""
    return (
        metric.key,
        metric.timestamp,
        metric.step,
        metric.value,
        metric.dataset_name,
        metric.dataset_digest,
    )


def _logged_order(entry: os.DirEntry[str]) -> tuple[int, str]:
    try:
        return os.stat(os.path.join(entry.path, layout.META)).st_mtime_ns, entry.name
    except OSError:
        return 0, entry.name


def model_points(experiment_dir: str) -> ModelPoints:
    """Which logged model each run's metric point was logged for, from the models'
    metric files (a run's own metric files do not say): by run id, then
    ``(key, timestamp, step, value, dataset_name, dataset_digest)``."""
    index: ModelPoints = {}
    models = os.path.join(experiment_dir, layout.MODELS)
    if not os.path.isdir(models):
        return index
    for entry in os.scandir(models):
        for key, path in layout.key_files(os.path.join(entry.path, layout.METRICS)):
            with contextlib.suppress(OSError, MalformedFolder):
                for line in layout.read_text(path).splitlines():
                    if line.strip():
                        m = records.model_metric_from_line(key, line, entry.name, path)
                        index.setdefault(m.run_id or "", {})[point_id(m)] = entry.name
    return index


def read_inputs(run_dir: str) -> RunInputs:
    """The datasets and logged models a run used."""
    inputs_dir = os.path.join(run_dir, layout.INPUTS)
    if not os.path.isdir(inputs_dir):
        return RunInputs()
    datasets_dir = os.path.join(os.path.dirname(run_dir), layout.DATASETS)
    dataset_inputs: list[DatasetInput] = []
    model_inputs: list[LoggedModelInput] = []
    for entry in sorted(os.scandir(inputs_dir), key=_logged_order):
        meta_path = os.path.join(entry.path, layout.META)
        if not os.path.isfile(meta_path):
            continue
        meta = layout.read_yaml(meta_path)
        source_id = str(meta.get("source_id") or "")
        if meta.get("source_type") == "MODEL":
            model_inputs.append(LoggedModelInput(model_id=source_id))
            continue
        dataset_meta = os.path.join(datasets_dir, source_id, layout.META)
        if meta.get("source_type") != "DATASET" or "/" in source_id:
            continue
        if not os.path.isfile(dataset_meta):
            _log.warning("Run %s names a missing dataset %s", run_dir, source_id)
            continue
        tags = meta.get("tags") or {}
        dataset_inputs.append(
            DatasetInput(
                dataset=records.dataset_from_meta(layout.read_yaml(dataset_meta)),
                tags=tuple(InputTag(str(k), str(v)) for k, v in tags.items()),
            )
        )
    return RunInputs(dataset_inputs=tuple(dataset_inputs), model_inputs=tuple(model_inputs))


def read_outputs(run_dir: str) -> RunOutputs:
    """The logged models a run produced."""
    outputs_dir = os.path.join(run_dir, layout.OUTPUTS)
    if not os.path.isdir(outputs_dir):
        return RunOutputs()
    outputs = []
    for entry in sorted(os.scandir(outputs_dir), key=lambda e: e.name):
        meta_path = os.path.join(entry.path, layout.META)
        if os.path.isfile(meta_path):
            meta = layout.read_yaml(meta_path)
            outputs.append(
                LoggedModelOutput(
                    model_id=str(meta.get("destination_id") or entry.name),
                    step=int(meta.get("step") or 0),
                )
            )
    outputs.sort(key=lambda o: (o.step, o.model_id))
    return RunOutputs(model_outputs=tuple(outputs))


def read_logged_model(model_dir: str) -> tuple[LoggedModel, str]:
    """A logged model and its lifecycle stage (``active`` or ``deleted``)."""
    meta_path = os.path.join(model_dir, layout.META)
    meta = layout.read_yaml(meta_path)
    tags = layout.read_key_files(os.path.join(model_dir, layout.TAGS))
    params = layout.read_key_files(os.path.join(model_dir, layout.PARAMS))
    metrics: list[Metric] = []
    model_id = os.path.basename(model_dir)
    for key, path in layout.key_files(os.path.join(model_dir, layout.METRICS)):
        points = [
            records.model_metric_from_line(key, line, model_id, path)
            for line in layout.read_text(path).splitlines()
            if line.strip()
        ]
        by_dataset: dict[tuple[str | None, str | None], list[Metric]] = {}
        for point in points:
            by_dataset.setdefault((point.dataset_name, point.dataset_digest), []).append(point)
        metrics.extend(records.latest(group) for group in by_dataset.values())
    model = records.logged_model_from_meta(meta, tags, params, metrics, meta_path)
    return model, str(meta.get("lifecycle_stage") or LifecycleStage.ACTIVE)
