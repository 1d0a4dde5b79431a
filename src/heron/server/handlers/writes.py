"""Writes to a run: metrics, params, tags, batches, inputs, outputs, legacy model records."""

from __future__ import annotations

import json

from heron.entities import Metric, Param, RunTag
from heron.exceptions import InvalidParameter
from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services

LOGGED_MODELS_TAG = "mlflow.log-model.history"
_MODEL_FIELDS = ("artifact_path", "flavors", "utc_time_created", "run_id")


@handles("LogMetric")
def log_metric(request: Request, services: Services) -> Result:
    """Log one metric point."""
    metric = Metric(
        request["key"],
        request["value"],
        request["timestamp"],
        request.get("step", 0),
        dataset_name=request.get("dataset_name"),
        dataset_digest=request.get("dataset_digest"),
        model_id=request.get("model_id"),
    )
    services.tracking.log_metric(request["run_id"], metric)
    return None


@handles("LogParam")
def log_param(request: Request, services: Services) -> Result:
    """Log one param (a missing value is the empty string)."""
    services.tracking.log_param(request["run_id"], Param(request["key"], request.get("value", "")))
    return None


@handles("SetTag")
def set_tag(request: Request, services: Services) -> Result:
    """Set one run tag (a missing value is the empty string)."""
    services.tracking.set_tag(request["run_id"], RunTag(request["key"], request.get("value", "")))
    return None


@handles("DeleteTag")
def delete_tag(request: Request, services: Services) -> Result:
    """Delete a run tag."""
    services.tracking.delete_tag(request["run_id"], request["key"])
    return None


@handles("LogBatch")
def log_batch(request: Request, services: Services) -> Result:
    """Log metrics, params and tags at once, all or nothing."""
    services.tracking.log_batch(
        request["run_id"],
        metrics=request.get("metrics", ()),
        params=request.get("params", ()),
        tags=request.get("tags", ()),
    )
    return None


@handles("LogInputs")
def log_inputs(request: Request, services: Services) -> Result:
    """Record datasets and logged models the run used."""
    services.tracking.log_inputs(
        request["run_id"], datasets=request.get("datasets", ()), models=request.get("models")
    )
    return None


@handles("LogOutputs")
def log_outputs(request: Request, services: Services) -> Result:
    """Record logged models the run produced."""
    services.tracking.log_outputs(request["run_id"], request["models"])
    return None


@handles("LogModel")
def log_model(request: Request, services: Services) -> Result:
    """Append an MLflow 2.x model record to the run's ``mlflow.log-model.history`` tag."""
    try:
        model = json.loads(request["model_json"])
    except ValueError:
        raise InvalidParameter("Malformed model info. 'model_json' is not valid JSON.") from None
    missing = [name for name in _MODEL_FIELDS if not isinstance(model, dict) or name not in model]
    if missing:
        raise InvalidParameter(f"Model json is missing mandatory fields: {missing}")
    store = services.tracking
    run_id = request["run_id"]
    history = json.loads(store.get_run(run_id).data.tags.get(LOGGED_MODELS_TAG, "[]"))
    history.append(model)
    store.set_tag(run_id, RunTag(LOGGED_MODELS_TAG, json.dumps(history)))
    return None
