"""``run.json``: one run, in mlflow-export-import's current format, and the older ones read.

Written: the envelope (``system``, ``info``, ``mlflow``); ``mlflow`` holds the run's
``info``, ``params``, ``metrics`` (each key's full history), ``tags``, ``inputs`` and
``outputs``; Heron adds the artifact checksums to ``info``, which other readers ignore.

Read as well: files without an envelope (mlflow-export-import 1.1 and older, the layout
the user guide shows), whose ``metrics`` may hold only each key's last value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from operator import itemgetter
from typing import Any

from heron.entities import (
    Dataset,
    DatasetInput,
    InputTag,
    LifecycleStage,
    LoggedModelOutput,
    Metric,
    MetricSeries,
    RunHistory,
    RunInfo,
    RunStatus,
)
from heron.exceptions import HeronError
from heron.transfer import jsonio
from heron.transfer.checksums import FileDigest
from heron.transfer.errors import CorruptBundle
from heron.transfer.records import PARENT_RUN_ID_TAG, RUN_NAME_TAG, RunRecord

RUN_FILE = "run.json"


def metric_to_dict(metric: Metric) -> dict[str, Any]:
    """One metric point without its key, as the bundle lists it under the key."""
    point: dict[str, Any] = {
        "value": metric.value,
        "timestamp": metric.timestamp,
        "step": metric.step,
    }
    for name in ("model_id", "dataset_name", "dataset_digest"):
        value = getattr(metric, name)
        if value is not None:
            point[name] = value
    return point


def encode_metrics(record: RunRecord) -> dict[str, list[dict[str, Any]]]:
    """Each key's full history as the bundle lists it: ``{key: [{value, timestamp, step,
    ...}]}``, plain points made straight from their columns."""
    metrics = {
        key: [
            {"value": value, "timestamp": timestamp, "step": step}
            for value, timestamp, step in zip(
                series.values, series.timestamps, series.steps, strict=True
            )
        ]
        for key, series in record.series.items()
    }
    if record.points:
        for key, points in record.metrics.items():
            metrics[key] = [metric_to_dict(point) for point in points]
    return metrics


def finite_metrics(record: RunRecord) -> bool:
    """Whether no metric value of the run is NaN or infinite."""
    return all(all(map(math.isfinite, s.values)) for s in record.series.values()) and all(
        math.isfinite(point.value) for point in record.points
    )


def dataset_input_to_dict(dataset_input: DatasetInput) -> dict[str, Any]:
    """A dataset input as MLflow's REST API shapes it."""
    return {
        "dataset": {k: v for k, v in dict(dataset_input.dataset).items() if v is not None},
        "tags": [{"key": t.key, "value": t.value} for t in dataset_input.tags],
    }


def encode_run(record: RunRecord) -> dict[str, Any]:
    """The ``mlflow`` payload of a run's ``run.json``."""
    info = record.info
    return {
        "info": {
            "run_uuid": info.run_id,
            "run_id": info.run_id,
            "experiment_id": info.experiment_id,
            "user_id": info.user_id,
            "status": info.status,
            "start_time": info.start_time,
            "end_time": info.end_time,
            "lifecycle_stage": info.lifecycle_stage,
            "artifact_uri": info.artifact_uri,
            "run_name": info.run_name,
            "_start_time": jsonio.millis_text(info.start_time),
            "_end_time": jsonio.millis_text(info.end_time),
        },
        "params": dict(record.params),
        "metrics": encode_metrics(record),
        "tags": dict(sorted(record.tags.items())),
        "inputs": {
            "dataset_inputs": [dataset_input_to_dict(d) for d in record.dataset_inputs],
            "model_inputs": [{"model_id": model_id} for model_id in record.model_inputs],
        },
        "outputs": {
            "model_outputs": [
                {"model_id": output.model_id, "step": output.step}
                for output in record.model_outputs
            ]
        },
    }


def encode_info(record: RunRecord) -> dict[str, Any]:
    """The ``info`` section: counts, and every artifact file's size and sha256."""
    artifacts = record.artifacts or []
    return {
        "num_params": len(record.params),
        "num_metric_points": record.metric_count,
        "num_tags": len(record.tags),
        "num_artifacts": len(artifacts),
        "artifacts": [digest.to_dict() for digest in artifacts],
    }


def decode_run(content: dict[str, Any], where: str) -> RunRecord:
    """A run record from a ``run.json`` of any layout.

    Raises:
        CorruptBundle: The file lacks a run id, or a section has the wrong shape.
    """
    data = jsonio.payload(content)
    try:
        info = _info(_mapping(data.get("info"), "info", where))
        params = _mapping(data.get("params"), "params", where)
        record = RunRecord(
            info=info,
            params={str(k): str(v) for k, v in params.items()},
            tags=_tags(data.get("tags"), where),
        )
        if record.info.run_name is None and RUN_NAME_TAG in record.tags:  # older files
            record.info = record.info.replace(run_name=record.tags[RUN_NAME_TAG])
        _read_metrics(record, _mapping(data.get("metrics"), "metrics", where))
        _read_inputs(record, data.get("inputs"), data.get("outputs"))
    except CorruptBundle:
        raise
    except (HeronError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise CorruptBundle(f"Corrupt run file '{where}': {error}") from None
    heron_info = jsonio.section(content, jsonio.INFO).get("artifacts")
    if isinstance(heron_info, list) and jsonio.MLFLOW in content:
        record.artifacts = [FileDigest.from_dict(item, where) for item in heron_info]
    return record


def _mapping(value: Any, name: str, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise CorruptBundle(f"Corrupt run file '{where}': '{name}' is not an object")
    return value


def _info(info: Mapping[str, Any]) -> RunInfo:
    run_id = info.get("run_id") or info.get("run_uuid") or info.get("run-id")
    if not run_id:
        raise KeyError("the run has no 'run_id'")
    status = info.get("status") or "FINISHED"
    return RunInfo(
        run_id=str(run_id),
        experiment_id=str(info.get("experiment_id", "")),
        user_id=str(info.get("user_id") or ""),
        status=RunStatus.name_of(status),
        start_time=_millis(info.get("start_time")),
        end_time=_millis(info.get("end_time")),
        lifecycle_stage=str(info.get("lifecycle_stage") or LifecycleStage.ACTIVE),
        artifact_uri=info.get("artifact_uri"),
        run_name=info.get("run_name"),
    )


def _millis(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _tags(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, list):  # REST-shaped: [{"key": ..., "value": ...}]
        return {str(tag["key"]): str(tag["value"]) for tag in value}
    return {str(k): str(v) for k, v in _mapping(value, "tags", where).items()}


def _read_metrics(record: RunRecord, metrics: Mapping[str, Any]) -> None:
    """Full histories; a bare number (oldest layout) is one point at the run's end."""
    fallback_time = record.info.end_time or record.info.start_time or 0
    others: dict[str, list[Metric]] = {}
    for key, value in metrics.items():
        if not isinstance(value, list):
            record.series[key] = MetricSeries(key, [float(value)], [fallback_time], [0])
            record.full_history = False
        elif not _read_plain(record, key, value):
            others[key] = [_point(key, point) for point in value]
    if others:
        history = RunHistory.from_points(record.run_id, others)
        record.series.update((series.key, series) for series in history.series)
        record.points.extend(history.points)


_PLAIN = itemgetter("value", "timestamp", "step")


def _read_plain(record: RunRecord, key: str, points: list[Any]) -> bool:
    """Read a history of plain points (value, timestamp and step only: the common case)
    column-wise; False, reading nothing, when it is not one."""
    if not points or set(map(len, points)) != {3}:
        return False
    try:
        values, timestamps, steps = zip(*map(_PLAIN, points), strict=True)
    except KeyError:
        return False
    record.series[key] = MetricSeries(
        key, list(map(float, values)), list(map(int, timestamps)), list(map(int, steps))
    )
    return True


def _point(key: str, point: Mapping[str, Any]) -> Metric:
    return Metric(
        key,
        float(point["value"]),
        int(point["timestamp"]),
        int(point.get("step") or 0),
        dataset_name=point.get("dataset_name"),
        dataset_digest=point.get("dataset_digest"),
        model_id=point.get("model_id"),
    )


def parent_of(content: dict[str, Any], where: str) -> tuple[str, str | None]:
    """A ``run.json``'s run id and parent run id, without reading the rest.

    Raises:
        CorruptBundle: It names no run.
    """
    data = jsonio.payload(content)
    info = _mapping(data.get("info"), "info", where)
    run_id = info.get("run_id") or info.get("run_uuid") or info.get("run-id")
    if not run_id:
        raise CorruptBundle(f"Corrupt run file '{where}': the run has no 'run_id'")
    try:
        parent = _tags(data.get("tags"), where).get(PARENT_RUN_ID_TAG)
    except (KeyError, TypeError) as error:
        raise CorruptBundle(f"Corrupt run file '{where}': {error}") from None
    return str(run_id), parent or None


def _read_inputs(record: RunRecord, inputs: Any, outputs: Any) -> None:
    inputs = inputs if isinstance(inputs, Mapping) else {}
    for item in inputs.get("dataset_inputs") or ():
        dataset = item["dataset"]
        record.dataset_inputs.append(
            DatasetInput(
                Dataset(
                    name=str(dataset["name"]),
                    digest=str(dataset["digest"]),
                    source_type=str(dataset.get("source_type", "")),
                    source=str(dataset.get("source", "")),
                    schema=dataset.get("schema"),
                    profile=dataset.get("profile"),
                ),
                tuple(InputTag(str(t["key"]), str(t["value"])) for t in item.get("tags") or ()),
            )
        )
    record.model_inputs = [str(m["model_id"]) for m in inputs.get("model_inputs") or ()]
    outputs = outputs if isinstance(outputs, Mapping) else {}
    record.model_outputs = [
        LoggedModelOutput(str(m["model_id"]), int(m.get("step") or 0))
        for m in outputs.get("model_outputs") or ()
    ]
