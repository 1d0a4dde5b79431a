"""Model-registry searches, timed through one API (``mlflow`` or ``heron``), side by side.

Usage:
  python benchmarks/registry.py [--models N] [--versions N] [--repeats N] [--rounds N]
                                [--server]
      load the same registry into MLflow 3.17.2 (its virtualenv) and Heron, each embedded
      on SQLite in a fresh process and directory; time the searches; print median
      milliseconds and ratios (MLflow / Heron). The tools take turns for ``--rounds``
      rounds (each round a fresh process per tool) and each search's best round counts,
      so a burst of load on a shared machine skews one tool less. ``--server`` also times
      them through each tool's own server (``mlflow server`` / ``heron server`` on the
      same database; no goal there: HTTP and JSON dominate the small searches).
  python benchmarks/registry.py MODULE DIR [--models N] ...
      one tool in this process (one JSON line)

The registry: ``--models`` registered models ``model-<i>`` (tags ``team``, ``kind``), each
with ``--versions`` versions (tags ``stage``, ``owner``; ``stage = 'x'`` on the last version
of every tenth model). Loading is not timed and goes as fast as each tool allows: Heron
through its client (a few ms a model), MLflow by adding rows through its own SQLAlchemy
models in one transaction (its client takes ~0.4 s a model on a busy 2-core machine, minutes
in all). Each search runs once to warm up, then ``--repeats`` times; the median counts.

Goal (issue 5): every search >= 10x faster than MLflow. The MLflow virtualenv is
``$HERON_PEERS_DIR/mlflow`` (default ``~/.cache/heron-peers/mlflow``; ``tests/compat``
builds it). Quote ratios, not absolute times: shared machines are noisy.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
T0 = 1_700_000_000_000

# label -> (client method, keyword arguments); the same call for both tools
SEARCHES: dict[str, tuple[str, dict[str, Any]]] = {
    "models  name LIKE, last_updated DESC": (
        "search_registered_models",
        {"filter_string": "name LIKE 'model-1%'", "order_by": ["last_updated_timestamp DESC"]},
    ),
    "models  tags.team =, name DESC": (
        "search_registered_models",
        {"filter_string": "tags.team = 'team-3'", "order_by": ["name DESC"]},
    ),
    "versions name =, version_number DESC": (
        "search_model_versions",
        {"filter_string": "name = 'model-42'", "order_by": ["version_number DESC"]},
    ),
    "versions tags.stage =, creation DESC": (
        "search_model_versions",
        {"filter_string": "tags.stage = 'x'", "order_by": ["creation_timestamp DESC"]},
    ),
    "versions name LIKE, 100 by number": (
        "search_model_versions",
        {
            "filter_string": "name LIKE 'model-1%'",
            "order_by": ["version_number DESC"],
            "max_results": 100,
        },
    ),
}


def model_tags(i: int) -> dict[str, str]:
    """The tags of registered model ``i``."""
    return {"team": f"team-{i % 5}", "kind": "bench"}


def version_tags(i: int, v: int, versions: int) -> dict[str, str]:
    """The tags of version ``v`` of model ``i``."""
    return {"stage": "x" if v == versions and i % 10 == 0 else "y", "owner": f"owner-{v % 3}"}


def source(i: int, v: int) -> str:
    """Where version ``v`` of model ``i`` says its files are."""
    return f"s3://bench/model-{i}/{v}"


# -- loading (not timed) ---------------------------------------------------------------------


def load_with_client(client: Any, models: int, versions: int) -> None:
    """Create the registry through a client's public calls."""
    for i in range(models):
        client.create_registered_model(f"model-{i}", tags=model_tags(i))
        for v in range(1, versions + 1):
            client.create_model_version(
                f"model-{i}", source(i, v), tags=version_tags(i, v, versions), await_creation_for=0
            )


def load_mlflow_rows(uri: str, models: int, versions: int) -> None:
    """Add the registry's rows through MLflow's own SQLAlchemy models, in one transaction."""
    from mlflow.store.model_registry.dbmodels.models import (
        SqlModelVersion,
        SqlModelVersionTag,
        SqlRegisteredModel,
        SqlRegisteredModelTag,
    )
    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore(uri)  # creates the schema
    rows: list[Any] = []
    for i in range(models):
        name, created = f"model-{i}", T0 + i * (versions + 1)
        rows.append(
            SqlRegisteredModel(
                name=name, creation_time=created, last_updated_time=created + versions
            )
        )
        rows += [
            SqlRegisteredModelTag(name=name, key=k, value=val) for k, val in model_tags(i).items()
        ]
        for v in range(1, versions + 1):
            rows.append(
                SqlModelVersion(
                    name=name,
                    version=v,
                    creation_time=created + v,
                    last_updated_time=created + v,
                    source=source(i, v),
                    storage_location=source(i, v),
                    current_stage="None",
                    status="READY",
                )
            )
            rows += [
                SqlModelVersionTag(name=name, version=v, key=k, value=val)
                for k, val in version_tags(i, v, versions).items()
            ]
    with store.ManagedSessionMaker() as session:
        session.add_all(rows)
    store.engine.dispose()


# -- timing ----------------------------------------------------------------------------------


def time_searches(client: Any, repeats: int) -> dict[str, dict[str, float]]:
    """Median seconds and hit count of each search, after one warm call."""
    out = {}
    for label, (method, kwargs) in SEARCHES.items():
        call = getattr(client, method)
        hits = len(call(**kwargs))
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            call(**kwargs)
            times.append(time.perf_counter() - started)
        out[label] = {"seconds": statistics.median(times), "hits": hits}
    return out


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(module: str, uri: str, directory: str) -> Iterator[str]:
    """``<module> server`` on ``uri`` (one worker) until the block ends; yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", module, "server", "--backend-store-uri", uri]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    command += ["--artifacts-destination", os.path.join(directory, "artifacts")]
    env = dict(os.environ, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    with open(os.path.join(directory, "server.log"), "wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not become healthy")


def run_tool(module: str, directory: str, args: argparse.Namespace) -> dict[str, Any]:
    """Load the registry into ``module``'s SQLite store and time the searches."""
    uri = f"sqlite:///{directory}/{module}.db"
    m = importlib.import_module(module)
    started = time.perf_counter()
    if module == "mlflow":
        load_mlflow_rows(uri, args.models, args.versions)
    else:
        load_with_client(m.MlflowClient(tracking_uri=uri), args.models, args.versions)
    result: dict[str, Any] = {"module": module, "load_seconds": time.perf_counter() - started}
    result["embedded"] = time_searches(m.MlflowClient(tracking_uri=uri), args.repeats)
    if args.server:
        with server(module, uri, directory) as url:
            result["server"] = time_searches(m.MlflowClient(tracking_uri=url), args.repeats)
    return result


# -- side by side ----------------------------------------------------------------------------


def _run(python: str, module: str, args: argparse.Namespace) -> dict[str, Any]:
    options = ["--models", str(args.models), "--versions", str(args.versions)]
    options += ["--repeats", str(args.repeats)] + (["--server"] if args.server else [])
    with tempfile.TemporaryDirectory(prefix=f"bench-registry-{module}-") as d:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
        out = subprocess.run(
            [python, str(HERE), module, d, *options],
            capture_output=True,
            text=True,
            cwd=d,
            env=env,
            check=False,
        )
    if out.returncode != 0:
        raise SystemExit(f"{module} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _best(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The lowest median of each search over several rounds (the least disturbed one)."""
    best = results[0]
    for other in results[1:]:
        for mode in ("embedded", "server"):
            for label, timing in other.get(mode, {}).items():
                if timing["seconds"] < best[mode][label]["seconds"]:
                    best[mode][label] = timing
    return best


def compare(args: argparse.Namespace) -> None:
    """Both tools, in turn for ``--rounds`` rounds, MLflow first; print the best median ms of
    each search, ratios (MLflow / Heron) and hit counts."""
    peers = Path(os.environ.get("HERON_PEERS_DIR", Path.home() / ".cache/heron-peers"))
    pythons = {"mlflow": str(peers / "mlflow" / "bin" / "python"), "heron": sys.executable}
    rounds: dict[str, list[dict[str, Any]]] = {"mlflow": [], "heron": []}
    for _ in range(args.rounds):
        for module, python in pythons.items():
            rounds[module].append(_run(python, module, args))
    peer, ours = _best(rounds["mlflow"]), _best(rounds["heron"])
    print(
        f"registry: {args.models} models x {args.versions} versions, best of {args.rounds} "
        f"rounds of median of {args.repeats} (load, untimed: mlflow "
        f"{peer['load_seconds']:.1f} s, heron {ours['load_seconds']:.1f} s)"
    )
    print(f"{'search':<44}{'mlflow ms':>11}{'heron ms':>10}{'ratio':>9}  hits")
    for mode in ("embedded", "server"):
        for label, theirs in peer.get(mode, {}).items():
            mine = ours[mode][label]
            print(f"{mode[:6]} {label:<37}{_row(theirs, mine, mode == 'embedded')}", flush=True)


def _row(theirs: dict[str, float], mine: dict[str, float], goal: bool) -> str:
    """Milliseconds, ratio, hit count (both, if they differ) and the goal's verdict."""
    ratio = theirs["seconds"] / mine["seconds"]
    hits = f"{mine['hits']:.0f}"
    if mine["hits"] != theirs["hits"]:
        hits = f"{theirs['hits']:.0f}!={mine['hits']:.0f}"
    verdict = ("ok" if ratio >= 10 else "MISS") + " (goal >= 10x)" if goal else ""
    return (
        f"{theirs['seconds'] * 1e3:>11.2f}{mine['seconds'] * 1e3:>10.2f}{ratio:>8.1f}x"
        f"  {hits:<6}{verdict}"
    )


def main() -> None:
    """One tool (MODULE DIR) or, with no positional arguments, the side-by-side comparison."""
    ap = argparse.ArgumentParser(allow_abbrev=False)
    ap.add_argument("module", nargs="?", choices=("mlflow", "heron"))
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=2, help="tool processes each, in turn")
    ap.add_argument("--server", action="store_true", help="also time through each server")
    args = ap.parse_args()
    if args.module is None:
        compare(args)
        return
    out = run_tool(args.module, os.path.abspath(args.dir), args)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
