"""``logged_model.json``: one MLflow 3.x logged model, as mlflow-export-import writes it.

The ``mlflow`` payload holds every LoggedModel field (tags and params as maps, metrics as
a list of points); Heron adds the checksums of the model's files to ``info``.
"""

from __future__ import annotations

from typing import Any

from heron.entities import LoggedModel, LoggedModelStatus, Metric
from heron.exceptions import HeronError
from heron.transfer import jsonio
from heron.transfer.checksums import FileDigest
from heron.transfer.errors import CorruptBundle
from heron.transfer.records import LoggedModelRecord
from heron.transfer.runfile import metric_to_dict

MODEL_FILE = "logged_model.json"
MODELS_FILE = "logged_models.json"
MODELS_DIR = "logged_models"


def encode_model(record: LoggedModelRecord) -> dict[str, Any]:
    """The ``mlflow`` payload of a ``logged_model.json``."""
    model = record.model
    metrics = []
    for metric in model.metrics:
        point = metric_to_dict(metric)
        point["key"] = metric.key
        if metric.run_id is not None:
            point["run_id"] = metric.run_id
        metrics.append(point)
    return {
        "model_id": model.model_id,
        "experiment_id": model.experiment_id,
        "name": model.name,
        "artifact_location": model.artifact_location,
        "creation_timestamp": model.creation_timestamp,
        "last_updated_timestamp": model.last_updated_timestamp,
        "_creation_timestamp": jsonio.millis_text(model.creation_timestamp),
        "_last_updated_timestamp": jsonio.millis_text(model.last_updated_timestamp),
        "model_type": model.model_type,
        "source_run_id": model.source_run_id,
        "status": model.status.value,
        "status_message": model.status_message,
        "tags": dict(sorted(model.tags.items())),
        "params": dict(model.params),
        "metrics": metrics,
    }


def encode_info(record: LoggedModelRecord) -> dict[str, Any]:
    """The ``info`` section: every file's size and sha256."""
    artifacts = record.artifacts or []
    return {"num_artifacts": len(artifacts), "artifacts": [d.to_dict() for d in artifacts]}


def decode_model(content: dict[str, Any], where: str) -> LoggedModelRecord:
    """A logged-model record from a ``logged_model.json``.

    Raises:
        CorruptBundle: A required field is missing or malformed.
    """
    data = jsonio.payload(content)
    data = data.get("logged_model", data) if isinstance(data.get("logged_model"), dict) else data
    try:
        model = LoggedModel(
            experiment_id=str(data.get("experiment_id", "")),
            model_id=str(data["model_id"]),
            name=str(data["name"]),
            artifact_location=str(data.get("artifact_location", "")),
            creation_timestamp=int(data.get("creation_timestamp") or 0),
            last_updated_timestamp=int(data.get("last_updated_timestamp") or 0),
            model_type=data.get("model_type"),
            source_run_id=data.get("source_run_id"),
            status=LoggedModelStatus.coerce(data.get("status") or "READY"),
            status_message=data.get("status_message"),
            tags={str(k): str(v) for k, v in (data.get("tags") or {}).items()},
            params={str(k): str(v) for k, v in (data.get("params") or {}).items()},
            metrics=[_metric(point) for point in data.get("metrics") or ()],
        )
    except (HeronError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise CorruptBundle(f"Corrupt logged model file '{where}': {error}") from None
    record = LoggedModelRecord(model)
    listed = jsonio.section(content, jsonio.INFO).get("artifacts")
    if isinstance(listed, list):
        record.artifacts = [FileDigest.from_dict(item, where) for item in listed]
    return record


def _metric(point: dict[str, Any]) -> Metric:
    return Metric(
        str(point["key"]),
        float(point["value"]),
        int(point["timestamp"]),
        int(point.get("step") or 0),
        dataset_name=point.get("dataset_name"),
        dataset_digest=point.get("dataset_digest"),
        model_id=point.get("model_id"),
        run_id=point.get("run_id"),
    )
