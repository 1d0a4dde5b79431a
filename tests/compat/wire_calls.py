"""A corpus of raw REST exchanges, replayed against an MLflow and a Heron server and compared.

Each call may name ids made by earlier calls (``{exp}``, ``{run}``, ``{art}``: the run's
artifact path under the proxy, ``{name}``: a fresh experiment name) in its path, query or
JSON body. The corpus covers the classic tracking and artifact-proxy endpoints the mlflow
client uses, with their error cases (section 7.4 of the reference).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

API = "/api/2.0/mlflow"
ART = "/api/2.0/mlflow-artifacts/artifacts"
T0 = 1_700_000_000_000
MISSING_RUN = "0" * 32
CAMEL = "camel"  # the metric only Heron takes (MLflow refuses its camelCase request)


@dataclass(frozen=True)
class Call:
    """One request, and what of its answer must match MLflow's.

    ``compare``: ``shape`` (status, error_code, and for a JSON answer its key structure),
    ``status`` (status only), ``body`` (status and the exact bytes). ``values`` picks the
    parts of a JSON answer whose values must match too. ``heron_may``: another
    ``(status, error_code)`` Heron may answer with, a documented divergence.
    """

    label: str
    method: str
    path: str
    body: Any = None
    params: dict[str, str] | None = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    compare: str = "shape"
    values: Callable[[Any], Any] | None = None
    save: Callable[[dict[str, str], Any], None] | None = None
    heron_may: tuple[int, str | None] | None = None


def _save_experiment(context: dict[str, str], body: Any) -> None:
    context["exp"] = body["experiment_id"]


def _save_run(context: dict[str, str], body: Any) -> None:
    info = body["run"]["info"]
    context["run"] = info["run_id"]
    uri = urlsplit(info["artifact_uri"])
    proxied = uri.scheme == "mlflow-artifacts"
    context["art"] = (
        uri.path.lstrip("/") if proxied else f"{context['exp']}/{context['run']}/artifacts"
    )


def _metric_values(body: Any) -> Any:
    return [(m["key"], m["step"], m["value"]) for m in body.get("metrics", [])]


def _run_values(body: Any) -> Any:
    run = body["run"]
    data = run.get("data", {})
    return {
        "status": run["info"]["status"],
        "run_name": run["info"].get("run_name"),
        "metrics": sorted(
            (m["key"], m["value"], m["step"]) for m in data.get("metrics", []) if m["key"] != CAMEL
        ),
        "params": sorted((p["key"], p["value"]) for p in data.get("params", [])),
        "user tags": sorted(
            (t["key"], t["value"])
            for t in data.get("tags", [])
            if not t["key"].startswith("mlflow.")
        ),
        "inputs": run.get("inputs"),
    }


def _files(body: Any) -> Any:
    return sorted((f["path"], f["is_dir"], f.get("file_size")) for f in body.get("files", []))


def _names(body: Any) -> Any:
    return [e["name"] for e in body.get("experiments", [])]


def _run_names(body: Any) -> Any:
    return [r["info"]["run_name"] for r in body.get("runs", [])]


def _metric(key: str, value: Any, step: int = 0) -> dict[str, Any]:
    return {"run_id": "{run}", "key": key, "value": value, "timestamp": T0, "step": step}


DATASET = {
    "dataset": {
        "name": "wine",
        "digest": "abc123",
        "source_type": "local",
        "source": '{"uri": "/data/wine.csv"}',
    },
    "tags": [{"key": "mlflow.data.context", "value": "training"}],
}

EXPERIMENTS = [
    Call("health", "GET", "/health", compare="body"),
    Call("version", "GET", "/version", compare="status"),
    Call("server-info", "GET", "/api/3.0/mlflow/server-info", compare="status"),
    Call(
        "create experiment",
        "POST",
        f"{API}/experiments/create",
        {"name": "{name}", "tags": [{"key": "team", "value": "ml"}]},
        save=_save_experiment,
    ),
    Call("create duplicate experiment", "POST", f"{API}/experiments/create", {"name": "{name}"}),
    Call("create experiment without name", "POST", f"{API}/experiments/create", {}),
    Call(
        "create experiment with text/plain body",
        "POST",
        f"{API}/experiments/create",
        raw=b'{"name": "plain"}',
        headers={"Content-Type": "text/plain"},
    ),
    Call("get experiment", "GET", f"{API}/experiments/get", params={"experiment_id": "{exp}"}),
    Call(
        "get experiment by name",
        "GET",
        f"{API}/experiments/get-by-name",
        params={"experiment_name": "{name}"},
    ),
    Call(
        "get missing experiment by name",
        "GET",
        f"{API}/experiments/get-by-name",
        params={"experiment_name": "{name}-absent"},
    ),
    Call(
        "get missing experiment",
        "GET",
        f"{API}/experiments/get",
        params={"experiment_id": "987654321"},
    ),
    Call(
        "search experiments with GET",
        "GET",
        f"{API}/experiments/search",
        params={"max_results": "5", "filter": "name = '{name}'"},
        values=_names,
    ),
    Call(
        "search experiments with POST",
        "POST",
        f"{API}/experiments/search",
        {"max_results": 5, "filter": "name = '{name}'", "view_type": "ALL"},
        values=_names,
    ),
    Call(
        "search experiments with max_results 0",
        "POST",
        f"{API}/experiments/search",
        {"max_results": 0},
    ),
    Call(
        "set experiment tag",
        "POST",
        f"{API}/experiments/set-experiment-tag",
        {"experiment_id": "{exp}", "key": "stage", "value": "dev"},
    ),
    Call(
        "delete missing experiment tag",
        "POST",
        f"{API}/experiments/delete-experiment-tag",
        {"experiment_id": "{exp}", "key": "absent"},
    ),
    Call(
        "rename experiment",
        "POST",
        f"{API}/experiments/update",
        {"experiment_id": "{exp}", "new_name": "{name}-renamed"},
    ),
]

RUNS = [
    Call(
        "create run",
        "POST",
        f"{API}/runs/create",
        {
            "experiment_id": "{exp}",
            "run_name": "wire",
            "user_id": "tester",
            "start_time": T0,
            "tags": [{"key": "origin", "value": "wire"}],
        },
        save=_save_run,
    ),
    Call(
        "create run in missing experiment",
        "POST",
        f"{API}/runs/create",
        {"experiment_id": "987654321"},
    ),
    Call("log metric", "POST", f"{API}/runs/log-metric", _metric("m", 1.5, 1)),
    Call(
        "log metric in camelCase",
        "POST",
        f"{API}/runs/log-metric",
        {"runId": "{run}", "key": CAMEL, "value": 2.5, "timestamp": T0 + 1, "step": 2},
        heron_may=(200, None),  # MLflow's required-field check only knows snake_case
    ),
    Call(
        "log metric with int64 strings",
        "POST",
        f"{API}/runs/log-metric",
        {"run_id": "{run}", "key": "m", "value": 3.5, "timestamp": str(T0), "step": "3"},
    ),
    Call("log metric NaN", "POST", f"{API}/runs/log-metric", _metric("special", "NaN", 0)),
    Call(
        "log metric Infinity", "POST", f"{API}/runs/log-metric", _metric("special", "Infinity", 1)
    ),
    Call(
        "log metric -Infinity", "POST", f"{API}/runs/log-metric", _metric("special", "-Infinity", 2)
    ),
    Call(
        "log metric without timestamp",
        "POST",
        f"{API}/runs/log-metric",
        {"run_id": "{run}", "key": "m", "value": 1.0},
    ),
    Call(
        "log metric to missing run",
        "POST",
        f"{API}/runs/log-metric",
        {**_metric("m", 1.0), "run_id": MISSING_RUN},
    ),
    Call(
        "log param",
        "POST",
        f"{API}/runs/log-parameter",
        {"run_id": "{run}", "key": "p", "value": "1"},
    ),
    Call(
        "log the same param again",
        "POST",
        f"{API}/runs/log-parameter",
        {"run_id": "{run}", "key": "p", "value": "1"},
    ),
    Call(
        "change a param",
        "POST",
        f"{API}/runs/log-parameter",
        {"run_id": "{run}", "key": "p", "value": "2"},
    ),
    Call("set tag", "POST", f"{API}/runs/set-tag", {"run_id": "{run}", "key": "k", "value": "v"}),
    Call("delete tag", "POST", f"{API}/runs/delete-tag", {"run_id": "{run}", "key": "k"}),
    Call("delete missing tag", "POST", f"{API}/runs/delete-tag", {"run_id": "{run}", "key": "k"}),
    Call(
        "log batch",
        "POST",
        f"{API}/runs/log-batch",
        {
            "run_id": "{run}",
            "metrics": [{"key": "b", "value": 1, "timestamp": T0, "step": 0}],
            "params": [{"key": "bp", "value": "x"}],
            "tags": [{"key": "bt", "value": "y"}],
        },
    ),
    Call(
        "log batch of 1001 metrics",
        "POST",
        f"{API}/runs/log-batch",
        {
            "run_id": "{run}",
            "metrics": [{"key": "n", "value": 1, "timestamp": T0, "step": s} for s in range(1001)],
        },
    ),
    Call(
        "log batch with a duplicate param key",
        "POST",
        f"{API}/runs/log-batch",
        {"run_id": "{run}", "params": [{"key": "d", "value": "1"}, {"key": "d", "value": "2"}]},
    ),
    Call(
        "log batch metric without value",
        "POST",
        f"{API}/runs/log-batch",
        {"run_id": "{run}", "metrics": [{"key": "nv", "timestamp": T0, "step": 0}]},
    ),
    Call(
        "log inputs", "POST", f"{API}/runs/log-inputs", {"run_id": "{run}", "datasets": [DATASET]}
    ),
    Call("get run", "GET", f"{API}/runs/get", params={"run_id": "{run}"}, values=_run_values),
    Call("get run by run_uuid", "GET", f"{API}/runs/get", params={"run_uuid": "{run}"}),
    Call("get missing run", "GET", f"{API}/runs/get", params={"run_id": MISSING_RUN}),
    Call(
        "metric history with NaN and infinities",
        "GET",
        f"{API}/metrics/get-history",
        params={"run_id": "{run}", "metric_key": "special"},
        values=_metric_values,
    ),
    Call(
        "metric history of a missing key",
        "GET",
        f"{API}/metrics/get-history",
        params={"run_id": "{run}", "metric_key": "absent"},
    ),
    Call(
        "metric history bulk interval",
        "GET",
        f"{API}/metrics/get-history-bulk-interval",
        params={"run_ids": "{run}", "metric_key": "m", "max_results": "10"},
        values=_metric_values,
    ),
    Call(
        "search runs",
        "POST",
        f"{API}/runs/search",
        {
            "experiment_ids": ["{exp}"],
            "filter": "metrics.m > 0 and params.p = '1'",
            "order_by": ["metrics.m DESC"],
            "max_results": 10,
        },
        values=_run_names,
    ),
    Call(
        "search runs with a bad filter",
        "POST",
        f"{API}/runs/search",
        {"experiment_ids": ["{exp}"], "filter": "metrics.m >>> 1"},
    ),
    Call(
        "search runs with max_results 50001",
        "POST",
        f"{API}/runs/search",
        {"experiment_ids": ["{exp}"], "max_results": 50001},
    ),
    Call(
        "search runs with a bad page token",
        "POST",
        f"{API}/runs/search",
        {"experiment_ids": ["{exp}"], "page_token": "garbage"},
    ),
    Call(
        "update run",
        "POST",
        f"{API}/runs/update",
        {"run_id": "{run}", "status": "FINISHED", "end_time": T0 + 10},
        values=lambda body: (body["run_info"]["status"], body["run_info"].get("end_time")),
    ),
    Call(
        "update run with a bad status",
        "POST",
        f"{API}/runs/update",
        {"run_id": "{run}", "status": "EXPLODED"},
        heron_may=(400, "INVALID_PARAMETER_VALUE"),  # MLflow ignores an unknown status
    ),
]

ARTIFACTS = [
    Call("upload artifact", "PUT", f"{ART}/{{art}}/hello.txt", raw=b"hello", compare="status"),
    Call("upload nested artifact", "PUT", f"{ART}/{{art}}/dir/a.txt", raw=b"a", compare="status"),
    Call("list artifacts (proxy)", "GET", ART, params={"path": "{art}"}, values=_files),
    Call("list a directory (proxy)", "GET", ART, params={"path": "{art}/dir"}, values=_files),
    Call("list a file (proxy)", "GET", ART, params={"path": "{art}/hello.txt"}, values=_files),
    Call(
        "list artifacts (tracking)",
        "GET",
        f"{API}/artifacts/list",
        params={"run_id": "{run}"},
        values=_files,
    ),
    Call(
        "list a directory (tracking)",
        "GET",
        f"{API}/artifacts/list",
        params={"run_id": "{run}", "path": "dir"},
        values=_files,
    ),
    Call("download artifact", "GET", f"{ART}/{{art}}/hello.txt", compare="body"),
    Call("download missing artifact", "GET", f"{ART}/{{art}}/absent.txt"),
    Call("delete artifact", "DELETE", f"{ART}/{{art}}/hello.txt", compare="status"),
    Call("download deleted artifact", "GET", f"{ART}/{{art}}/hello.txt"),
    Call("download outside the root", "GET", f"{ART}/..%2F..%2Fetc%2Fpasswd", compare="status"),
]


def _save_model(context: dict[str, str], body: Any) -> None:
    context["model"] = body["model"]["info"]["model_id"]


def _model_values(body: Any) -> Any:
    info, data = body["model"]["info"], body["model"].get("data", {})
    return {
        "name": info["name"],
        "status": info["status"],
        "tags": sorted((t["key"], t["value"]) for t in info.get("tags", [])),
        "params": sorted((p["key"], p["value"]) for p in data.get("params", [])),
    }


MODEL = f"{API}/logged-models/{{model}}"
LOGGED_MODELS = [
    Call(
        "create logged model",
        "POST",
        f"{API}/logged-models",
        {
            "experiment_id": "{exp}",
            "name": "wm",
            "source_run_id": "{run}",
            "params": [{"key": "alpha", "value": "0.5"}],
            "tags": [{"key": "k", "value": "v"}],
        },
        values=_model_values,
        save=_save_model,
    ),
    Call("get logged model", "GET", MODEL, values=_model_values),
    Call("get missing logged model", "GET", f"{API}/logged-models/m-{MISSING_RUN}"),
    Call(
        "log run outputs",
        "POST",
        f"{API}/runs/outputs",
        {"run_id": "{run}", "models": [{"model_id": "{model}", "step": 0}]},
    ),
    Call(
        "run with outputs",
        "GET",
        f"{API}/runs/get",
        params={"run_id": "{run}"},
        compare="status",
        values=lambda body: [
            (sorted(output), output["step"])
            for output in body["run"].get("outputs", {}).get("model_outputs", [])
        ],
    ),
    Call(
        "log logged-model params",
        "POST",
        f"{MODEL}/params",
        {"model_id": "{model}", "params": [{"key": "beta", "value": "2"}]},
    ),
    Call(
        "set logged-model tags",
        "PATCH",
        f"{MODEL}/tags",
        {"model_id": "{model}", "tags": [{"key": "t", "value": "1"}]},
    ),
    Call("delete logged-model tag", "DELETE", f"{MODEL}/tags/k"),
    Call(
        "finalize logged model",
        "PATCH",
        MODEL,
        {"model_id": "{model}", "status": "LOGGED_MODEL_READY"},
        values=_model_values,
    ),
    Call(
        "search logged models",
        "POST",
        f"{API}/logged-models/search",
        {"experiment_ids": ["{exp}"], "filter": "name = 'wm'"},
        values=lambda body: [m["info"]["name"] for m in body.get("models", [])],
    ),
    Call(
        "search logged models without experiments",
        "POST",
        f"{API}/logged-models/search",
        {},
    ),
]

LIFECYCLE = [
    Call("delete run", "POST", f"{API}/runs/delete", {"run_id": "{run}"}),
    Call("log metric to a deleted run", "POST", f"{API}/runs/log-metric", _metric("m", 9.0, 9)),
    Call("restore run", "POST", f"{API}/runs/restore", {"run_id": "{run}"}),
    Call("delete experiment", "POST", f"{API}/experiments/delete", {"experiment_id": "{exp}"}),
    Call(
        "create run in a deleted experiment",
        "POST",
        f"{API}/runs/create",
        {"experiment_id": "{exp}"},
    ),
    Call("restore experiment", "POST", f"{API}/experiments/restore", {"experiment_id": "{exp}"}),
    Call("unknown route", "GET", f"{API}/no-such-route", compare="status"),
]

CALLS = EXPERIMENTS + RUNS + ARTIFACTS + LOGGED_MODELS + LIFECYCLE
