"""The one table of permission rules: every route the server answers maps to a rule here.

API routes of the protocol table are keyed by their RPC name; every other route (plain
endpoints, the artifact proxy, the web UI's pages and helpers) by ``"<METHOD> <path
template>"`` as the server's router declares it (``HEAD`` is read as ``GET``). A route with
no rule is refused (403), and ``tests/integration/auth/test_auth_routes.py`` fails on it.

MLflow's meanings: READ reads, USE also uses, EDIT also updates, MANAGE also deletes and
grants. Runs, logged models and their artifacts are guarded through their experiment.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from heron.auth.grants import EXPERIMENT, REGISTERED_MODEL


@dataclass(frozen=True)
class Need:
    """One permission a request needs.

    Attributes:
        resource: ``experiment`` or ``registered_model``.
        action: ``read``, ``use``, ``update``, ``delete`` or ``manage``.
        source: Where the resource comes from: a request parameter naming it
            (``experiment_id``, ``experiment_ids``, ``experiment_name``, ``run_id``,
            ``source_run_id``, ``run_ids``, ``model_id``, ``name``), ``artifact_path`` (a
            proxied path whose first segment is the experiment id) or ``source`` (the
            registered model a version's ``models:/<name>/...`` source names), or
            ``metric_model_ids``/``linked_model_ids`` (logged models a run write names).
        optional: Skip this need when the parameter is absent.
    """

    resource: str
    action: str
    source: str
    optional: bool = False


@dataclass(frozen=True)
class Rule:
    """Who may call a route.

    Attributes:
        kind: ``public`` (anyone), ``authenticated`` (any user), ``admin``, ``listing``
            (any user when the default permission reads, else admins: pages listing every
            experiment or model) or ``resources`` (the ``needs``).
        needs: Permissions required, for ``resources``.
        after: A response hook: ``grant_experiment``, ``grant_model`` (creator gets
            MANAGE), ``rename_model``, ``forget_model``, ``filter_experiments``,
            ``filter_models``, ``filter_versions``.
    """

    kind: str
    needs: tuple[Need, ...] = ()
    after: str | None = None

    @functools.cached_property
    def deletes(self) -> bool:
        """Whether the rule guards a deletion (those are audited)."""
        return any(need.action == "delete" for need in self.needs)


PUBLIC = Rule("public")
AUTHENTICATED = Rule("authenticated")
ADMIN = Rule("admin")
LISTING = Rule("listing")


def _exp(action: str, source: str = "experiment_id", optional: bool = False) -> Need:
    return Need(EXPERIMENT, action, source, optional)


def _rm(action: str, source: str = "name", optional: bool = False) -> Need:
    return Need(REGISTERED_MODEL, action, source, optional)


def needs(*items: Need, after: str | None = None) -> Rule:
    """A ``resources`` rule."""
    return Rule("resources", items, after)


_RUN_UPDATE = needs(_exp("update", "run_id"))
# Metrics naming a logged model are added to that model's metrics; inputs and outputs link
# a model to the run (and show it on the run's page).
_METRICS_UPDATE = needs(_exp("update", "run_id"), _exp("update", "metric_model_ids", optional=True))
_LINKS_UPDATE = needs(_exp("update", "run_id"), _exp("read", "linked_model_ids", optional=True))
_RUN_READ = needs(_exp("read", "run_id"))
_MODEL_ID_UPDATE = needs(_exp("update", "model_id"))
_RM_READ = needs(_rm("read"))
_RM_UPDATE = needs(_rm("update"))

API_RULES: dict[str, Rule] = {
    "CreateExperiment": Rule("authenticated", after="grant_experiment"),
    "GetExperiment": needs(_exp("read")),
    "GetExperimentByName": needs(_exp("read", "experiment_name")),
    "SearchExperiments": Rule("authenticated", after="filter_experiments"),
    "UpdateExperiment": needs(_exp("update")),
    "DeleteExperiment": needs(_exp("delete")),
    "RestoreExperiment": needs(_exp("delete")),
    "SetExperimentTag": needs(_exp("update")),
    "DeleteExperimentTag": needs(_exp("update")),
    "CreateRun": needs(_exp("update")),
    "UpdateRun": _RUN_UPDATE,
    "DeleteRun": needs(_exp("delete", "run_id")),
    "RestoreRun": needs(_exp("delete", "run_id")),
    "GetRun": _RUN_READ,
    "SearchRuns": needs(_exp("read", "experiment_ids")),
    "LogMetric": _METRICS_UPDATE,
    "LogParam": _RUN_UPDATE,
    "SetTag": _RUN_UPDATE,
    "DeleteTag": _RUN_UPDATE,
    "LogBatch": _METRICS_UPDATE,
    "LogInputs": _LINKS_UPDATE,
    "LogOutputs": _LINKS_UPDATE,
    "LogModel": _RUN_UPDATE,
    "GetMetricHistory": _RUN_READ,
    "GetMetricHistoryBulkInterval": needs(_exp("read", "run_ids")),
    "GetMetricHistoryBulk": needs(_exp("read", "run_ids")),
    "ListArtifacts": _RUN_READ,
    "CreatePresignedUploadUrl": _RUN_UPDATE,
    "CreatePresignedDownloadUrl": _RUN_READ,
    "CreateLoggedModel": needs(_exp("update"), _exp("read", "source_run_id", optional=True)),
    "GetLoggedModel": needs(_exp("read", "model_id")),
    "FinalizeLoggedModel": _MODEL_ID_UPDATE,
    "DeleteLoggedModel": needs(_exp("delete", "model_id")),
    "SearchLoggedModels": needs(_exp("read", "experiment_ids")),
    "SetLoggedModelTags": _MODEL_ID_UPDATE,
    "DeleteLoggedModelTag": _MODEL_ID_UPDATE,
    "LogLoggedModelParams": _MODEL_ID_UPDATE,
    "ListLoggedModelArtifacts": needs(_exp("read", "model_id")),
    "CreateRegisteredModel": Rule("authenticated", after="grant_model"),
    "GetRegisteredModel": _RM_READ,
    "RenameRegisteredModel": needs(_rm("update"), after="rename_model"),
    "UpdateRegisteredModel": _RM_UPDATE,
    "DeleteRegisteredModel": needs(_rm("delete"), after="forget_model"),
    "SearchRegisteredModels": Rule("authenticated", after="filter_models"),
    "GetLatestVersions": _RM_READ,
    "SetRegisteredModelTag": _RM_UPDATE,
    "DeleteRegisteredModelTag": _RM_UPDATE,
    "SetRegisteredModelAlias": _RM_UPDATE,
    "DeleteRegisteredModelAlias": _RM_UPDATE,
    "GetModelVersionByAlias": _RM_READ,
    # A version's source may name another run, logged model or registered version, whose
    # files the version's readers then get: the creator must read that resource.
    "CreateModelVersion": needs(
        _rm("update"),
        _exp("read", "run_id", optional=True),
        _exp("read", "model_id", optional=True),
        _rm("read", "source", optional=True),
    ),
    "GetModelVersion": _RM_READ,
    "UpdateModelVersion": _RM_UPDATE,
    "DeleteModelVersion": needs(_rm("delete")),
    "TransitionModelVersionStage": _RM_UPDATE,
    "SearchModelVersions": Rule("authenticated", after="filter_versions"),
    "GetModelVersionDownloadUri": _RM_READ,
    "SetModelVersionTag": _RM_UPDATE,
    "DeleteModelVersionTag": _RM_UPDATE,
    "ImportRun": needs(_exp("update"), _exp("update", "metric_model_ids", optional=True)),
    "GetRunHistories": needs(_exp("read", "run_ids")),
    "GetSampledHistories": needs(_exp("read", "run_ids")),
    "GetPairedHistories": needs(_exp("read", "run_ids")),
}
"""Rules of the protocol table's routes, by RPC name."""

_ART = "/api/2.0/mlflow-artifacts"
_PAGE_RUN = "/experiments/{experiment_id}/runs/{run_id}"
_READ_RUN_PAGE = needs(_exp("read"), _exp("read", "run_id"))

ROUTE_RULES: dict[str, Rule] = {
    "GET /health": PUBLIC,
    "GET /version": AUTHENTICATED,
    "GET /api/3.0/mlflow/server-info": PUBLIC,  # as MLflow: clients read it before logging in
    "GET /openapi.json": AUTHENTICATED,
    f"GET {_ART}/artifacts": needs(_exp("read", "artifact_path")),
    f"GET {_ART}/artifacts/{{path:path}}": needs(_exp("read", "artifact_path")),
    f"PUT {_ART}/artifacts/{{path:path}}": needs(_exp("update", "artifact_path")),
    f"DELETE {_ART}/artifacts/{{path:path}}": needs(_exp("delete", "artifact_path")),
    f"POST {_ART}/mpu/create/{{path:path}}": needs(_exp("update", "artifact_path")),
    f"POST {_ART}/mpu/complete/{{path:path}}": needs(_exp("update", "artifact_path")),
    f"POST {_ART}/mpu/abort/{{path:path}}": needs(_exp("update", "artifact_path")),
    f"GET {_ART}/presigned/{{path:path}}": needs(_exp("read", "artifact_path")),
    "GET /api/2.0/heron/artifacts/archive/{path:path}": needs(_exp("read", "artifact_path")),
    "PUT /api/2.0/heron/artifacts/archive/{path:path}": needs(_exp("update", "artifact_path")),
    "GET /get-artifact": _RUN_READ,
    "GET /model-versions/get-artifact": _RM_READ,
    "GET /api/2.0/mlflow/logged-models/{model_id}/artifacts/files": needs(_exp("read", "model_id")),
    "POST /api/2.0/mlflow/upload-artifact": _RUN_UPDATE,
    "POST /api/2.0/mlflow/experiments/search-datasets": needs(_exp("read", "experiment_ids")),
    # MLflow's GraphQL endpoint: its fields read any experiment, so admins only for now.
    "GET /graphql": ADMIN,
    "POST /graphql": ADMIN,
    # Web UI pages and their helpers.
    "GET /": LISTING,
    "GET /experiments": LISTING,
    "GET /experiments-select": LISTING,
    "GET /experiments/{experiment_id}": needs(_exp("read")),
    "GET /experiments/{experiment_id}/runs.csv": needs(_exp("read")),
    "GET /experiments/{experiment_id}/keys.json": needs(_exp("read")),
    "GET /experiments/{experiment_id}/columns": needs(_exp("read")),
    "GET /experiments/{experiment_id}/children": needs(_exp("read")),
    "GET /experiments/{experiment_id}/charts": needs(_exp("read")),
    "GET /compare-experiments": LISTING,
    "GET /compare-experiments/runs.csv": LISTING,
    "GET /compare-experiments/keys.json": LISTING,
    "GET /compare-experiments/columns": LISTING,
    "GET /compare-experiments/children": LISTING,
    "GET /compare-experiments/charts": LISTING,
    f"GET {_PAGE_RUN}": _READ_RUN_PAGE,
    f"GET {_PAGE_RUN}/metrics": _READ_RUN_PAGE,
    "GET /runs/{run_id}": _RUN_READ,
    "GET /experiments/{experiment_id}/models/{model_id}": needs(
        _exp("read"), _exp("read", "model_id")
    ),
    f"GET {_PAGE_RUN}/artifacts": _READ_RUN_PAGE,
    f"GET {_PAGE_RUN}/artifacts/{{path:path}}": _READ_RUN_PAGE,
    f"GET {_PAGE_RUN}/artifactPath/{{path:path}}": _READ_RUN_PAGE,
    f"GET {_PAGE_RUN}/artifact-tree": _READ_RUN_PAGE,
    f"GET {_PAGE_RUN}/artifact-preview": _READ_RUN_PAGE,
    f"GET {_PAGE_RUN}/artifact-view": _READ_RUN_PAGE,
    f"GET {_PAGE_RUN}/artifact-zip": _READ_RUN_PAGE,
    "GET /models": LISTING,
    "GET /models/{name}": _RM_READ,
    "GET /models/{name}/compare": _RM_READ,
    "GET /models/{name}/versions/{version}": _RM_READ,
    "GET /compare-runs": LISTING,
    "GET /compare-runs/contour.json": LISTING,
    "GET /login": PUBLIC,
    "GET /account": AUTHENTICATED,
    "GET /admin": ADMIN,
    "GET /static": PUBLIC,  # the UI's vendored scripts and styles (the login page needs them)
}
"""Rules of the other routes, by ``"<METHOD> <path template>"``."""

# The router also declares the artifact proxy under /ajax-api (requests reach it as /api).
ROUTE_RULES.update(
    {k.replace(" /api/", " /ajax-api/", 1): v for k, v in ROUTE_RULES.items() if _ART in k}
)


def route_key(method: str, template: str) -> str:
    """The :data:`ROUTE_RULES` key of a route (``HEAD`` is ``GET``)."""
    return f"{'GET' if method == 'HEAD' else method} {template}"
