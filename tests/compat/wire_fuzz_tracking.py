"""Generated calls to the tracking endpoints: experiments, runs, metrics, params, tags and
log-batch (the setup of the entities every generated call names first)."""

from __future__ import annotations

from typing import Any

import wire_variants as v
from wire_fuzz import (
    API,
    ART,
    MISSING_MODEL,
    MISSING_RUN,
    T0,
    Corpus,
    save_main_run,
    saver,
)

EXP = f"{API}/experiments"
RUNS = f"{API}/runs"
MODELS = f"{API}/logged-models"


def _metric(key: str, value: Any = 1.0, step: int = 0, timestamp: int = T0) -> dict[str, Any]:
    return {"key": key, "value": value, "timestamp": timestamp, "step": step}


def kv(key: str, value: str) -> dict[str, str]:
    return {"key": key, "value": value}


def setup(corpus: Corpus) -> None:
    """The entities every later call names, with data for the searches."""
    add = corpus.once
    add(
        "setup experiment",
        "POST",
        f"{EXP}/create",
        {"name": "{name}"},
        save=saver("exp", "experiment_id"),
    )
    add(
        "setup victim experiment",
        "POST",
        f"{EXP}/create",
        {"name": "{name}-victim"},
        save=saver("exp2", "experiment_id"),
    )
    runs = [("run", "r-a", 1), ("run2", "r-b", 2), ("run3", "r-c", 3)]
    for slot, run_name, offset in runs:
        body = {
            "experiment_id": "{exp}",
            "run_name": run_name,
            "start_time": T0 + offset,
            "user_id": "u" + run_name,
        }
        save = save_main_run if slot == "run" else saver(slot, "run", "info", "run_id")
        add(f"setup {slot}", "POST", f"{RUNS}/create", body, save=save)
    add(
        "setup victim run",
        "POST",
        f"{RUNS}/create",
        {"experiment_id": "{exp2}", "run_name": "r-v"},
        save=saver("runv", "run", "info", "run_id"),
    )
    data = {
        "run": (
            [_metric("m", 1.0), _metric("n", -4)],
            [kv("p", "a"), kv("q", "1")],
            [kv("t", "x")],
        ),
        "run2": ([_metric("m", 2.5)], [kv("p", "b")], [kv("t", "Y"), kv("u", "z")]),
        "run3": ([_metric("m", "NaN"), _metric("n", 7)], [kv("p", "a%_")], []),
    }
    for slot, (metrics, params, tags) in data.items():
        body = {"run_id": f"{{{slot}}}", "metrics": metrics, "params": params, "tags": tags}
        add(f"setup data of {slot}", "POST", f"{RUNS}/log-batch", body)
    dataset = {"name": "wine", "digest": "d1", "source_type": "local", "source": "{}"}
    inputs = [{"dataset": dataset, "tags": [kv("mlflow.data.context", "training")]}]
    add("setup inputs", "POST", f"{RUNS}/log-inputs", {"run_id": "{run}", "datasets": inputs})
    add(
        "setup finish run2",
        "POST",
        f"{RUNS}/update",
        {"run_id": "{run2}", "status": "FINISHED", "end_time": T0 + 10},
    )
    add("setup upload", "PUT", f"{ART}/{{art}}/dir/a.txt", raw=b"a", compare="status")
    add("setup upload file", "PUT", f"{ART}/{{art}}/b.txt", raw=b"bb", compare="status")
    for slot, model_name in (("model", "wm"), ("model2", "wm2")):
        body = {
            "experiment_id": "{exp}",
            "name": model_name,
            "source_run_id": "{run}",
            "params": [kv("alpha", "1")],
            "tags": [kv("k", "v")],
        }
        add(f"setup {slot}", "POST", MODELS, body, save=saver(slot, "model", "info", "model_id"))


def experiments(corpus: Corpus) -> None:
    """Create, get, rename, tag, delete and restore experiments."""
    vary = corpus.vary
    create = {"name": "{name}-c{u}"}
    vary("experiments/create", "POST", f"{EXP}/create", create, "name", v.name(500))
    locations = [
        *v.text()[:9],
        ("runs-uri", "runs:/abc/x"),
        ("s3", "s3://bucket/{u}"),
        ("long", "s3://b/" + "x" * 3000),
    ]
    vary("experiments/create", "POST", f"{EXP}/create", create, "artifact_location", locations)
    vary("experiments/create", "POST", f"{EXP}/create", create, "tags", v.entries(kv))
    get = {"experiment_id": "{exp}"}
    vary(
        "experiments/get",
        "GET",
        f"{EXP}/get",
        get,
        "experiment_id",
        v.query(v.experiment_id("{exp}")),
        in_query=True,
    )
    by_name = [
        ("valid", "{name}"),
        ("missing", v.MISSING),
        ("empty", ""),
        ("unknown", "{name}-nope"),
        ("long", "n" * 600),
        ("unicode", "имя"),
    ]
    vary(
        "experiments/get-by-name",
        "GET",
        f"{EXP}/get-by-name",
        {},
        "experiment_name",
        by_name,
        in_query=True,
    )
    rename = {"experiment_id": "{exp2}", "new_name": "{name}-v{u}"}
    vary(
        "experiments/update",
        "POST",
        f"{EXP}/update",
        rename,
        "new_name",
        [*v.name(500), ("taken", "{name}")],
    )
    vary(
        "experiments/update",
        "POST",
        f"{EXP}/update",
        rename,
        "experiment_id",
        v.experiment_id("{exp2}"),
    )
    tag = {"experiment_id": "{exp}", "key": "k{u}", "value": "v"}
    path = f"{EXP}/set-experiment-tag"
    vary(
        "experiments/set-experiment-tag",
        "POST",
        path,
        tag,
        "experiment_id",
        v.experiment_id("{exp}"),
    )
    vary("experiments/set-experiment-tag", "POST", path, tag, "key", v.key())
    vary("experiments/set-experiment-tag", "POST", path, tag, "value", v.text((20000,)))
    untag = {"experiment_id": "{exp}", "key": "k0000"}
    path = f"{EXP}/delete-experiment-tag"
    vary(
        "experiments/delete-experiment-tag",
        "POST",
        path,
        untag,
        "key",
        [("absent", "absent"), *v.key()[:6]],
    )
    vary(
        "experiments/delete-experiment-tag",
        "POST",
        path,
        untag,
        "experiment_id",
        v.experiment_id("{exp}")[1:],
    )
    for verb in ("delete", "restore"):
        vary(
            f"experiments/{verb}",
            "POST",
            f"{EXP}/{verb}",
            {},
            "experiment_id",
            v.experiment_id("{exp2}"),
        )


def runs(corpus: Corpus) -> None:
    """Create, get, update, delete and restore runs."""
    vary = corpus.vary
    create = {"experiment_id": "{exp2}", "run_name": "c{u}", "start_time": T0, "user_id": "u"}
    for field, variants in (
        ("experiment_id", v.experiment_id("{exp2}")),
        ("start_time", v.integer()),
        ("run_name", v.text((250,))),
        ("user_id", v.text()),
        (
            "tags",
            [
                *v.entries(kv),
                ("run-name-tag-differs", [kv("mlflow.runName", "other")]),
                ("run-name-tag-same", [kv("mlflow.runName", "c{u}")]),
            ],
        ),
    ):
        vary("runs/create", "POST", f"{RUNS}/create", create, field, variants)
    get_variants = v.query(v.identifier("{run}", MISSING_RUN))
    vary("runs/get", "GET", f"{RUNS}/get", {}, "run_id", get_variants, in_query=True)
    vary("runs/get", "GET", f"{RUNS}/get", {}, "run_uuid", get_variants, in_query=True)
    update = {"run_id": "{runv}", "status": "RUNNING"}
    statuses = v.enum("FINISHED", "RUNNING", "SCHEDULED", "FAILED", "KILLED", 3)
    vary("runs/update", "POST", f"{RUNS}/update", update, "status", statuses)
    vary("runs/update", "POST", f"{RUNS}/update", update, "end_time", v.integer())
    vary("runs/update", "POST", f"{RUNS}/update", update, "run_name", v.text((250,)))
    vary(
        "runs/update",
        "POST",
        f"{RUNS}/update",
        update,
        "run_id",
        v.identifier("{runv}", MISSING_RUN),
    )
    for verb in ("delete", "restore"):
        vary(
            f"runs/{verb}",
            "POST",
            f"{RUNS}/{verb}",
            {},
            "run_id",
            v.identifier("{runv}", MISSING_RUN),
        )


def run_data(corpus: Corpus) -> None:
    """log-metric, log-parameter, set-tag, delete-tag on the main run."""
    vary = corpus.vary
    metric = {"run_id": "{run}", "key": "f{u}", "value": 1.5, "timestamp": T0, "step": 0}
    for field, variants in (
        ("run_id", v.identifier("{run}", MISSING_RUN)),
        ("key", v.key()),
        ("value", v.double()),
        ("timestamp", v.integer()),
        ("step", v.integer()),
        ("model_id", v.identifier("{model}", MISSING_MODEL)),
        ("dataset_name", v.text()[:9]),
    ):
        vary("runs/log-metric", "POST", f"{RUNS}/log-metric", metric, field, variants)
    param = {"run_id": "{run}", "key": "g{u}", "value": "1"}
    for field, variants in (
        ("run_id", v.identifier("{run}", MISSING_RUN)),
        ("key", v.key()),
        ("value", v.text((6000, 8000))),
    ):
        vary("runs/log-parameter", "POST", f"{RUNS}/log-parameter", param, field, variants)
    vary(
        "runs/log-parameter",
        "POST",
        f"{RUNS}/log-parameter",
        {"run_id": "{run}", "key": "p", "value": "1"},
        "value",
        [("same-as-logged", "a"), ("changed", "zz")],
    )
    tag = {"run_id": "{run}", "key": "h{u}", "value": "v"}
    for field, variants in (
        ("run_id", v.identifier("{run}", MISSING_RUN)),
        ("key", [*v.key(), ("run-name", "mlflow.runName")]),
        ("value", v.text((5000, 8000))),
    ):
        vary("runs/set-tag", "POST", f"{RUNS}/set-tag", tag, field, variants)
    rename = {"run_id": "{runv}", "key": "mlflow.runName"}
    vary(
        "runs/set-tag",
        "POST",
        f"{RUNS}/set-tag",
        rename,
        "value",
        [("run-name-" + label, value) for label, value in v.text((250,))]
        + [("run-name-last", "r-v-renamed")],
    )
    untag = {"run_id": "{run}", "key": "t"}
    vary(
        "runs/delete-tag",
        "POST",
        f"{RUNS}/delete-tag",
        untag,
        "key",
        [("absent", "absent"), ("valid", "t"), ("again", "t"), *v.key()[:7]],
    )
    vary(
        "runs/delete-tag",
        "POST",
        f"{RUNS}/delete-tag",
        untag,
        "run_id",
        v.identifier("{run}", MISSING_RUN)[1:],
    )


def log_batch(corpus: Corpus) -> None:
    """log-batch: element shapes, limits, duplicates and the atomic write."""
    batch = {"run_id": "{run}"}
    path = f"{RUNS}/log-batch"

    def metrics(count: int) -> list[dict[str, Any]]:
        return [_metric("bm{u}", float(step), step) for step in range(count)]

    metric_variants = [
        *v.entries(lambda key, value: _metric(key, 1.0))[:6],
        ("no-value", [{"key": "x{u}", "timestamp": T0, "step": 0}]),
        ("no-timestamp", [{"key": "x{u}", "value": 1.0, "step": 0}]),
        ("no-step", [{"key": "x{u}", "value": 1.0, "timestamp": T0}]),
        ("no-key", [{"value": 1.0, "timestamp": T0}]),
        ("NaN", [_metric("x{u}", "NaN")]),
        ("string-step", [_metric("x{u}", 1.0, "2")]),  # type: ignore[arg-type]
        ("float-step", [_metric("x{u}", 1.0, 2.5)]),  # type: ignore[arg-type]
        ("negative-timestamp", [_metric("x{u}", 1.0, 0, -5)]),
        ("bool-value", [_metric("x{u}", True)]),
        ("bad-key", [_metric("a/../x{u}")]),
        ("duplicate", [_metric("x{u}"), _metric("x{u}")]),
        ("same-step-differ", [_metric("x{u}", 1.0), _metric("x{u}", 2.0)]),
        ("1000", metrics(1000)),
        ("1001", metrics(1001)),
    ]
    corpus.vary("runs/log-batch", "POST", path, batch, "metrics", metric_variants)

    def params(count: int) -> list[dict[str, str]]:
        return [kv(f"bp{index}-{{u}}", "v") for index in range(count)]

    param_variants = [
        *v.entries(kv),
        ("100", params(100)),
        ("101", params(101)),
        ("value-6001", [kv("lp{u}", "v" * 6001)]),
        ("changed-logged", [kv("p", "zz")]),
    ]
    corpus.vary("runs/log-batch", "POST", path, batch, "params", param_variants)
    tag_variants = [
        *v.entries(kv),
        ("100", params(100)),
        ("101", params(101)),
        ("value-8001", [kv("lt{u}", "v" * 8001)]),
        ("run-name", [kv("mlflow.runName", "r-a")]),
    ]
    corpus.vary("runs/log-batch", "POST", path, batch, "tags", tag_variants)
    full = {
        "run_id": "{run}",
        "metrics": metrics(900),
        "params": params(100),
        "tags": [kv("tt{u}", "v")],
    }
    corpus.vary(
        "runs/log-batch",
        "POST",
        path,
        full,
        "tags",
        [("total-1000", []), ("total-1001", [kv("tt{u}", "v")])],
    )
    atomic = {
        "run_id": "{run}",
        "params": [kv("atomic{u}", "v")],
        "metrics": [_metric("y{u}", "abc")],
    }
    corpus.vary("runs/log-batch", "POST", path, atomic, "tags", [("atomic-bad-metric", [])])
    corpus.vary(
        "runs/log-batch",
        "POST",
        path,
        {**batch, "params": [kv("z{u}", "1")]},
        "run_id",
        v.identifier("{run}", MISSING_RUN),
    )
