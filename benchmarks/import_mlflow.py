"""``heron db import-mlflow`` vs moving the same MLflow data through servers.

Usage: python benchmarks/import_mlflow.py [--runs 2000] [--metrics 20] [--steps 1000]
                                          [--peer-runs 10] [--skip-peer] [--skip-exim] [--dir DIR]

1. An MLflow SQLite database: MLflow 3.17.2 creates it (its schema at head), then SQL
   inserts fill one experiment with ``--runs`` runs of 10 params, 5 tags and ``--metrics``
   metrics x ``--steps`` steps (kept in the cache between invocations).
2. ``heron db import-mlflow`` copies it into a new Heron SQLite database (the copy and
   the final verification are timed apart; points/s over the copy, and over both).
3. The peers move ``--peer-runs`` runs of the same shape (they take minutes per run at
   full size, so a fraction is measured and its points/s extrapolated):
   - mlflow-export-import 1.2.0 (``export-experiment`` / ``import-experiment``) between
     two ``mlflow server`` processes (the source on such a database);
   - Heron's own export/import (``heron.transfer``) between two ``heron server`` processes.

Prints points/s for each and Heron's speed-ups (goals, issue 18: >= 50x over
mlflow-export-import, >= 10x over Heron's export/import).

Measured on the shared 2-core machine, full size (2,000 runs x 20 x 1,000 = 40M points;
the MLflow database takes ~30 min to build once, then stays in the cache), load 1.5-2:
import-mlflow 316,599 points/s over 126 s, verification and metric_blocks included (the
copy, the verification and the summaries run on three threads; per point, in CPU: copy
~1.1 us, verification ~0.8 us, summaries ~1.1 us). Heron's own export/import between two
servers: 101,193 points/s (10 runs): import-mlflow is 3.1x. SQLite alone copying the same
points into an empty Heron schema: 818,691 points/s, 8.1x Heron's export/import, so the
10x goal is out of reach for any import into a Heron SQLite file on this machine.
mlflow-export-import 1.2.0 (10 runs, extrapolated, an earlier session at load 7-11): 928
points/s, ~340x (goal 50x).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from artifacts_proxy import heron_executable, running_server
from ui_servers import cache_dir

PEERS = Path(os.environ.get("HERON_PEERS_DIR", Path.home() / ".cache/heron-peers"))
MLFLOW = PEERS / "mlflow" / "bin"
EXIM = PEERS / "exim" / "bin"
EXPERIMENT = "bench-import"


def make_mlflow_db(path: Path, runs: int, metrics: int, steps: int) -> None:
    """An MLflow database (created by MLflow) filled with SQL inserts."""
    if path.exists():
        return
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    script = (
        "import mlflow, sys; mlflow.set_tracking_uri(sys.argv[1]); "
        "mlflow.MlflowClient().search_experiments()"
    )
    subprocess.run([str(MLFLOW / "python"), "-c", script, f"sqlite:///{partial}"], check=True)
    connection = sqlite3.connect(partial)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-2000000")  # 2 GB: the primary key index stays hot
    # MLflow's secondary indexes on metrics are rebuilt once at the end (a sort, not 40M
    # scattered inserts); the same DDL, read back from the schema, so the file is MLflow's.
    indexes = [
        (str(name), str(sql))
        for name, sql in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('metrics', 'latest_metrics', 'params', 'tags')"
        )
    ]
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    now = int(time.time() * 1000)
    connection.execute(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
        "creation_time, last_update_time) VALUES (1, ?, ?, 'active', ?, ?)",
        (EXPERIMENT, str(path.parent / "artifacts" / "1"), now, now),
    )
    for index in range(runs):
        run_id = uuid.uuid4().hex
        connection.execute(
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, "
            "user_id, status, start_time, end_time, source_version, lifecycle_stage, "
            "artifact_uri, experiment_id) VALUES (?, ?, 'LOCAL', 'train.py', '', 'bench', "
            "'FINISHED', ?, ?, '', 'active', ?, 1)",
            (run_id, f"run-{index}", now + index, now + index + 1000,
             str(path.parent / "artifacts" / "1" / run_id / "artifacts")),
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)",
            [(f"p{k}", str(index * k), run_id) for k in range(10)],
        )
        connection.executemany(
            "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)",
            [(f"t{k}", f"v{k}", run_id) for k in range(4)]
            + [("mlflow.runName", f"run-{index}", run_id)],
        )
        # Every point in one statement: keys x steps from recursive counters.
        connection.execute(
            "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < ?), "
            "s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n + 1 < ?) "
            "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
            "SELECT 'm' || k.n, s.n * 0.001 + k.n, ? + s.n, ?, s.n, 0 FROM k, s "
            "ORDER BY k.n, s.n",
            (metrics, steps, now, run_id),
        )
        connection.executemany(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) "
            "VALUES (?, ?, ?, ?, 0, ?)",
            [(f"m{k}", (steps - 1) * 0.001 + k, now + steps - 1, steps - 1, run_id)
             for k in range(metrics)],
        )  # fmt: skip
        if index % 100 == 99:
            connection.commit()
            print(f"  generated {index + 1} runs ({time.strftime('%H:%M:%S')})", flush=True)
    connection.commit()
    print("  building MLflow's indexes", flush=True)
    for _, sql in indexes:
        connection.execute(sql)
    connection.commit()
    connection.close()
    partial.rename(path)


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes), printed next to each figure."""
    return "load " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def heron_import(source: Path, dest: Path) -> tuple[float, float, int]:
    """Wall seconds of ``heron db import-mlflow``, the copy's seconds, and the points."""
    dest.unlink(missing_ok=True)
    started = time.perf_counter()
    result = subprocess.run(
        [heron_executable(), "db", "import-mlflow", f"sqlite:///{source}", f"sqlite:///{dest}",
         "--no-progress"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    print(result.stdout.strip(), flush=True)
    found = re.search(r"([\d,]+) metric points, ([\d,]+) points/s", result.stdout)
    assert found, result.stdout
    points = int(found.group(1).replace(",", ""))
    return wall, points / float(found.group(2).replace(",", "")), points


def sqlite_floor(source: Path, dest: Path) -> float:
    """Points/s of SQLite alone copying the metric points into an empty Heron schema (one
    ``INSERT ... SELECT`` in key order, no runs, summaries or checks): what any import into
    a Heron SQLite file costs at least on this machine."""
    from heron.store.db import Database, ensure_schema

    dest.unlink(missing_ok=True)
    database = Database(f"sqlite:///{dest}")
    ensure_schema(database)
    database.close()
    connection = sqlite3.connect(dest, isolation_level=None)
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA cache_size=-262144")
    connection.execute("ATTACH DATABASE ? AS mlflow", (f"file:{source}?mode=ro",))
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    copied = connection.execute(
        "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) SELECT run_uuid, "
        "key, step, timestamp, value, is_nan FROM mlflow.metrics ORDER BY run_uuid, key, step"
    ).rowcount
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - started
    connection.close()
    dest.unlink()
    return copied / seconds


def _quiet(argv: list[str], uri: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    env["MLFLOW_TRACKING_URI"] = uri
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def peer_exim(source_db: Path, root: Path) -> float:
    """Seconds of mlflow-export-import moving the experiment between two MLflow servers."""

    def argv(db: Path) -> list[str]:
        return [str(MLFLOW / "mlflow"), "server", "--backend-store-uri", f"sqlite:///{db}",
                "--default-artifact-root", str(root / "peer-artifacts"), "--host", "127.0.0.1",
                "--port", "{port}", "--workers", "1"]  # fmt: skip

    (root / "peer-dest").mkdir()
    copy = root / "peer-source.db"
    shutil.copy(source_db, copy)
    with (
        running_server(argv(copy), str(root)) as (source, _),
        running_server(argv(root / "peer-dest" / "mlflow.db"), str(root)) as (dest, _),
    ):
        started = time.perf_counter()
        _quiet([str(EXIM / "export-experiment"), "--experiment", EXPERIMENT,
                "--output-dir", str(root / "peer-bundle")], source)  # fmt: skip
        _quiet([str(EXIM / "import-experiment"), "--experiment-name", "imported",
                "--input-dir", str(root / "peer-bundle")], dest)  # fmt: skip
        return time.perf_counter() - started


def heron_transfer(heron_db: Path, root: Path) -> float:
    """Seconds of Heron's export then import of the experiment between two Heron servers."""
    from heron import transfer
    from heron.tracking.client import MlflowClient

    def argv(db: Path) -> list[str]:
        return [heron_executable(), "server", "--backend-store-uri", f"sqlite:///{db}",
                "--default-artifact-root", str(root / "heron-artifacts"), "--host",
                "127.0.0.1", "--port", "{port}"]  # fmt: skip

    (root / "heron-dest").mkdir()
    with (
        running_server(argv(heron_db), str(root)) as (source, _),
        running_server(argv(root / "heron-dest" / "heron.db"), str(root)) as (dest, _),
    ):
        started = time.perf_counter()
        transfer.export_experiment(
            EXPERIMENT, str(root / "heron-bundle"), client=MlflowClient(tracking_uri=source)
        )
        transfer.import_experiment(
            str(root / "heron-bundle"), "imported", client=MlflowClient(tracking_uri=dest)
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--peer-runs", type=int, default=10)
    parser.add_argument("--skip-peer", action="store_true", help="Measure import-mlflow only.")
    parser.add_argument(
        "--skip-exim", action="store_true", help="Leave out mlflow-export-import (slowest)."
    )
    parser.add_argument(
        "--skip-floor", action="store_true", help="Leave out SQLite's own copy of the points."
    )
    parser.add_argument("--dir", default=None, help="Work directory (default: a temp dir).")
    args = parser.parse_args()
    cache = cache_dir("heron-bench", "import-mlflow")
    cache.mkdir(parents=True, exist_ok=True)
    shape = f"{args.metrics}x{args.steps}"
    full = cache / f"mlflow-{args.runs}-{shape}.db"
    print(f"MLflow database: {args.runs} runs x {shape} points ...", flush=True)
    make_mlflow_db(full, args.runs, args.metrics, args.steps)
    root = Path(args.dir or tempfile.mkdtemp(prefix="heron-bench-import-"))
    root.mkdir(parents=True, exist_ok=True)
    wall, copy_seconds, points = heron_import(full, root / "heron.db")
    ours = points / wall
    print(f"heron import-mlflow: {points:,} points in {wall:.1f} s "
          f"(copy {copy_seconds:.1f} s): {ours:,.0f} points/s with verification, "
          f"{points / copy_seconds:,.0f} points/s copying ({load()})", flush=True)  # fmt: skip
    (root / "heron.db").unlink()
    floor = 0.0
    if not args.skip_floor:
        floor = sqlite_floor(full, root / "floor.db")
        print(f"SQLite alone copying the points (INSERT ... SELECT): {floor:,.0f} points/s; "
              f"import-mlflow runs at {ours / floor:.0%} of it ({load()})", flush=True)  # fmt: skip
    if args.skip_peer:
        return
    small = cache / f"mlflow-{args.peer_runs}-{shape}.db"
    make_mlflow_db(small, args.peer_runs, args.metrics, args.steps)
    peer_points = args.peer_runs * args.metrics * args.steps
    print(f"\n{peer_points:,} points ({args.peer_runs} runs) through servers, points/s:")
    if not args.skip_exim:
        exim = peer_points / peer_exim(small, root)
        print(f"  mlflow-export-import 1.2.0: {exim:,.0f}  -> import-mlflow is "
              f"{ours / exim:.0f}x (goal >= 50x; {load()})", flush=True)  # fmt: skip
    heron_import(small, root / "small-heron.db")
    own = peer_points / heron_transfer(root / "small-heron.db", root)
    print(f"  heron export/import:        {own:,.0f}  -> import-mlflow is {ours / own:.1f}x "
          f"(goal >= 10x; {load()})")  # fmt: skip
    if floor:
        print(f"  SQLite's own copy is {floor / own:.1f}x heron export/import: the most any "
              "import into a Heron SQLite file could reach")  # fmt: skip
    print("(the peers' figures are extrapolated from the fraction; import-mlflow's from the "
          "whole database)")  # fmt: skip


if __name__ == "__main__":
    main()
