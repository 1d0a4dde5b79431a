"""The classic tracking service: experiments, runs, logging, metric history, run artifacts.

Paths, methods, field names, types and required flags are MLflow 3.x's (its protobuf
service plus the checks its handlers add); ``GetMetricHistoryBulk`` is the UI's non-proto
route. Retry policies follow what MLflow's client treats as idempotent, and what Heron's
stores make safe to repeat.
"""

from __future__ import annotations

from heron.protocol import messages
from heron.protocol.routes import Retry, Route, rpc
from heron.protocol.schema import double, enumeration, int32, int64, nested, string

ONCE = Retry.ONCE
_RUN_ID = string("run_id", required=True, aliases=("run_uuid",), doc="the run's id")
_EXPERIMENT_ID = string("experiment_id", required=True)
_PAGE = (string("page_token"),)
_NEXT = string("next_page_token", doc="absent on the last page")

EXPERIMENT_ROUTES: tuple[Route, ...] = (
    rpc(
        "CreateExperiment",
        "POST",
        "/mlflow/experiments/create",
        (
            string("name", required=True),
            string("artifact_location"),
            nested("tags", "ExperimentTag", repeated=True),
        ),
        (string("experiment_id"),),
        retry=ONCE,
        tag="Experiments",
        summary="Create an experiment; names are unique, deleted experiments included.",
    ),
    rpc(
        "GetExperiment",
        "GET",
        "/mlflow/experiments/get",
        (_EXPERIMENT_ID,),
        (nested("experiment", "Experiment"),),
        tag="Experiments",
        summary="Get an experiment by id (deleted ones too).",
    ),
    rpc(
        "GetExperimentByName",
        "GET",
        "/mlflow/experiments/get-by-name",
        (string("experiment_name", required=True),),
        (nested("experiment", "Experiment"),),
        tag="Experiments",
        summary="Get an experiment by name; 404 RESOURCE_DOES_NOT_EXIST when there is none.",
    ),
    rpc(
        "SearchExperiments",
        ("POST", "GET"),
        "/mlflow/experiments/search",
        (
            int64("max_results", doc="page size, 1..50000"),
            *_PAGE,
            string("filter"),
            string("order_by", repeated=True),
            enumeration("view_type", messages.VIEW_TYPE, doc="default ACTIVE_ONLY"),
        ),
        (nested("experiments", "Experiment", repeated=True), _NEXT),
        tag="Experiments",
        summary="Search experiments with a filter, an order and paging.",
    ),
    rpc(
        "UpdateExperiment",
        "POST",
        "/mlflow/experiments/update",
        (_EXPERIMENT_ID, string("new_name", required=True)),
        retry=ONCE,
        tag="Experiments",
        summary="Rename an experiment.",
    ),
    rpc(
        "DeleteExperiment",
        "POST",
        "/mlflow/experiments/delete",
        (_EXPERIMENT_ID,),
        tag="Experiments",
        summary="Soft-delete an experiment and its runs.",
    ),
    rpc(
        "RestoreExperiment",
        "POST",
        "/mlflow/experiments/restore",
        (_EXPERIMENT_ID,),
        tag="Experiments",
        summary="Restore a deleted experiment and its runs.",
    ),
    rpc(
        "SetExperimentTag",
        "POST",
        "/mlflow/experiments/set-experiment-tag",
        (_EXPERIMENT_ID, string("key", required=True), string("value")),
        tag="Experiments",
        summary="Set an experiment tag.",
    ),
    rpc(
        "DeleteExperimentTag",
        "POST",
        "/mlflow/experiments/delete-experiment-tag",
        (_EXPERIMENT_ID, string("key", required=True)),
        retry=ONCE,
        tag="Experiments",
        summary="Delete an experiment tag; 404 when it is not set.",
    ),
)

RUN_ROUTES: tuple[Route, ...] = (
    rpc(
        "CreateRun",
        "POST",
        "/mlflow/runs/create",
        (
            string("experiment_id", doc='default "0"'),
            string("user_id"),
            string("run_name"),
            int64("start_time", doc="milliseconds since the epoch"),
            nested("tags", "RunTag", repeated=True),
        ),
        (nested("run", "NewRun"),),
        retry=ONCE,
        tag="Runs",
        summary="Create a RUNNING run.",
    ),
    rpc(
        "UpdateRun",
        "POST",
        "/mlflow/runs/update",
        (
            _RUN_ID,
            enumeration("status", messages.RUN_STATUS),
            int64("end_time"),
            string("run_name"),
        ),
        (nested("run_info", "RunInfo"),),
        tag="Runs",
        summary="Change a run's status, end time and/or name.",
    ),
    rpc(
        "DeleteRun",
        "POST",
        "/mlflow/runs/delete",
        (_RUN_ID,),
        tag="Runs",
        summary="Soft-delete a run.",
    ),
    rpc(
        "RestoreRun",
        "POST",
        "/mlflow/runs/restore",
        (_RUN_ID,),
        tag="Runs",
        summary="Restore a deleted run.",
    ),
    rpc(
        "GetRun",
        "GET",
        "/mlflow/runs/get",
        (_RUN_ID,),
        (nested("run", "Run"),),
        tag="Runs",
        summary="Get a run (deleted ones too) with its latest metrics, params and tags.",
    ),
    rpc(
        "SearchRuns",
        "POST",
        "/mlflow/runs/search",
        (
            string("experiment_ids", repeated=True),
            string("filter"),
            enumeration("run_view_type", messages.VIEW_TYPE, doc="default ACTIVE_ONLY"),
            int32("max_results", doc="page size, default 1000, at most 50000"),
            string("order_by", repeated=True),
            *_PAGE,
        ),
        (nested("runs", "Run", repeated=True), _NEXT),
        tag="Runs",
        summary="Search the runs of some experiments.",
    ),
)

LOGGING_ROUTES: tuple[Route, ...] = (
    rpc(
        "LogMetric",
        "POST",
        "/mlflow/runs/log-metric",
        (
            _RUN_ID,
            string("key", required=True),
            double("value", required=True),
            int64("timestamp", required=True),
            int64("step"),
            string("model_id"),
            string("dataset_name"),
            string("dataset_digest"),
        ),
        tag="Logging",
        summary="Log one metric point (a repeated point is stored once).",
    ),
    rpc(
        "LogParam",
        "POST",
        "/mlflow/runs/log-parameter",
        (_RUN_ID, string("key", required=True), string("value")),
        tag="Logging",
        summary="Log a param; the same value again is accepted, another is refused.",
    ),
    rpc(
        "SetTag",
        "POST",
        "/mlflow/runs/set-tag",
        (_RUN_ID, string("key", required=True), string("value")),
        tag="Logging",
        summary="Set a run tag.",
    ),
    rpc(
        "DeleteTag",
        "POST",
        "/mlflow/runs/delete-tag",
        (_RUN_ID, string("key", required=True)),
        retry=ONCE,
        tag="Logging",
        summary="Delete a run tag; 404 when it is not set.",
    ),
    rpc(
        "LogBatch",
        "POST",
        "/mlflow/runs/log-batch",
        (
            _RUN_ID,
            nested("metrics", "Metric", repeated=True),
            nested("params", "Param", repeated=True),
            nested("tags", "RunTag", repeated=True),
        ),
        tag="Logging",
        summary="Log metrics, params and tags at once: all of them or, on error, none.",
    ),
    rpc(
        "LogInputs",
        "POST",
        "/mlflow/runs/log-inputs",
        (
            _RUN_ID,
            nested("datasets", "DatasetInput", repeated=True),
            nested("models", "ModelInput", repeated=True),
        ),
        tag="Logging",
        summary="Record datasets and logged models a run used.",
    ),
    rpc(
        "LogOutputs",
        "POST",
        "/mlflow/runs/outputs",
        (_RUN_ID, nested("models", "ModelOutput", repeated=True, required=True)),
        tag="Logging",
        summary="Record logged models a run produced.",
    ),
    rpc(
        "LogModel",
        "POST",
        "/mlflow/runs/log-model",
        (_RUN_ID, string("model_json", required=True)),
        retry=ONCE,
        tag="Logging",
        summary="(MLflow 2.x clients) Append a model to the run's mlflow.log-model.history tag.",
    ),
)

_METRIC_KEY = string("metric_key", required=True)

HISTORY_ROUTES: tuple[Route, ...] = (
    rpc(
        "GetMetricHistory",
        "GET",
        "/mlflow/metrics/get-history",
        (_RUN_ID, _METRIC_KEY, *_PAGE, int32("max_results")),
        (nested("metrics", "Metric", repeated=True), _NEXT),
        tag="Metrics",
        summary="Every point of one metric of a run, by step then timestamp.",
    ),
    rpc(
        "GetMetricHistoryBulkInterval",
        "GET",
        "/mlflow/metrics/get-history-bulk-interval",
        (
            string("run_ids", repeated=True, required=True, doc="at most 100"),
            _METRIC_KEY,
            int32("start_step"),
            int32("end_step"),
            int32("max_results", doc="steps sampled, 1..2500"),
        ),
        (nested("metrics", "MetricWithRunId", repeated=True),),
        tag="Metrics",
        summary="One metric of several runs, sampled to at most max_results steps.",
    ),
    rpc(
        "GetMetricHistoryBulk",
        "GET",
        "/mlflow/metrics/get-history-bulk",
        (
            # Not required here: the handler refuses a missing one with MLflow's message.
            string("run_id", repeated=True, doc="at least 1, at most 100"),
            string("metric_key", doc="required"),
            int32("max_results", doc="at most 25000"),
        ),
        (nested("metrics", "MetricWithRunId", repeated=True),),
        tag="Metrics",
        summary="(UI) The history of one metric of several runs.",
    ),
)

ARTIFACT_ROUTES: tuple[Route, ...] = (
    rpc(
        "ListArtifacts",
        "GET",
        "/mlflow/artifacts/list",
        (_RUN_ID, string("path"), *_PAGE),
        (string("root_uri"), nested("files", "FileInfo", repeated=True), _NEXT),
        tag="Artifacts",
        summary="List a directory of a run's artifacts (paths relative to the run's root).",
    ),
    rpc(
        "CreatePresignedUploadUrl",
        "POST",
        "/mlflow/artifacts/presigned-upload-url",
        (string("run_id"), string("path"), int64("expiration"), string("model_id")),
        (string("presigned_url"),),
        retry=ONCE,
        tag="Artifacts",
        summary="(Not implemented: answers 404 ENDPOINT_NOT_FOUND.)",
    ),
    rpc(
        "CreatePresignedDownloadUrl",
        "POST",
        "/mlflow/artifacts/presigned-download-url",
        (string("run_id"), string("path"), int64("expiration")),
        (string("presigned_url"), int64("file_size")),
        retry=ONCE,
        tag="Artifacts",
        summary="(Not implemented: answers 404 ENDPOINT_NOT_FOUND.)",
    ),
)

TRACKING_ROUTES: tuple[Route, ...] = (
    *EXPERIMENT_ROUTES,
    *RUN_ROUTES,
    *LOGGING_ROUTES,
    *HISTORY_ROUTES,
    *ARTIFACT_ROUTES,
)
"""Every route of the classic tracking service."""
