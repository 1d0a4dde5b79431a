"""The UI benchmark's data, loaded into Heron and MLflow, cached by size.

One experiment ``ui-bench`` holds ``runs`` runs, each with ``params`` params (``p0`` cycles
over ten values ``v0``..``v9``: ``params.p0 = 'v1'`` matches a tenth of the runs), ``tags``
tags, and ``metrics`` metrics of ``steps`` steps each; a second experiment ``ui-bench-run``
holds one run of 200 params and 100 metrics (the run-page benchmark). The values are
deterministic, so both servers hold the same data.

Heron is loaded with its own ``POST /api/2.0/heron/runs/import`` (one call a run), MLflow with
``runs/create``, ``runs/log-batch`` (at most 1000 values a call, 100 params) and
``runs/update`` (FINISHED), both through many concurrent calls; or, for MLflow's big
experiment, by a row writer (``ui_mlflow_rows.py``) given to :func:`load`. A loaded store stays in
``<cache>/<size key>/<server>/`` with a ``loaded.json`` marker; a store without the marker is
wiped and loaded again.
"""

from __future__ import annotations

import json
import random
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

T0 = 1_750_000_000_000
EXPERIMENT = "ui-bench"
RUN_PAGE_EXPERIMENT = "ui-bench-run"
RUN_PAGE_PARAMS, RUN_PAGE_METRICS = 200, 100
P0_VALUES = 10
MLFLOW_BATCH, MLFLOW_BATCH_PARAMS = 1000, 100


@dataclass(frozen=True)
class Shape:
    """How much data: runs x params x metrics x steps x tags."""

    runs: int = 10_000
    params: int = 30
    metrics: int = 20
    steps: int = 100
    tags: int = 5

    @property
    def key(self) -> str:
        """The cache directory's name for this size."""
        return f"r{self.runs}-p{self.params}-m{self.metrics}-s{self.steps}-t{self.tags}"


@dataclass
class Run:
    """One run's content, the same for both servers."""

    name: str
    start_time: int
    params: list[tuple[str, str]]
    tags: list[tuple[str, str]]
    series: dict[str, list[float]]  # metric key -> value at step 0, 1, ...

    def timestamps(self) -> list[int]:
        """The timestamp of each step."""
        steps = len(next(iter(self.series.values()), []))
        return [self.start_time + step for step in range(steps)]


def bench_run(index: int, shape: Shape) -> Run:
    """Run ``index`` of the big experiment."""
    rng = random.Random(index)
    params = [("p0", f"v{index % P0_VALUES}")]
    params += [
        (f"p{k}", f"{rng.choice('abcdef')}{rng.randrange(10_000)}") for k in range(1, shape.params)
    ]
    tags = [(f"t{k}", f"tag-{rng.randrange(100)}") for k in range(shape.tags)]
    series = {}
    for k in range(shape.metrics):
        level = rng.random()
        series[f"m{k}"] = [
            round(level * (1 + step / shape.steps) + rng.random() / 10, 6)
            for step in range(shape.steps)
        ]
    return Run(f"run-{index:05d}", T0 + index * 1000, params, tags, series)


def run_page_run(shape: Shape) -> Run:
    """The run of the run-page benchmark: 200 params, 100 metrics."""
    rng = random.Random(-1)
    params = [(f"param_{k:03d}", f"value-{rng.randrange(10**6)}") for k in range(RUN_PAGE_PARAMS)]
    tags = [(f"t{k}", f"tag-{k}") for k in range(shape.tags)]
    series = {
        f"metric_{k:03d}": [round(rng.random(), 6) for _ in range(shape.steps)]
        for k in range(RUN_PAGE_METRICS)
    }
    return Run("run-page-bench", T0 - 10_000, params, tags, series)


@dataclass
class Loaded:
    """What a loaded store holds: the ids the measurements need."""

    experiment_id: str
    run_page_experiment_id: str
    run_page_run_id: str
    runs: int
    load_seconds: float
    method: str = "rest"  # or "rows": MLflow's runs written with its own store


# -- the two loaders --------------------------------------------------------------------------


class Api:
    """POSTs JSON to a tracking server's REST API, from many threads."""

    def __init__(self, url: str):
        import httpx  # not needed by the row loader, which runs in MLflow's virtualenv

        self.client = httpx.Client(
            base_url=url, timeout=300, limits=httpx.Limits(max_connections=32)
        )

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """The answer of ``POST /api/2.0/<path>``; raises on an error status."""
        for attempt in range(5):
            response = self.client.post(f"/api/2.0/{path}", json=body)
            if response.status_code < 500 or attempt == 4:
                break
            time.sleep(0.5 * (attempt + 1))  # e.g. "database is locked" under load
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:500]}")
        answer: dict[str, Any] = response.json()
        return answer

    def create_experiment(self, name: str) -> str:
        """A new experiment's id."""
        return str(self.post("mlflow/experiments/create", {"name": name})["experiment_id"])


def _pairs(items: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in items]


def heron_write(api: Api, experiment_id: str, run: Run) -> str:
    """One run through Heron's import call; its id."""
    steps = list(range(len(run.timestamps())))
    body = {
        "experiment_id": experiment_id,
        "run_name": run.name,
        "start_time": run.start_time,
        "end_time": run.start_time + 60_000,
        "status": "FINISHED",
        "tags": _pairs(run.tags),
        "params": _pairs(run.params),
        "series": [
            {"key": key, "values": values, "timestamps": run.timestamps(), "steps": steps}
            for key, values in run.series.items()
        ],
    }
    return str(api.post("heron/runs/import", body)["run"]["info"]["run_id"])


def mlflow_write(api: Api, experiment_id: str, run: Run) -> str:
    """One run through MLflow's create, log-batch (chunked) and update calls; its id."""
    created = api.post(
        "mlflow/runs/create",
        {"experiment_id": experiment_id, "run_name": run.name, "start_time": run.start_time},
    )
    run_id = str(created["run"]["info"]["run_id"])
    entries: list[tuple[str, dict[str, Any]]] = [("params", p) for p in _pairs(run.params)]
    entries += [("tags", t) for t in _pairs(run.tags)]
    for key, values in run.series.items():
        entries += [
            ("metrics", {"key": key, "value": value, "timestamp": stamp, "step": step})
            for step, (value, stamp) in enumerate(zip(values, run.timestamps(), strict=True))
        ]
    for batch in _batches(entries):
        api.post("mlflow/runs/log-batch", {"run_id": run_id, **batch})
    api.post(
        "mlflow/runs/update",
        {"run_id": run_id, "status": "FINISHED", "end_time": run.start_time + 60_000},
    )
    return run_id


def _batches(
    entries: list[tuple[str, dict[str, Any]]],
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    batch: dict[str, list[dict[str, Any]]] = {}
    size = 0
    for kind, entry in entries:
        full = size == MLFLOW_BATCH or (
            kind == "params" and len(batch.get("params", [])) == MLFLOW_BATCH_PARAMS
        )
        if full:
            yield batch
            batch, size = {}, 0
        batch.setdefault(kind, []).append(entry)
        size += 1
    if batch:
        yield batch


WRITERS: dict[str, Callable[[Api, str, Run], str]] = {"heron": heron_write, "mlflow": mlflow_write}


def load(
    kind: str, url: str, shape: Shape, workers: int, rows: Callable[[str], None] | None = None
) -> Loaded:
    """Write the benchmark's data to the server at ``url`` with ``workers`` threads.

    With ``rows``, the big experiment's runs are written by ``rows(experiment_id)`` instead
    (the experiments and the run-page run still go through the REST API).
    """
    api, write = Api(url), WRITERS[kind]
    started = time.perf_counter()
    page_experiment = api.create_experiment(RUN_PAGE_EXPERIMENT)
    page_run = write(api, page_experiment, run_page_run(shape))
    experiment = api.create_experiment(EXPERIMENT)
    done, lock = [0], threading.Lock()

    def one(index: int) -> None:
        write(api, experiment, bench_run(index, shape))
        with lock:
            done[0] += 1
            if done[0] % 1000 == 0 or done[0] == shape.runs:
                elapsed = time.perf_counter() - started
                print(
                    f"  {kind}: {done[0]:>6} / {shape.runs} runs loaded, {elapsed:7.1f} s",
                    flush=True,
                )

    if rows:
        rows(experiment)
    else:
        with ThreadPoolExecutor(workers) as pool:
            for future in [pool.submit(one, index) for index in range(shape.runs)]:
                future.result()
    seconds = round(time.perf_counter() - started, 1)
    method = "rest" if rows is None else "rows"
    return Loaded(experiment, page_experiment, page_run, shape.runs, seconds, method)


# -- the cache --------------------------------------------------------------------------------


def store_dir(cache: Path, shape: Shape, kind: str) -> Path:
    """Where the ``kind`` server's store of this size lives."""
    return cache / shape.key / kind


def cached(directory: Path) -> Loaded | None:
    """The marker of a complete load in ``directory``, if any."""
    marker = directory / "loaded.json"
    return Loaded(**json.loads(marker.read_text())) if marker.exists() else None


def prepare(directory: Path) -> None:
    """An empty directory for a new store (an unfinished load is wiped)."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)


def mark_loaded(directory: Path, loaded: Loaded) -> None:
    """Record a complete load."""
    (directory / "loaded.json").write_text(json.dumps(asdict(loaded)))
