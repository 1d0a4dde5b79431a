"""The tracking entities on the wire: their messages and codecs, with MLflow's JSON shapes.

Shapes follow MLflow's server exactly: proto (snake_case) names, int64 as JSON numbers,
enums by name, unset fields and empty lists omitted, ``"NaN"`` for a NaN metric,
``run_uuid`` repeating ``run_id``, and ``data``/``inputs``/``outputs`` always present on a
run (``{}`` when empty). A run's inputs and outputs are in :mod:`heron.protocol.inputs`.
"""

from __future__ import annotations

from typing import Any

from heron.entities import (
    Experiment,
    ExperimentTag,
    FileInfo,
    Metric,
    Param,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunOutputs,
    RunStatus,
    RunTag,
    ViewType,
)
from heron.protocol.codec import register_codec, register_key_value
from heron.protocol.inputs import encode_run_inputs, encode_run_outputs, set_fields
from heron.protocol.schema import (
    EnumType,
    boolean,
    define,
    double,
    enumeration,
    int64,
    nested,
    string,
)
from heron.protocol.values import encode_double

DEFAULT_WORKSPACE = "default"
VIEW_TYPE = EnumType(
    "ViewType",
    {
        "ACTIVE_ONLY": ViewType.ACTIVE_ONLY,
        "DELETED_ONLY": ViewType.DELETED_ONLY,
        "ALL": ViewType.ALL,
    },
)
RUN_STATUS = EnumType(
    "RunStatus",
    {
        name: RunStatus.from_string(name)
        for name in ("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED")
    },
)


for _name, _cls in (("ExperimentTag", ExperimentTag), ("RunTag", RunTag), ("Param", Param)):
    define(_name, string("key", required=True), string("value"), doc=f"A {_name}: key and value.")
    register_key_value(_name, _cls)


def _pairs(mapping: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in mapping.items()]


# -- experiments -------------------------------------------------------------------------

define(
    "Experiment",
    string("experiment_id"),
    string("name"),
    string("artifact_location"),
    string("lifecycle_stage", doc="active or deleted"),
    int64("last_update_time", doc="milliseconds since the epoch"),
    int64("creation_time", doc="milliseconds since the epoch"),
    nested("tags", "ExperimentTag", repeated=True),
    string("workspace", doc='always "default" (MLflow 3.x workspaces are not supported)'),
    doc="An experiment: a named group of runs.",
)


def encode_experiment(experiment: Experiment) -> dict[str, Any]:
    """An experiment as MLflow's JSON."""
    out: dict[str, Any] = {
        "experiment_id": experiment.experiment_id,
        "name": experiment.name,
        "artifact_location": experiment.artifact_location,
        "lifecycle_stage": experiment.lifecycle_stage,
    }
    if experiment.last_update_time is not None:
        out["last_update_time"] = experiment.last_update_time
    if experiment.creation_time is not None:
        out["creation_time"] = experiment.creation_time
    if experiment.tags:
        out["tags"] = _pairs(dict(experiment.tags))
    out["workspace"] = DEFAULT_WORKSPACE
    return out


def decode_experiment(fields: dict[str, Any]) -> Experiment:
    """An experiment from its decoded fields."""
    return Experiment(
        experiment_id=fields.get("experiment_id", ""),
        name=fields.get("name", ""),
        artifact_location=fields.get("artifact_location", ""),
        lifecycle_stage=fields.get("lifecycle_stage", "active"),
        tags={tag.key: tag.value for tag in fields.get("tags", ())},
        creation_time=fields.get("creation_time"),
        last_update_time=fields.get("last_update_time"),
    )


register_codec("Experiment", encode_experiment, decode_experiment)

# -- metrics -----------------------------------------------------------------------------

_METRIC_EXTRAS = ("dataset_name", "dataset_digest", "model_id", "run_id")

define(
    "Metric",
    string("key", required=True),
    double("value", required=True),
    int64("timestamp", required=True, doc="milliseconds since the epoch"),
    int64("step", doc="default 0"),
    string("dataset_name"),
    string("dataset_digest"),
    string("model_id"),
    string("run_id"),
    doc="One metric point.",
)
define(
    "MetricWithRunId",
    string("key"),
    double("value"),
    int64("timestamp"),
    int64("step"),
    string("run_id"),
    doc="One metric point of one of several runs.",
)


def encode_metric(metric: Metric) -> dict[str, Any]:
    """A metric point as MLflow's JSON (``"NaN"`` for NaN)."""
    out: dict[str, Any] = {
        "key": metric.key,
        "value": encode_double(metric.value),
        "timestamp": metric.timestamp,
        "step": metric.step,
    }
    if (
        metric.dataset_name is not None
        or metric.dataset_digest is not None
        or metric.model_id is not None
        or metric.run_id is not None
    ):  # rare: most points belong to no dataset or model
        for name in _METRIC_EXTRAS:
            value = getattr(metric, name)
            if value is not None:
                out[name] = value
    return out


def decode_metric(fields: dict[str, Any]) -> Metric:
    """A metric point from its decoded fields."""
    get = fields.get
    return Metric(
        get("key", ""),
        get("value", 0.0),
        get("timestamp", 0),
        get("step", 0),
        dataset_name=get("dataset_name"),
        dataset_digest=get("dataset_digest"),
        model_id=get("model_id"),
        run_id=get("run_id"),
    )


register_codec("Metric", encode_metric, decode_metric)
register_codec("MetricWithRunId", encode_metric, decode_metric)

# -- runs --------------------------------------------------------------------------------

define(
    "RunInfo",
    string("run_id"),
    string("run_uuid", doc="deprecated duplicate of run_id"),
    string("run_name"),
    string("experiment_id"),
    string("user_id"),
    enumeration("status", RUN_STATUS),
    int64("start_time"),
    int64("end_time"),
    string("artifact_uri"),
    string("lifecycle_stage"),
    doc="A run's identity and lifecycle.",
)


def encode_run_info(info: RunInfo) -> dict[str, Any]:
    """A run's info as MLflow's JSON (``run_uuid`` repeats ``run_id``)."""
    out: dict[str, Any] = {"run_uuid": info.run_id, "experiment_id": info.experiment_id}
    if info.run_name is not None:
        out["run_name"] = info.run_name
    out["user_id"] = info.user_id
    out["status"] = RunStatus.name_of(info.status)
    if info.start_time is not None:
        out["start_time"] = info.start_time
    if info.end_time is not None:
        out["end_time"] = info.end_time
    if info.artifact_uri is not None:
        out["artifact_uri"] = info.artifact_uri
    out["lifecycle_stage"] = info.lifecycle_stage
    out["run_id"] = info.run_id
    return out


def decode_run_info(fields: dict[str, Any]) -> RunInfo:
    """A run's info from its decoded fields."""
    return RunInfo(
        run_id=fields.get("run_id") or fields.get("run_uuid", ""),
        experiment_id=fields.get("experiment_id", ""),
        user_id=fields.get("user_id", ""),
        status=fields.get("status", "RUNNING"),
        start_time=fields.get("start_time"),
        end_time=fields.get("end_time"),
        lifecycle_stage=fields.get("lifecycle_stage", "active"),
        artifact_uri=fields.get("artifact_uri"),
        run_name=fields.get("run_name"),
    )


register_codec("RunInfo", encode_run_info, decode_run_info)

define(
    "RunData",
    nested("metrics", "Metric", repeated=True, doc="the latest point of each metric"),
    nested("params", "Param", repeated=True),
    nested("tags", "RunTag", repeated=True),
)


def encode_run_data(data: RunData) -> dict[str, Any]:
    """A run's metrics, params and tags; empty lists are omitted."""
    out: dict[str, Any] = {}
    if data.metrics:
        out["metrics"] = [encode_metric(metric) for metric in data.metric_objects]
    if data.params:
        out["params"] = _pairs(data.params)
    if data.tags:
        out["tags"] = _pairs(data.tags)
    return out


def decode_run_data(fields: dict[str, Any]) -> RunData:
    """A run's data from its decoded fields."""
    return RunData(fields.get("metrics"), fields.get("params"), fields.get("tags"))


register_codec("RunData", encode_run_data, decode_run_data)

define(
    "Run",
    nested("info", "RunInfo"),
    nested("data", "RunData"),
    nested("inputs", "RunInputs"),
    nested("outputs", "RunOutputs"),
    doc="A run: info, data (latest metrics, params, tags), inputs and outputs.",
)


def encode_run(run: Run) -> dict[str, Any]:
    """A run as MLflow's JSON."""
    return {
        "info": encode_run_info(run.info),
        "data": encode_run_data(run.data),
        "inputs": encode_run_inputs(run.inputs),
        "outputs": encode_run_outputs(run.outputs),
    }


def decode_run(fields: dict[str, Any]) -> Run:
    """A run from its decoded fields."""
    return Run(
        fields.get("info") or decode_run_info({}),
        fields.get("data") or RunData(),
        fields.get("inputs") or RunInputs(),
        fields.get("outputs") or RunOutputs(),
    )


register_codec("Run", encode_run, decode_run)
define(
    "NewRun",
    nested("info", "RunInfo"),
    nested("data", "RunData"),
    nested("inputs", "RunInputs"),
    doc="A run as CreateRun answers it: no outputs yet (so MLflow sends none).",
)


def encode_new_run(run: Run) -> dict[str, Any]:
    """A new run as MLflow's CreateRun answers it."""
    return {
        "info": encode_run_info(run.info),
        "data": encode_run_data(run.data),
        "inputs": encode_run_inputs(run.inputs),
    }


register_codec("NewRun", encode_new_run, decode_run)

# -- artifacts ---------------------------------------------------------------------------

define("FileInfo", string("path"), boolean("is_dir"), int64("file_size"))
register_codec(
    "FileInfo",
    set_fields,
    lambda fields: FileInfo(
        fields.get("path", ""), fields.get("is_dir", False), fields.get("file_size")
    ),
)
