"""Chart view benchmark: Heron's experiment charts vs MLflow 3.17.2's, time to first paint.

Usage: python benchmarks/charts_view.py [--runs 20] [--metrics 5] [--steps 100000]
       [--repeat 3] [--servers heron,mlflow] [--cache-dir DIR] [--fresh] [--json PATH]

Both servers hold the same runs (``ui_data.bench_run``: ``--metrics`` metrics of ``--steps``
steps each), Heron's imported in-process, MLflow's written as rows by its own store
(``ui_mlflow_rows.py``); the stores are cached by size. In Debian's Chromium (same viewport,
fresh context each time, see ``ui_browser``) the figure is the time from navigation to the
first paint where every chart card in the viewport holds its plot: Heron's
``/experiments/<id>/charts?limit=<runs>`` (a canvas in each card intersecting the viewport),
MLflow's ``#/experiments/<id>/runs?compareRunsMode=CHART`` (every Plotly chart in the
viewport, at least two, holding a line for each run it shows: at most 10 by default).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import ui_browser
from ui_data import Shape, bench_run
from ui_servers import cache_dir, heron_command, mlflow_python

from compat.processes import ServerProcess, clean_env, mlflow_server_command, start_server
from heron.entities import MetricSeries, RunContent
from heron.store.db import upgrade
from heron.store.tracking import clear_store_cache, get_tracking_store

EXPERIMENT = "charts-bench"

HERON_READY = """(() => {
  const cards = Array.from(document.querySelectorAll('[data-chart-card]'))
    .filter((card) => card.getBoundingClientRect().top < innerHeight);
  if (!cards.length) return null;
  const plots = cards.map((card) => card.querySelector('canvas, .bars'));
  return plots.every((plot) => plot) ? plots : null;
})()"""

MLFLOW_READY = """(() => {
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter((plot) => plot.getBoundingClientRect().top < innerHeight);
  if (plots.length < PLOTS) return null;
  const lines = (plot) => plot.querySelectorAll('.scatterlayer .trace').length;
  const drawn = plots.every((plot) => lines(plot) >= TRACES);
  return drawn ? plots : null;
})()"""


def load_heron(directory: Path, shape: Shape) -> str:
    """The experiment id of Heron's store, loaded in-process."""
    store = get_tracking_store(f"sqlite:///{directory / 'store.db'}", str(directory / "artifacts"))
    experiment_id = store.create_experiment(EXPERIMENT)
    for index in range(shape.runs):
        run = bench_run(index, shape)
        stamps = run.timestamps()
        series = [
            MetricSeries(key, values, stamps, list(range(len(values))))
            for key, values in run.series.items()
        ]
        store.import_run(
            experiment_id,
            RunContent(
                user_id="bench",
                start_time=run.start_time,
                end_time=run.start_time + 60_000,
                status="FINISHED",
                run_name=run.name,
                series=series,
            ),
        )
    clear_store_cache()
    return experiment_id


def load_mlflow(server: ServerProcess, shape: Shape) -> str:
    """The experiment id of MLflow's store, its runs written by MLflow's own store."""
    answer = httpx.post(
        f"{server.url}/api/2.0/mlflow/experiments/create", json={"name": EXPERIMENT}, timeout=60
    )
    answer.raise_for_status()
    experiment_id = str(answer.json()["experiment_id"])
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from ui_mlflow_rows import mlflow_rows; from ui_data import Shape; "
        "mlflow_rows(sys.argv[2], sys.argv[3], Shape(*map(int, sys.argv[4:])), batch_runs=1)"
    )
    numbers = (shape.runs, 0, shape.metrics, shape.steps, 0)
    subprocess.run(
        [
            str(mlflow_python()),
            "-c",
            script,
            str(Path(__file__).parent),
            server.store_uri,
            experiment_id,
            *map(str, numbers),
        ],
        check=True,
        env=clean_env(),
    )
    return experiment_id


def serve(kind: str, directory: Path, shape: Shape, fresh: bool) -> tuple[ServerProcess, str]:
    """The ``kind`` server on its cached store (loaded first if needed) and the experiment."""
    marker = directory / "loaded.json"
    loaded = None if fresh or not marker.exists() else json.loads(marker.read_text())
    if loaded is None:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    started = time.perf_counter()
    experiment_id = loaded["experiment_id"] if loaded else None
    if kind == "heron" and experiment_id is not None:  # a store cached by an older schema
        upgrade(f"sqlite:///{directory / 'store.db'}")
    if kind == "heron" and experiment_id is None:
        experiment_id = load_heron(directory, shape)
    command = (
        heron_command()
        if kind == "heron"
        else mlflow_server_command(mlflow_python(), "--artifacts-destination={artifacts}")
    )
    server = start_server(kind, command, directory)
    if experiment_id is None:
        experiment_id = load_mlflow(server, shape)
    if loaded is None:
        seconds = round(time.perf_counter() - started)
        print(f"  {kind}: loaded in {seconds} s", flush=True)
        marker.write_text(json.dumps({"experiment_id": experiment_id}))
    return server, experiment_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--metrics", type=int, default=5)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--servers", default="heron,mlflow")
    parser.add_argument("--fresh", action="store_true", help="reload the cached stores")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=cache_dir("heron-bench-charts"),
    )
    parser.add_argument("--json", type=Path, help="write the figures there too")
    args = parser.parse_args()
    shape = Shape(args.runs, 0, args.metrics, args.steps, 0)
    kinds = [kind for kind in ("heron", "mlflow") if kind in args.servers.split(",")]
    servers: dict[str, ServerProcess] = {}
    urls: dict[str, tuple[str, str]] = {}
    try:
        for kind in kinds:
            size = f"view-r{shape.runs}-m{shape.metrics}-s{shape.steps}"
            directory = args.cache_dir / size / kind
            server, experiment_id = serve(kind, directory, shape, args.fresh)
            servers[kind] = server
            if kind == "heron":
                url = f"{server.url}/experiments/{experiment_id}/charts?limit={shape.runs}"
                urls[kind] = (url, HERON_READY)
            else:
                url = f"{server.url}/#/experiments/{experiment_id}/runs?compareRunsMode=CHART"
                ready = MLFLOW_READY.replace("PLOTS", str(min(2, shape.metrics)))
                urls[kind] = (url, ready.replace("TRACES", str(min(10, shape.runs))))
        results = measure(urls, args.repeat)
    finally:
        for server in servers.values():
            server.stop()
    summary: dict[str, Any] = {"shape": f"{shape.runs} runs x {shape.metrics} x {shape.steps}"}
    summary.update(results)
    if "heron" in results and "mlflow" in results:
        summary["mlflow_over_heron"] = round(
            results["mlflow"]["median_ms"] / results["heron"]["median_ms"], 1
        )
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


def measure(urls: dict[str, tuple[str, str]], repeat: int) -> dict[str, Any]:
    """Median paint figures of each UI, taking turns (round 0 warms up)."""
    from playwright.sync_api import sync_playwright

    from e2e_ui.browser import launch

    paints: dict[str, list[ui_browser.Paint]] = {kind: [] for kind in urls}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for round_ in range(repeat + 1):
                for kind, (url, ready) in urls.items():
                    paint = ui_browser.measure(browser, url, ready)
                    print(f"  {kind} round {round_}: {paint.painted_ms:.0f} ms", flush=True)
                    if round_:
                        paints[kind].append(paint)
        finally:
            browser.close()
    timed = all(p.rendered_ms is not None for measured in paints.values() for p in measured)
    return {kind: ui_browser.medians(measured, timed) for kind, measured in paints.items()}


if __name__ == "__main__":
    main()
