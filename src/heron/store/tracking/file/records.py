"""``meta.yaml`` contents and metric lines as MLflow 3.17.2 writes them, to and from
Heron's entities."""

from __future__ import annotations

import hashlib
import math
import sys
from typing import Any

from heron.entities import (
    Dataset,
    Experiment,
    LifecycleStage,
    LoggedModel,
    LoggedModelStatus,
    Metric,
    RunInfo,
    RunStatus,
    SourceType,
)
from heron.exceptions import HeronError

WORKSPACE = "default"


class MalformedFolder(HeronError):
    """A file of an ``mlruns`` folder does not hold what MLflow writes there
    (INVALID_STATE)."""

    error_code = "INVALID_STATE"


def experiment_meta(experiment: Experiment) -> dict[str, Any]:
    """An experiment's ``meta.yaml`` (its tags live in files, not here)."""
    return {
        "artifact_location": experiment.artifact_location,
        "creation_time": experiment.creation_time,
        "effective_trace_archival_retention": None,
        "experiment_id": experiment.experiment_id,
        "last_update_time": experiment.last_update_time,
        "lifecycle_stage": experiment.lifecycle_stage,
        "name": experiment.name,
        "trace_location": None,
        "workspace": WORKSPACE,
    }


def experiment_from_meta(
    meta: dict[str, Any], tags: dict[str, str], where: str, folder_id: str
) -> Experiment:
    """An experiment from its ``meta.yaml`` (ids were integers in old MLflow versions).

    Raises:
        MalformedFolder: the name or id is missing, or the id is not the folder's.
    """
    experiment_id = meta.get("experiment_id")
    if experiment_id is None or meta.get("name") is None:
        raise MalformedFolder(f"Experiment metadata in '{where}' has no experiment_id or name")
    if str(experiment_id) != folder_id:
        raise MalformedFolder(
            f"Experiment metadata in '{where}' names experiment {experiment_id}, not "
            f"{folder_id}, the folder's name"
        )
    return Experiment(
        experiment_id=str(experiment_id),
        name=str(meta["name"]),
        artifact_location=str(meta.get("artifact_location") or ""),
        lifecycle_stage=str(meta.get("lifecycle_stage") or LifecycleStage.ACTIVE),
        tags=tags,
        creation_time=_int_or_none(meta.get("creation_time")),
        last_update_time=_int_or_none(meta.get("last_update_time")),
    )


def run_meta(info: RunInfo, deleted_time: int | None = None) -> dict[str, Any]:
    """A run's ``meta.yaml``; ``deleted_time`` is written for deleted runs only, and
    ``tags: []`` and the source fields are kept for old MLflow readers."""
    meta: dict[str, Any] = {
        "artifact_uri": info.artifact_uri,
        "end_time": info.end_time,
        "entry_point_name": "",
        "experiment_id": info.experiment_id,
        "lifecycle_stage": info.lifecycle_stage,
        "run_id": info.run_id,
        "run_name": info.run_name,
        "run_uuid": info.run_id,
        "source_name": "",
        "source_type": SourceType.LOCAL,
        "source_version": "",
        "start_time": info.start_time,
        "status": RunStatus.from_string(info.status),
        "tags": [],
        "user_id": info.user_id,
    }
    if deleted_time is not None:
        meta["deleted_time"] = deleted_time
    return meta


def run_info_from_meta(meta: dict[str, Any], where: str) -> RunInfo:
    """A run's info from its ``meta.yaml``.

    Raises:
        MalformedFolder: the run id or experiment id is missing.
    """
    run_id = meta.get("run_id") or meta.get("run_uuid")
    experiment_id = meta.get("experiment_id")
    if not run_id or experiment_id is None:
        raise MalformedFolder(f"Run metadata in '{where}' has no run_id or experiment_id")
    status = meta.get("status", RunStatus.RUNNING)
    return RunInfo(
        run_id=str(run_id),
        experiment_id=str(experiment_id),
        user_id=str(meta.get("user_id") or ""),
        status=RunStatus.to_string(status) if isinstance(status, int) else str(status),
        start_time=_int_or_none(meta.get("start_time")),
        end_time=_int_or_none(meta.get("end_time")),
        lifecycle_stage=str(meta.get("lifecycle_stage") or LifecycleStage.ACTIVE),
        artifact_uri=meta.get("artifact_uri"),
        run_name=meta.get("run_name") or None,
    )


def metric_line(metric: Metric, run_id: str | None = None) -> str:
    """One line of a metrics file: ``timestamp value step`` (then the run id in a logged
    model's file), then ``dataset_name dataset_digest`` when the point has a dataset."""
    parts = [str(metric.timestamp), _number(metric.value), str(metric.step)]
    if run_id is not None:
        parts.append(run_id)
    if metric.dataset_name is not None and metric.dataset_digest is not None:
        parts += [metric.dataset_name, metric.dataset_digest]
    return " ".join(parts) + "\n"


def metric_from_line(key: str, line: str, run_id: str | None, where: str) -> Metric:
    """A run's metric point from a line of 2, 3 or 5 fields.

    Raises:
        MalformedFolder: for any other line.
    """
    parts = line.strip().split(" ")
    try:
        if len(parts) in (2, 3, 5):
            return Metric(
                key=key,
                value=float(parts[1]),
                timestamp=int(parts[0]),
                step=int(parts[2]) if len(parts) >= 3 else 0,
                dataset_name=parts[3] if len(parts) == 5 else None,
                dataset_digest=parts[4] if len(parts) == 5 else None,
                run_id=run_id,
            )
    except ValueError:
        pass
    raise MalformedFolder(
        f"Metric '{key}' in '{where}' is malformed: line {line.strip()[:80]!r} is not "
        f"'timestamp value [step [dataset_name dataset_digest]]'"
    )


def model_metric_from_line(key: str, line: str, model_id: str, where: str) -> Metric:
    """A logged model's metric point from a line of 4 or 6 fields (the run id 4th).

    Raises:
        MalformedFolder: for any other line.
    """
    parts = line.strip().split(" ")
    try:
        if len(parts) in (4, 6):
            return Metric(
                key=key,
                value=float(parts[1]),
                timestamp=int(parts[0]),
                step=int(parts[2]),
                dataset_name=parts[4] if len(parts) == 6 else None,
                dataset_digest=parts[5] if len(parts) == 6 else None,
                model_id=model_id,
                run_id=parts[3],
            )
    except ValueError:
        pass
    raise MalformedFolder(f"Metric '{key}' of logged model in '{where}' is malformed")


def latest_of_lines(key: str, text: str, where: str) -> Metric | None:
    """The latest point (as :func:`latest` picks it) of a run's metrics file, without
    building the others; None for an empty file.

    Raises:
        MalformedFolder: for a malformed line.
    """
    best: tuple[int, int, float] | None = None
    best_line = ""
    try:
        for line in text.splitlines():
            parts = line.split(" ")
            count = len(parts)
            if count < 2:
                if line.strip():
                    raise ValueError(line)
                continue
            value = float(parts[1])
            rank = (
                int(parts[2]) if count >= 3 else 0,
                int(parts[0]),
                -math.inf if math.isnan(value) else value,  # NaN ranks lowest
            )
            if best is None or rank > best:
                best, best_line = rank, line
    except ValueError:
        raise MalformedFolder(f"Metric '{key}' in '{where}' is malformed") from None
    return None if best is None else metric_from_line(key, best_line, None, where)


def latest(points: list[Metric]) -> Metric:
    """The point MLflow shows as a metric's value: largest step, then timestamp, value."""
    return max(points, key=lambda m: (m.step, m.timestamp, _sortable(m.value)))


def dataset_meta(dataset: Dataset) -> dict[str, Any]:
    """A dataset's ``meta.yaml`` under ``<experiment>/datasets/<id>``."""
    return {
        "digest": dataset.digest,
        "name": dataset.name,
        "profile": dataset.profile,
        "schema": dataset.schema,
        "source": dataset.source,
        "source_type": dataset.source_type,
    }


def dataset_from_meta(meta: dict[str, Any]) -> Dataset:
    """A dataset from its ``meta.yaml``."""
    return Dataset(
        name=str(meta.get("name") or ""),
        digest=str(meta.get("digest") or ""),
        source_type=str(meta.get("source_type") or ""),
        source=str(meta.get("source") or ""),
        schema=meta.get("schema"),
        profile=meta.get("profile"),
    )


def input_meta(source_type: str, source_id: str, tags: dict[str, str]) -> dict[str, Any]:
    """An input's ``meta.yaml`` (MLflow writes the source id as destination id too)."""
    return {
        "destination_id": source_id,
        "destination_type": "RUN",
        "source_id": source_id,
        "source_type": source_type,
        "tags": tags,
    }


def output_meta(model_id: str, step: int) -> dict[str, Any]:
    """A run output's ``meta.yaml`` under ``<run>/outputs/<model_id>``."""
    return {
        "destination_id": model_id,
        "destination_type": "MODEL_OUTPUT",
        "source_id": model_id,
        "source_type": "RUN_OUTPUT",
        "step": step,
        "tags": {},
    }


def md5_id(*parts: str) -> str:
    """MLflow's ids of datasets and inputs: the md5 of the parts' UTF-8 bytes."""
    digest = hashlib.md5(usedforsecurity=False)
    for part in parts:
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()


def logged_model_meta(model: LoggedModel, lifecycle_stage: str) -> dict[str, Any]:
    """A logged model's ``meta.yaml`` (tags, params and metrics live in files)."""
    return {
        "artifact_location": model.artifact_location,
        "creation_timestamp": model.creation_timestamp,
        "experiment_id": model.experiment_id,
        "last_updated_timestamp": model.last_updated_timestamp,
        "lifecycle_stage": lifecycle_stage,
        "model_id": model.model_id,
        "model_type": model.model_type,
        "name": model.name,
        "source_run_id": model.source_run_id,
        "status": LoggedModelStatus.coerce(model.status).number,
        "status_message": model.status_message,
    }


def logged_model_from_meta(
    meta: dict[str, Any],
    tags: dict[str, str],
    params: dict[str, str],
    metrics: list[Metric],
    where: str,
) -> LoggedModel:
    """A logged model from its ``meta.yaml`` and files.

    Raises:
        MalformedFolder: the model id or experiment id is missing.
    """
    if not meta.get("model_id") or meta.get("experiment_id") is None:
        raise MalformedFolder(f"Logged model metadata in '{where}' has no model_id")
    return LoggedModel(
        experiment_id=str(meta["experiment_id"]),
        model_id=str(meta["model_id"]),
        name=str(meta.get("name") or ""),
        artifact_location=str(meta.get("artifact_location") or ""),
        creation_timestamp=int(meta.get("creation_timestamp") or 0),
        last_updated_timestamp=int(meta.get("last_updated_timestamp") or 0),
        model_type=meta.get("model_type"),
        source_run_id=meta.get("source_run_id"),
        status=LoggedModelStatus.coerce(meta.get("status", 0)),
        status_message=meta.get("status_message"),
        tags=tags,
        params=params,
        metrics=metrics,
    )


def _number(value: float) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if math.isinf(number):  # clamped, as every Heron store (and MLflow's SQL store) does
        number = math.copysign(sys.float_info.max, number)
    return repr(number)


def _sortable(value: float) -> float:
    return -math.inf if math.isnan(value) else value


def _int_or_none(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]
