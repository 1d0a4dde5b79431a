"""Chart data benchmark: one 1,000,000-point metric sampled by the server.

Usage: python benchmarks/charts.py [--points 1000000] [--repeat 5] [--cache-dir DIR]
       [--fresh] [--json PATH]

One run of ``--points`` steps (a smooth curve with one spike) is imported into a SQLite store
cached under ``--cache-dir`` (``loaded.json`` marks it complete). A Heron server is started on
it and the figures are medians over ``--repeat`` calls after a warm-up:

- ``full``: ``GET /api/2.0/heron/metrics/sampled`` over the whole series (1000 buckets):
  server time (the store read in-process, and the HTTP round trip on localhost), response
  bytes, points returned, and whether the spike is among them;
- ``zoom``: the same for a 1,500-step range (answered at full resolution) and a 100,000-step
  range (sampled anew), as a drag-to-zoom asks.

Goals (issue 12): full < 100 ms server time and < 200 kB; zoom < 150 ms.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from ui_servers import cache_dir, heron_command

from compat.processes import start_server
from heron.entities import MetricSeries, RunContent
from heron.store.db import upgrade
from heron.store.tracking import clear_store_cache, get_tracking_store

KEY = "loss"
T0 = 1_750_000_000_000


def spike_step(points: int) -> int:
    """The one step whose value is a spike."""
    return points * 7 // 9


def load(directory: Path, points: int, fresh: bool) -> str:
    """The run id of the cached store's series, imported first if needed."""
    marker = directory / "loaded.json"
    if marker.exists() and not fresh:
        upgrade(f"sqlite:///{directory / 'store.db'}")  # a store cached by an older schema
        return str(json.loads(marker.read_text())["run_id"])
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    store = get_tracking_store(f"sqlite:///{directory / 'store.db'}", str(directory / "artifacts"))
    spike = spike_step(points)
    values = [1.0 / (1 + i / 1000) + (i % 17) * 1e-4 for i in range(points)]
    values[spike] = 1000.0
    started = time.perf_counter()
    run = store.import_run(
        "0",
        RunContent(
            user_id="bench",
            run_name="million",
            series=[
                MetricSeries(KEY, values, [T0 + i for i in range(points)], list(range(points)))
            ],
        ),
    )
    print(f"imported {points} points in {time.perf_counter() - started:.1f} s", flush=True)
    clear_store_cache()
    marker.write_text(json.dumps({"run_id": run.info.run_id, "points": points}))
    return run.info.run_id


def median_ms(call: Callable[[], Any], repeat: int) -> float:
    """Median milliseconds of ``call()`` over ``repeat`` calls after one warm-up."""
    call()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds) * 1000, 1)


def figures(
    directory: Path, url: str, run_id: str, points: int, repeat: int
) -> dict[str, dict[str, Any]]:
    """In-process and HTTP figures of each request."""
    store = get_tracking_store(f"sqlite:///{directory / 'store.db'}", str(directory / "artifacts"))
    middle = points // 2
    cases = {
        "full": (None, None),
        "zoom_full_resolution": (middle, middle + 1499),
        "zoom_100k_sampled": (spike_step(points) - 50_000, spike_step(points) + 49_999),
    }
    result: dict[str, dict[str, Any]] = {}
    with httpx.Client(timeout=120) as client:
        for name, (start, end) in cases.items():
            params: dict[str, Any] = {"run_ids": run_id, "metric_keys": KEY, "buckets": 1000}
            if start is not None:
                params.update(start_step=start, end_step=end)
            answer = client.get(f"{url}/api/2.0/heron/metrics/sampled", params=params)
            answer.raise_for_status()
            (series,) = answer.json()["series"]
            result[name] = {
                "store_ms": median_ms(
                    lambda s=start, e=end: store.get_sampled_histories([run_id], [KEY], 1000, s, e),
                    repeat,
                ),
                "http_ms": median_ms(
                    lambda p=params: client.get(
                        f"{url}/api/2.0/heron/metrics/sampled", params=p
                    ).raise_for_status(),
                    repeat,
                ),
                "bytes": len(answer.content),
                "points": len(series["steps"]),
                "sampled": series["sampled"],
                "spike_kept": spike_step(points) in series["steps"]
                if start is None or start <= spike_step(points) <= end
                else None,
            }
            print(name, result[name], flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="import the series again")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=cache_dir("heron-bench-charts"),
    )
    parser.add_argument("--json", type=Path, help="write the figures there too")
    args = parser.parse_args()
    directory = args.cache_dir / f"points-{args.points}"
    run_id = load(directory, args.points, args.fresh)
    server = start_server("heron", heron_command(), directory)
    try:
        result = figures(directory, server.url, run_id, args.points, args.repeat)
    finally:
        server.stop()
    goals = {
        "full_under_100ms": result["full"]["store_ms"] < 100,
        "full_under_200kB": result["full"]["bytes"] < 200_000,
        "zoom_under_150ms": all(
            result[name]["http_ms"] < 150 for name in ("zoom_full_resolution", "zoom_100k_sampled")
        ),
    }
    print(json.dumps({"figures": result, "goals": goals}, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"figures": result, "goals": goals}, indent=2))


if __name__ == "__main__":
    main()
