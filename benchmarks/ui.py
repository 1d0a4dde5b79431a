"""Heron's web UI against MLflow 3.17.2's UI, on the same data, in the same Chromium.

Usage: python benchmarks/ui.py [--runs 10000] [--params 30] [--metrics 20] [--steps 100]
       [--tags 5] [--repeat 5] [--servers heron,mlflow] [--load-only] [--fresh]
       [--skip-csv-cli] [--load-workers 8] [--cache-dir DIR] [--json PATH]

Data (``ui_data.py``): one experiment of ``--runs`` runs x params x metrics x steps x tags,
and one run of 200 params and 100 metrics in a second experiment, in a ``heron server`` and
an ``mlflow server`` (``$HERON_PEERS_DIR/mlflow``, built on first use), each on its own SQLite
store and free port. Heron is loaded through its REST API (``heron/runs/import``, one call a
run), MLflow's experiments and run-page run through its REST API too, but its big
experiment's runs through its own store (``SqlAlchemyStore.create_run``, then rows of its
models: the same rows its ``runs/log-batch`` and ``runs/update`` write, checked equal): its
REST API loads ~1 run of 2,000 points a second here, three hours at full size
(``--mlflow-via-rest`` does it anyway). The stores are cached under ``--cache-dir`` by size;
``--fresh`` reloads them.

Measured (Debian's Chromium, headless, a fresh context per navigation, ``--repeat``
navigations after one warm-up, medians; see ``ui_browser.py`` for the paint watcher):

1. runs table, filtered by ``params.p0 = 'v1'`` (a tenth of the runs) and sorted by
   ``metrics.m0 DESC``: ms from navigation to the paint after 100 rows are loaded, the first
   being the expected run. Heron: ``/experiments/<id>?filter=..&order_by=..``, 100
   ``table#runs tbody tr[data-run-id]`` in the DOM. MLflow: its runs tab,
   ``/#/experiments/<id>/runs?searchFilter=..&orderByKey=..&orderByAsc=false`` (plain
   ``/#/experiments/<id>`` opens its GenAI overview in a fresh browser; the JSON keeps the
   ``runs/search`` bodies its UI sent, to show it applied the filter and sort). ag-grid keeps
   only the visible rows in the DOM, so for MLflow: the grid's ``aria-rowcount`` counts 100
   rows (its first page of runs) and its first painted row is the expected run. Also the
   server time of that page: Heron's HTML page, MLflow's ``runs/search`` call its UI makes
   for it (median of ``--repeat`` after one warm-up).
2. run page of the 200-param run: paint once the page shows the last param and the last
   metric (Heron: in ``#params`` and ``#metrics``; MLflow renders every row of both).
3. CSV of every run of the big experiment from Heron's ``runs.csv`` (streamed): download
   seconds and the server's RSS growth (peak during minus before, its process tree); the
   nearest peer figure is ``mlflow experiments csv`` (MLflow's server has no CSV route).

Ratios are MLflow / Heron (above 1: Heron is faster); quote ratios, the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ui_browser
import ui_data
import ui_report
from artifacts_proxy import RssSampler, tree_rss_mb
from ui_servers import cache_dir, mlflow_python, serve

from compat.processes import ServerProcess, clean_env

FILTER = "params.p0 = 'v1'"
ORDER = "metrics.m0 DESC"
PAGE_ROWS = 100


def first_run_name(url: str, experiment_id: str) -> str:
    """The name of the first run the filtered, sorted table shows (asked through the API)."""
    body = {
        "experiment_ids": [experiment_id],
        "filter": FILTER,
        "order_by": [ORDER],
        "max_results": 1,
    }
    answer = httpx.post(f"{url}/api/2.0/mlflow/runs/search", json=body, timeout=300).json()
    return str(answer["runs"][0]["info"]["run_name"])


def runs_table_url(kind: str, url: str, experiment_id: str) -> str:
    """The filtered, sorted runs table of each UI."""
    if kind == "heron":
        query = urllib.parse.urlencode({"filter": FILTER, "order_by": ORDER})
        return f"{url}/experiments/{experiment_id}?{query}"
    query = urllib.parse.urlencode(
        {"searchFilter": FILTER, "orderByKey": "metrics.`m0`", "orderByAsc": "false"}
    )
    return f"{url}/#/experiments/{experiment_id}/runs?{query}"


def run_page_url(kind: str, url: str, loaded: ui_data.Loaded) -> str:
    """The run page of the 200-param run."""
    path = f"experiments/{loaded.run_page_experiment_id}/runs/{loaded.run_page_run_id}"
    return f"{url}/{path}" if kind == "heron" else f"{url}/#/{path}"


def time_requests(send: Any, repeat: int) -> float:
    """Median ms of ``send()`` over ``repeat`` calls after one warm-up."""
    send()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        send()
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds) * 1000, 1)


def server_ms(kind: str, url: str, experiment_id: str, repeat: int) -> float | None:
    """Heron: its runs-table page (None while it is missing); MLflow: the runs/search call
    its UI makes for it."""
    with httpx.Client(timeout=300) as client:
        if kind == "heron":
            page = runs_table_url(kind, url, experiment_id)
            if client.get(page).status_code != 200:
                return None
            return time_requests(lambda: client.get(page).raise_for_status(), repeat)
        body = {
            "experiment_ids": [experiment_id],
            "filter": FILTER,
            "order_by": ["metrics.`m0` DESC"],
            "max_results": PAGE_ROWS,
            "run_view_type": "ACTIVE_ONLY",
        }
        search = f"{url}/ajax-api/2.0/mlflow/runs/search"
        return time_requests(lambda: client.post(search, json=body).raise_for_status(), repeat)


def csv_figures(server: ServerProcess, experiment_id: str) -> dict[str, float]:
    """Download seconds, lines, and RSS growth of Heron's streamed CSV of every run."""
    before = tree_rss_mb(server.process.pid)
    lines = 0
    with RssSampler(server.process.pid, 0.02) as sampler, httpx.Client(timeout=600) as client:
        started = time.perf_counter()
        with client.stream("GET", f"{server.url}/experiments/{experiment_id}/runs.csv") as response:
            if response.status_code == 404:
                print("  missing page, not measured: runs.csv", flush=True)
                return {}
            response.raise_for_status()
            for chunk in response.iter_bytes():
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "lines": lines,
        "rss_before_mb": round(before, 1),
        "rss_growth_mb": round(sampler.peak_mb - before, 1),
    }


def mlflow_csv_seconds(url: str, experiment_id: str) -> float:
    """Seconds of ``mlflow experiments csv`` writing the experiment's runs (CLI start included)."""
    with tempfile.TemporaryDirectory(prefix="ui-bench-csv-") as directory:
        started = time.perf_counter()
        subprocess.run(
            [
                str(mlflow_python().parent / "mlflow"),
                "experiments",
                "csv",
                "-x",
                experiment_id,
                "-o",
                f"{directory}/runs.csv",
            ],
            check=True,
            capture_output=True,
            env=clean_env(MLFLOW_TRACKING_URI=url),
            timeout=3600,
        )
        return round(time.perf_counter() - started, 2)


def paint_checks(kind: str, first_run: str, rows: int) -> tuple[str, str]:
    """The ``ready`` tests of the runs table and the run page for each UI."""
    last_param = f"param_{ui_data.RUN_PAGE_PARAMS - 1:03d}"
    last_metric = f"metric_{ui_data.RUN_PAGE_METRICS - 1:03d}"
    if kind == "heron":
        return ui_browser.heron_runs_ready(rows, first_run), ui_browser.heron_run_ready(
            last_param, last_metric
        )
    return ui_browser.mlflow_runs_ready(rows, first_run), ui_browser.mlflow_run_ready(
        last_param, last_metric
    )


def page_exists(url: str) -> bool:
    """False while a Heron page answers 404 (MLflow's hash routes always answer 200)."""
    found = httpx.get(url, timeout=300).status_code == 200
    if not found:
        print(f"  missing page, not measured: {url}", flush=True)
    return found


def browser_figures(targets: dict[str, dict[str, Any]], repeat: int) -> None:
    """Time both pages of every UI, taking turns so that load bursts hit each alike."""
    from playwright.sync_api import sync_playwright

    from e2e_ui.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for page in ("runs_table", "run_page"):
                present = [kind for kind in targets if page_exists(targets[kind][f"{page}_url"])]
                paints: dict[str, list[ui_browser.Paint]] = {kind: [] for kind in present}
                for round_ in range(repeat + 1):  # round 0 warms up
                    for kind in present:
                        target = targets[kind]
                        watch = "runs/search" if page == "runs_table" and kind == "mlflow" else ""
                        paint = ui_browser.measure(
                            browser, target[f"{page}_url"], target[f"{page}_ready"], watch
                        )
                        if round_:
                            paints[kind].append(paint)
                        if watch and round_ == 0:
                            target["mlflow_search_requests"] = [r["body"] for r in paint.requests]
                every = [paint for measured in paints.values() for paint in measured]
                element_timed = all(paint.rendered_ms is not None for paint in every)
                for kind, measured in paints.items():
                    targets[kind][page] = ui_browser.medians(measured, element_timed)
                    print(f"  {page:<11} {kind:<7} {targets[kind][page]}", flush=True)
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    defaults = ui_data.Shape()
    for name in ("runs", "params", "metrics", "steps", "tags"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed navigations (and requests) per page"
    )
    parser.add_argument("--servers", default="heron,mlflow", help="comma list: heron,mlflow")
    parser.add_argument(
        "--skip-csv-cli", action="store_true", help="do not time `mlflow experiments csv`"
    )
    parser.add_argument(
        "--load-only", action="store_true", help="load (or check) the stores, then stop"
    )
    parser.add_argument(
        "--mlflow-via-rest",
        action="store_true",
        help="load MLflow's runs through its REST API too (~1 run/s here: hours at full size)",
    )
    parser.add_argument("--fresh", action="store_true", help="reload the cached stores")
    parser.add_argument(
        "--load-workers", type=int, default=8, help="concurrent REST calls while loading"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=cache_dir("heron-bench", "ui"),
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on a kill
    shape = ui_data.Shape(args.runs, args.params, args.metrics, args.steps, args.tags)
    kinds = [kind for kind in ("heron", "mlflow") if kind in args.servers.split(",")]
    servers: dict[str, ServerProcess] = {}
    loads: dict[str, ui_data.Loaded] = {}
    results: dict[str, Any] = {
        "shape": shape.key,
        "filter": FILTER,
        "order_by": ORDER,
        "repeat": args.repeat,
    }
    targets: dict[str, dict[str, Any]] = {}
    try:
        for kind in kinds:
            directory = ui_data.store_dir(args.cache_dir, shape, kind)
            server, loaded = serve(kind, directory, shape, args)
            servers[kind], loads[kind] = server, loaded
            if args.load_only:
                continue
            first = first_run_name(server.url, loaded.experiment_id)
            matching = sum(1 for i in range(shape.runs) if i % ui_data.P0_VALUES == 1)
            runs_ready, run_ready = paint_checks(kind, first, min(PAGE_ROWS, matching))
            targets[kind] = {
                "load_seconds": loaded.load_seconds,
                "load_method": loaded.method,
                "first_run": first,
                "runs_table_url": runs_table_url(kind, server.url, loaded.experiment_id),
                "runs_table_ready": runs_ready,
                "run_page_url": run_page_url(kind, server.url, loaded),
                "run_page_ready": run_ready,
                "server_ms": server_ms(kind, server.url, loaded.experiment_id, args.repeat),
            }
            print(
                f"  {kind}: first run {first}, server time {targets[kind]['server_ms']} ms",
                flush=True,
            )
        if args.load_only:
            return
        print(
            f"browser: {args.repeat} cold navigations per page and UI (after one warm-up)",
            flush=True,
        )
        browser_figures(targets, args.repeat)
        if "heron" in servers:
            csv = csv_figures(servers["heron"], loads["heron"].experiment_id)
            targets["heron"]["csv"] = csv
            if csv:
                print(f"  csv heron: {csv}", flush=True)
        if "mlflow" in servers and not args.skip_csv_cli:
            seconds = mlflow_csv_seconds(servers["mlflow"].url, loads["mlflow"].experiment_id)
            targets["mlflow"]["csv_cli_seconds"] = seconds
            print(f"  csv mlflow CLI: {seconds} s", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    for kind, target in targets.items():
        results[kind] = {k: v for k, v in target.items() if not k.endswith("_ready")}
    rows = ui_report.report(results)
    ui_report.print_table(rows)
    if args.json:
        args.json.write_text(json.dumps({**results, "summary": rows}, indent=2))


if __name__ == "__main__":
    main()
