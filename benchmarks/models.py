"""Model phases, timed through one API (``mlflow`` or ``heron``), side by side with MLflow.

Usage:
  python benchmarks/models.py [--n N]                 run every phase under MLflow 3.17.2 (its
                                                       virtualenv) and Heron; print ratios
  python benchmarks/models.py MODULE PHASE DIR [--n N] one phase under one module (JSON line)

MODULE is ``mlflow`` or ``heron``: both expose the same API, so the timed code is the same
line for both. Each phase runs in a fresh process and a fresh temporary directory.

Phases:
  load       median seconds of ``pyfunc.load_model`` of a small saved sklearn model (its
             default serialization format), after one warm load
  log_model  median seconds of ``sklearn.log_model`` of it into a new run of a fresh SQLite
             store (``sqlite:///DIR/MODULE.db``), after one warm log
  predict    median seconds of ``predict`` on a 100x20 DataFrame through pyfunc with a
             signature (schema enforcement) and of the raw sklearn ``predict``; overhead %

Goals (issue 4): load and log_model >= 5x faster than MLflow; pyfunc predict overhead
<= 20% and lower than MLflow's. The MLflow virtualenv is ``$HERON_PEERS_DIR/mlflow``
(default ``~/.cache/heron-peers/mlflow``; ``tests/compat`` builds it).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def _model(rows: int = 100, columns: int = 20) -> tuple[Any, Any]:
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(rows, columns)), columns=[f"f{i}" for i in range(columns)])
    y = (x["f0"] + x["f1"] > 0).astype(int)
    return LogisticRegression().fit(x, y), x


def _median(fn: Callable[[], Any], n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def phase_load(module: str, directory: str, n: int) -> dict[str, Any]:
    m = importlib.import_module(module)
    importlib.import_module(f"{module}.sklearn")
    importlib.import_module(f"{module}.pyfunc")
    model, _ = _model()
    path = os.path.join(directory, "model")
    m.sklearn.save_model(model, path)
    m.pyfunc.load_model(path)  # warm: imports, caches
    return {"seconds": _median(lambda: m.pyfunc.load_model(path), n), "repeats": n}


def phase_log_model(module: str, directory: str, n: int) -> dict[str, Any]:
    m = importlib.import_module(module)
    importlib.import_module(f"{module}.sklearn")
    m.set_tracking_uri(f"sqlite:///{directory}/{module}.db")
    m.set_experiment("bench-models")
    model, _ = _model()
    with m.start_run():
        m.sklearn.log_model(model, name="warm")
    times = []
    for i in range(n):
        with m.start_run():
            t = time.perf_counter()
            m.sklearn.log_model(model, name=f"model{i}")
            times.append(time.perf_counter() - t)
    return {"seconds": statistics.median(times), "repeats": n}


def phase_predict(module: str, directory: str, n: int) -> dict[str, Any]:
    m = importlib.import_module(module)
    importlib.import_module(f"{module}.sklearn")
    importlib.import_module(f"{module}.pyfunc")
    signature = importlib.import_module(f"{module}.models").infer_signature
    model, x = _model()
    path = os.path.join(directory, "model")
    m.sklearn.save_model(model, path, signature=signature(x, model.predict(x)))
    pyfunc_model = m.pyfunc.load_model(path)
    for _ in range(20):  # warm both paths
        pyfunc_model.predict(x)
        model.predict(x)
    repeats = max(n, 200)
    raw = _median(lambda: model.predict(x), repeats)
    through = _median(lambda: pyfunc_model.predict(x), repeats)
    return {
        "seconds": through,
        "raw_seconds": raw,
        "overhead_pct": 100.0 * (through - raw) / raw,
        "repeats": repeats,
    }


PHASES: dict[str, Callable[[str, str, int], dict[str, Any]]] = {
    "load": phase_load,
    "log_model": phase_log_model,
    "predict": phase_predict,
}


def _run(python: str, module: str, phase: str, n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{module}-") as d:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
        out = subprocess.run(
            [python, str(HERE), module, phase, d, "--n", str(n)],
            capture_output=True,
            text=True,
            cwd=d,
            env=env,
            check=False,
        )
    if out.returncode != 0:
        raise SystemExit(f"{module} {phase} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def compare(n: int) -> None:
    """Every phase under MLflow then Heron; print seconds and ratios (MLflow / Heron)."""
    peers = Path(os.environ.get("HERON_PEERS_DIR", Path.home() / ".cache/heron-peers"))
    mlflow_python = str(peers / "mlflow" / "bin" / "python")
    for phase in PHASES:
        peer = _run(mlflow_python, "mlflow", phase, n)
        ours = _run(sys.executable, "heron", phase, n)
        if phase == "predict":
            print(
                f"{phase:10s} overhead over raw sklearn predict: mlflow {peer['overhead_pct']:.1f}%"
                f"  heron {ours['overhead_pct']:.1f}%  (goal <= 20% and below MLflow's)"
            )
        else:
            ratio = peer["seconds"] / ours["seconds"]
            print(
                f"{phase:10s} mlflow {peer['seconds'] * 1e3:8.2f} ms  heron "
                f"{ours['seconds'] * 1e3:8.2f} ms  ratio {ratio:6.1f}x  (goal >= 5x)"
            )


def main() -> None:
    """One phase (MODULE PHASE DIR) or, with no arguments, the side-by-side comparison."""
    ap = argparse.ArgumentParser(allow_abbrev=False)
    ap.add_argument("module", nargs="?")
    ap.add_argument("phase", nargs="?", choices=sorted(PHASES))
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--n", type=int, default=10)
    a = ap.parse_args()
    if a.module is None:
        compare(a.n)
        return
    out = PHASES[a.phase](a.module, os.path.abspath(a.dir), a.n)
    out.update(phase=a.phase, module=a.module)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
