"""Generated calls to what a run reads and links: log-inputs and outputs, metric
histories, artifact listings, logged models; and the read-backs of what the fuzzed writes
left."""

from __future__ import annotations

from typing import Any

import wire_variants as v
from wire_fuzz import API, ART, MISSING_MODEL, MISSING_RUN, Corpus
from wire_fuzz_tracking import EXP, MODELS, RUNS, kv


def inputs_outputs(corpus: Corpus) -> None:
    """log-inputs datasets and run outputs."""

    def dataset(**fields: Any) -> dict[str, Any]:
        base = {"name": "ds{u}", "digest": "d", "source_type": "local", "source": "{}"}
        return {"dataset": {**base, **fields}, "tags": []}

    datasets = [
        *v.entries(lambda key, value: dataset())[:5],
        ("valid", [dataset()]),
        ("no-dataset", [{"tags": []}]),
        ("no-name", [{"dataset": {"digest": "d", "source_type": "local", "source": "{}"}}]),
        ("no-digest", [{"dataset": {"name": "x{u}", "source_type": "local", "source": "{}"}}]),
        ("no-source", [{"dataset": {"name": "x{u}", "digest": "d", "source_type": "local"}}]),
        ("name-500", [dataset(name="{u}" + "n" * 496)]),
        ("name-501", [dataset(name="{u}" + "n" * 497)]),
        ("digest-36", [dataset(digest="d" * 36)]),
        ("digest-37", [dataset(digest="d" * 37)]),
        ("schema", [dataset(schema='{"mlflow_colspec": []}', profile='{"num_rows": 1}')]),
        ("input-tag-key-256", [{**dataset(), "tags": [kv("k" * 256, "v")]}]),
        ("input-tag-value-501", [{**dataset(), "tags": [kv("k", "v" * 501)]}]),
        ("input-tag-bad-key", [{**dataset(), "tags": [kv("a/../b", "v")]}]),
        ("input-tag-no-value", [{**dataset(), "tags": [{"key": "k"}]}]),
        ("twice", [dataset(), dataset()]),
    ]
    path = f"{RUNS}/log-inputs"
    corpus.vary("runs/log-inputs", "POST", path, {"run_id": "{run2}"}, "datasets", datasets)
    models = [
        ("valid", [{"model_id": "{model}"}]),
        ("unknown", [{"model_id": MISSING_MODEL}]),
        ("no-id", [{}]),
        ("string", "x"),
    ]
    corpus.vary("runs/log-inputs", "POST", path, {"run_id": "{run2}"}, "models", models)
    corpus.vary(
        "runs/log-inputs",
        "POST",
        path,
        {"run_id": "{run2}", "datasets": [dataset()]},
        "run_id",
        v.identifier("{run2}", MISSING_RUN)[1:],
    )
    outputs = [
        ("valid", [{"model_id": "{model}", "step": 1}]),
        *v.entries(lambda key, value: {"model_id": "{model}", "step": 0})[:6],
        ("unknown", [{"model_id": MISSING_MODEL, "step": 0}]),
        ("no-step", [{"model_id": "{model}"}]),
        ("string-step", [{"model_id": "{model}", "step": "3"}]),
    ]
    corpus.vary("runs/outputs", "POST", f"{RUNS}/outputs", {"run_id": "{run2}"}, "models", outputs)


def histories(corpus: Corpus) -> None:
    """get-history, get-history-bulk-interval, and the tracking artifact listing."""
    query = v.query
    path = f"{API}/metrics/get-history"
    history = {"run_id": "{run}", "metric_key": "m"}
    counts = [
        ("valid", "2"),
        ("zero", "0"),
        ("negative", "-1"),
        ("float", "1.5"),
        ("word", "abc"),
        ("huge", str(2**40)),
        ("empty", ""),
    ]
    tokens = [
        ("garbage", "garbage"),
        ("empty", ""),
        ("base64-offset", "eyJvZmZzZXQiOiAxfQ=="),
        ("base64-list", "W10="),
    ]
    for field, variants in (
        ("run_id", query(v.identifier("{run}", MISSING_RUN))),
        (
            "metric_key",
            [
                ("unknown", "zz"),
                ("missing", v.MISSING),
                ("empty", ""),
                ("nan-metric", "m"),
                ("slash", "a/b"),
            ],
        ),
        ("max_results", counts),
        ("page_token", tokens),
    ):
        corpus.vary("metrics/get-history", "GET", path, history, field, variants, in_query=True)
    path = f"{API}/metrics/get-history-bulk-interval"
    bulk = {"run_ids": ["{run}", "{run3}"], "metric_key": "m", "max_results": "10"}
    run_ids = [
        ("one", ["{run}"]),
        ("missing", v.MISSING),
        ("unknown", [MISSING_RUN]),
        ("duplicate", ["{run}", "{run}"]),
        ("101", ["{run}"] * 101),
        ("100", ["{run}"] * 100),
        ("empty", [""]),
    ]
    corpus.vary("get-history-bulk-interval", "GET", path, bulk, "run_ids", run_ids, in_query=True)
    corpus.vary(
        "get-history-bulk-interval",
        "GET",
        path,
        bulk,
        "max_results",
        [*counts, ("2500", "2500"), ("2501", "2501"), ("missing", v.MISSING)],
        in_query=True,
    )
    steps = [("valid", "0"), ("negative", "-5"), ("word", "x"), ("float", "0.5")]
    corpus.vary("get-history-bulk-interval", "GET", path, bulk, "start_step", steps, in_query=True)
    corpus.vary(
        "get-history-bulk-interval",
        "GET",
        path,
        {**bulk, "start_step": "3"},
        "end_step",
        [("before-start", "1"), ("after-start", "9"), ("word", "x")],
        in_query=True,
    )
    corpus.vary(
        "get-history-bulk-interval",
        "GET",
        path,
        bulk,
        "metric_key",
        [("missing", v.MISSING), ("empty", ""), ("unknown", "zz")],
        in_query=True,
    )
    listing = {"run_id": "{run}"}
    paths = [
        ("dir", "dir"),
        ("file", "b.txt"),
        ("empty", ""),
        ("missing", v.MISSING),
        ("absent", "nope"),
        ("parent", ".."),
        ("parent-of-dir", "dir/../.."),
        ("absolute", "/etc"),
        ("dot", "."),
        ("trailing-slash", "dir/"),
        ("dot-slash", "./dir"),
        ("encoded-parent", "%2e%2e"),
        ("backslash", "..\\.."),
        ("nul", "dir\x00"),
    ]
    path = f"{API}/artifacts/list"
    corpus.vary("artifacts/list", "GET", path, listing, "path", paths, in_query=True)
    corpus.vary(
        "artifacts/list",
        "GET",
        path,
        {**listing, "path": "dir"},
        "run_id",
        query(v.identifier("{run}", MISSING_RUN))[1:],
        in_query=True,
    )
    proxy = [
        ("run-root", "{art}"),
        ("dir", "{art}/dir"),
        ("file", "{art}/b.txt"),
        ("absent", "{art}/nope"),
        ("parent", "{art}/../.."),
        ("dot-dot", ".."),
        ("absolute", "/etc"),
        ("empty", ""),
        ("missing", v.MISSING),
    ]
    corpus.vary("mlflow-artifacts list", "GET", ART, {}, "path", proxy, in_query=True)


def logged_models(corpus: Corpus) -> None:
    """Create, get, finalize, tag and parametrise logged models."""
    create = {"experiment_id": "{exp}", "name": "lm{u}"}
    for field, variants in (
        ("experiment_id", v.experiment_id("{exp}")),
        ("name", v.name(500)),
        ("model_type", v.text()[:9]),
        ("source_run_id", v.identifier("{run}", MISSING_RUN)),
        ("params", v.entries(kv)),
        ("tags", v.entries(kv)),
    ):
        corpus.vary("logged-models create", "POST", MODELS, create, field, variants)
    for label, model_id in (
        ("valid", "{model}"),
        ("unknown", MISSING_MODEL),
        ("word", "abc"),
        ("space", "a%20b"),
        ("long", "m-" + "a" * 300),
    ):
        corpus.once(f"logged-models get {label}", "GET", f"{MODELS}/{model_id}")
    finalize = {"model_id": "{model2}", "status": "LOGGED_MODEL_READY"}
    statuses = v.enum(
        "LOGGED_MODEL_READY",
        "LOGGED_MODEL_PENDING",
        "LOGGED_MODEL_UPLOAD_FAILED",
        "LOGGED_MODEL_STATUS_UNSPECIFIED",
    )
    corpus.vary(
        "logged-models finalize", "PATCH", f"{MODELS}/{{model2}}", finalize, "status", statuses
    )
    corpus.vary(
        "logged-models finalize-unknown",
        "PATCH",
        f"{MODELS}/{MISSING_MODEL}",
        {**finalize, "model_id": MISSING_MODEL},
        "status",
        statuses[:1],
    )
    tags = {"tags": [kv("t{u}", "v")]}
    corpus.vary(
        "logged-models set-tags", "PATCH", f"{MODELS}/{{model}}/tags", tags, "tags", v.entries(kv)
    )
    for label, key in (("valid", "k"), ("again", "k"), ("absent", "absent"), ("dotted", "a.b")):
        corpus.once(f"logged-models delete-tag {label}", "DELETE", f"{MODELS}/{{model}}/tags/{key}")
    corpus.once(
        "logged-models delete-tag of unknown model", "DELETE", f"{MODELS}/{MISSING_MODEL}/tags/k"
    )
    params = {"model_id": "{model}", "params": [kv("p{u}", "v")]}
    corpus.vary(
        "logged-models params",
        "POST",
        f"{MODELS}/{{model}}/params",
        params,
        "params",
        [*v.entries(kv), ("value-6001", [kv("long{u}", "v" * 6001)])],
    )
    corpus.once(
        "logged-models params of unknown model",
        "POST",
        f"{MODELS}/{MISSING_MODEL}/params",
        {**params, "model_id": MISSING_MODEL},
    )
    corpus.once(
        "logged-models params without model_id in the body",
        "POST",
        f"{MODELS}/{{model}}/params",
        {"params": [kv("nobody{u}", "v")]},
    )


def _run_values(body: Any) -> Any:
    run = body["run"]
    data = run.get("data", {})
    return {
        "info": {
            k: run["info"].get(k)
            for k in ("run_name", "status", "lifecycle_stage", "end_time", "user_id")
        },
        "metrics": sorted((m["key"], str(m["value"]), m["step"]) for m in data.get("metrics", [])),
        "params": sorted((p["key"], p["value"]) for p in data.get("params", [])),
        "tags": sorted(
            (t["key"], t["value"]) for t in data.get("tags", []) if t["key"] != "mlflow.user"
        ),
        "datasets": sorted(
            d["dataset"]["name"]
            for d in run.get("inputs", {}).get("dataset_inputs", [])
            if d["dataset"]["name"]  # MLflow takes a dataset without a name; Heron refuses it
        ),
    }


def _experiment_values(body: Any) -> Any:
    experiment = body["experiment"]
    return experiment["lifecycle_stage"], sorted(
        (t["key"], t["value"]) for t in experiment.get("tags", [])
    )


def _model_values(body: Any) -> Any:
    info, data = body["model"]["info"], body["model"].get("data", {})
    return {
        "info": (info["name"], info["status"]),
        "tags": sorted(
            (t["key"], t["value"])
            for t in info.get("tags", [])
            if t["key"] != "mlflow.modelVersions"
        ),
        "params": sorted((p["key"], p["value"]) for p in data.get("params", [])),
    }


def _victim_names(body: Any) -> Any:
    """The names the calls gave (a run created without one gets a random name)."""
    names = (run["info"].get("run_name") or "" for run in body.get("runs", []))
    return sorted(name for name in names if name.startswith(("c0", "c1", "r-")))


def read_back(corpus: Corpus) -> None:
    """What the fuzzed writes left behind, compared by value."""
    for slot in ("run", "run2", "runv"):
        corpus.once(
            f"read back {slot}",
            "GET",
            f"{RUNS}/get",
            params={"run_id": f"{{{slot}}}"},
            values=_run_values,
        )
    for slot in ("exp", "exp2"):
        corpus.once(
            f"read back {slot}",
            "GET",
            f"{EXP}/get",
            params={"experiment_id": f"{{{slot}}}"},
            values=_experiment_values,
        )
    for slot in ("model", "model2"):
        corpus.once(f"read back {slot}", "GET", f"{MODELS}/{{{slot}}}", values=_model_values)
    corpus.once(
        "read back victim runs",
        "POST",
        f"{RUNS}/search",
        {"experiment_ids": ["{exp2}"], "run_view_type": "ALL", "order_by": ["run_name"]},
        values=_victim_names,
    )
