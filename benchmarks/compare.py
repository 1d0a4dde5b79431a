"""The compare-runs page for 200 runs x 30 params (and 10 metrics): time to first paint in
Debian's Chromium. Goal: the first screen under 1 s.

Usage: python benchmarks/compare.py [--runs 200] [--params 30] [--metrics 10] [--repeat 5]
       [--json PATH]

A ``heron server`` on a fresh SQLite store in a temporary directory gets one experiment of
``--runs`` runs, each with ``--params`` params (a third of them text, the rest numbers from
a small grid, as a sweep logs them) and ``--metrics`` metrics, through its REST API. Then,
with the paint watcher of ``ui_browser.py`` (a fresh browser context per navigation, one
warm-up, medians of ``--repeat``):

1. ``first_screen``: ``/compare-runs?runs=...`` (runs as rows, the default from 50 runs)
   until the parallel-coordinates chart (the first tab) holds a line per run and the table
   below it its first rows (the page holds the first 30; timed when that frame is done:
   the chart is a canvas, which Element Timing does not report);
2. ``all_rows``: the same page until every run's row is in the table (the rows after the
   first 30 come through HTMX once the page is shown);
3. ``server``: the page's own time (its ``Server-Timing`` header), median of ``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ui_browser
from ui_servers import heron_command

from compat.processes import start_server
from e2e_ui.browser import launch
from heron.entities import Metric, Param
from heron.tracking import MlflowClient

GOAL_MS = 1000.0
GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3)
WORDS = ("adam", "sgd", "rmsprop", "adagrad")


def load(url: str, runs: int, params: int, metrics: int) -> list[str]:
    """An experiment of ``runs`` runs of ``params`` params and ``metrics`` metrics; their ids."""
    client = MlflowClient(url)
    chance = random.Random(12)
    experiment_id = client.create_experiment("compare-benchmark")
    now = int(time.time() * 1000)
    run_ids = []
    for number in range(runs):
        run_id = client.create_run(experiment_id, run_name=f"trial {number:03d}").info.run_id
        values = [
            Param(f"p{k:02d}", chance.choice(WORDS) if k % 3 == 0 else str(chance.choice(GRID)))
            for k in range(params)
        ]
        points = [Metric(f"m{k:02d}", chance.random(), now, 0) for k in range(metrics)]
        client.log_batch(run_id, metrics=points, params=values)
        run_ids.append(run_id)
    return run_ids


def first_screen_ready(runs: int) -> str:
    """The first screen: the parallel-coordinates chart holds a line per run, and the table
    below it (runs as rows) its first rows."""
    return (
        "(() => { const element = document.getElementById('compare-plot');"
        " const chart = window.echarts && echarts.getInstanceByDom(element);"
        " const series = chart && chart.getOption().series;"
        " const row = document.querySelector('table.compare-table.transposed tbody tr');"
        f" return row && series && series[0] && series[0].data.length >= {runs}"
        " ? [element, row] : null; })()"
    )


def all_rows_ready(runs: int, last_param: str) -> str:
    """Every run's row is in the table (the rows after the first screen come through HTMX),
    with the last param's column."""
    return (
        "(() => { const table = document.querySelector('table.compare-table.transposed');"
        " if (!table) return null;"
        " const rows = table.querySelectorAll('tbody tr:not(.more-rows)');"
        f" return rows.length >= {runs}"
        f" && table.querySelector('thead').textContent.includes({ui_browser.js_string(last_param)})"
        f" ? [rows[0], rows[{runs - 1}]] : null; }})()"
    )


def server_ms(url: str, repeat: int) -> float:
    """Median of the page's Server-Timing over ``repeat`` requests after one warm-up."""
    times = []
    with httpx.Client(timeout=60) as http:
        for attempt in range(repeat + 1):
            response = http.get(url)
            response.raise_for_status()
            header = response.headers["server-timing"]
            if attempt:
                times.append(float(header.split("dur=")[1]))
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--params", type=int, default=30)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="heron-compare-bench-") as directory:
        server = start_server("heron", heron_command(), Path(directory))
        try:
            run_ids = load(server.url, args.runs, args.params, args.metrics)
            url = f"{server.url}/compare-runs?" + "&".join(f"runs={i}" for i in run_ids)
            checks = {
                "first_screen": (first_screen_ready(args.runs), False),
                "all_rows": (all_rows_ready(args.runs, f"p{args.params - 1:02d}"), False),
            }
            results: dict[str, Any] = {
                "shape": {"runs": args.runs, "params": args.params, "metrics": args.metrics},
                "html_bytes": len(httpx.get(url, timeout=60).content),
                "server_ms": server_ms(url, args.repeat),
            }
            with sync_playwright() as playwright:
                browser = launch(playwright)
                for name, (ready, element_timed) in checks.items():
                    paints = [
                        ui_browser.measure(browser, url, ready) for _ in range(args.repeat + 1)
                    ]
                    results[name] = ui_browser.medians(paints[1:], element_timed)
                browser.close()
        finally:
            server.stop()
    results["goal_ms"] = GOAL_MS
    results["meets_goal"] = results["first_screen"]["median_ms"] < GOAL_MS
    results["load_average"] = os.getloadavg()
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
