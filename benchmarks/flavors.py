"""Model flavors: load_model + first predict, Heron vs MLflow 3.17.2; pyfunc overhead.

Usage: python benchmarks/flavors.py [--rounds 3] [--cases pytorch_pickle,onnx,...]

1. Each library saves one small model per flavor case (``tests/compat/scripts/
   flavor_models.py``: an MLP as pickle and pt2, 10-tree XGBoost/LightGBM Boosters and
   classifiers, a tiny ONNX graph, Keras and TensorFlow models).
2. Cold load: a fresh process imports the library's ``pyfunc``, loads its own model with
   ``pyfunc.load_model`` and predicts 20 rows; numpy and pandas are imported before the
   clock starts (the input needs them), everything else (the library, the framework) is
   inside it, as a user pays it. Wall and CPU seconds (the CPU figure moves less on a busy
   machine); ``--rounds`` processes per case and library, interleaved; medians. Heron runs
   in this checkout's interpreter (its bytecode compiled first, as pip does on install),
   MLflow in ``~/.cache/heron-peers/mlflow-flavors`` (the compat tests' virtualenv with the
   same CPU frameworks). ``fw s`` is the framework's own import (``import torch``...), which
   both libraries pay: ``max`` = MLflow's time over it is the best speedup Heron could reach.
3. Overhead: in each library, the pyfunc predict of 1,000 rows against the framework's own
   call on the same data (medians of 60 interleaved calls each), in µs and percent.

Goals (issue 17): cold load >= 3x faster than MLflow; pyfunc overhead <= 10%.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "compat" / "scripts" / "flavor_models.py"
MLFLOW_PYTHON = Path.home() / ".cache/heron-peers/mlflow-flavors/bin/python"
FRAMEWORKS = {
    "pytorch": "torch",
    "onnx": "onnxruntime",
    "keras": "keras",
    "tensorflow": "tensorflow",
    "xgboost": "xgboost",
    "lightgbm": "lightgbm",
}

PRELUDE = r"""
import json, sys, time, warnings, logging, os
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
sys.path.insert(0, {scripts!r})
import numpy as np, pandas as pd
from flavor_models import CASES, data, frame
case, path = sys.argv[1], sys.argv[2]
flavor, _, _, kind = CASES[case]
"""

COLD = r"""
x, _ = data()
inputs = x if kind == "array" else frame(x)
wall, cpu = time.perf_counter(), time.process_time()
import {library}.pyfunc as pyfunc
model = pyfunc.load_model(path)
model.predict(inputs)
print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu]))
"""

FRAMEWORK = r"""
import importlib
wall, cpu = time.perf_counter(), time.process_time()
importlib.import_module({frameworks!r}[flavor])
print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu]))
"""

OVERHEAD = r"""
import statistics
import {library}.pyfunc as pyfunc
x = np.random.default_rng(0).random((1000, 4), dtype=np.float32)
inputs = x if kind == "array" else frame(x)
model = pyfunc.load_model(path)
raw = model.get_raw_model()  # MLflow: the native model; Heron: the flavor's wrapper
native_model = getattr(raw, "get_raw_model", lambda: raw)()

def native():
    if flavor == "pytorch":
        import torch
        with torch.no_grad():
            return native_model(torch.from_numpy(x)).numpy()
    if flavor == "onnx":
        return native_model.run(None, {{"x": x}})
    if case == "xgboost_booster":
        import xgboost as xgb
        return native_model.predict(xgb.DMatrix(inputs), validate_features=True)
    if flavor in ("keras", "tensorflow") and case != "tensorflow_module":
        return native_model.predict(inputs, verbose=0)
    if case == "tensorflow_module":
        import tensorflow as tf
        return native_model(tf.convert_to_tensor(inputs))
    return native_model.predict(inputs)

native(); model.predict(inputs)
natives, pyfuncs = [], []
for _ in range(60):  # interleaved, so a busy machine slows both alike
    start = time.perf_counter(); native(); natives.append(time.perf_counter() - start)
    start = time.perf_counter(); model.predict(inputs); pyfuncs.append(time.perf_counter() - start)
print(json.dumps({{"native": statistics.median(natives), "pyfunc": statistics.median(pyfuncs)}}))
"""


def _run(python: Path | str, code: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    env.update(OMP_NUM_THREADS="1", TF_CPP_MIN_LOG_LEVEL="3")
    script = PRELUDE.format(scripts=str(SCRIPT.parent)) + code
    result = subprocess.run(
        [str(python), "-c", script, *args], capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout.strip().splitlines()[-1]


def _save(python: Path | str, library: str, out: Path) -> None:
    subprocess.run(
        [str(python), str(SCRIPT), "save", f"--lib={library}", str(out)],
        check=True,
        capture_output=True,
    )


def _medians(samples: list[list[float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def _overhead(timing: dict[str, float]) -> str:
    extra = timing["pyfunc"] - timing["native"]
    return f"{extra * 1e6:>8.0f}µs {extra / timing['native']:>6.1%}"


def _measure(case: str, dirs: dict[str, Path], rounds: int) -> str:
    pythons = {"heron": sys.executable, "mlflow": MLFLOW_PYTHON}
    cold: dict[str, list[list[float]]] = {lib: [] for lib in pythons}
    framework: list[list[float]] = []
    for _ in range(rounds):  # interleaved, so a load change hits both libraries
        for lib, python in pythons.items():
            code = COLD.format(library=lib)
            cold[lib].append(json.loads(_run(python, code, case, str(dirs[lib] / case))))
        code = FRAMEWORK.format(frameworks=FRAMEWORKS)
        framework.append(json.loads(_run(sys.executable, code, case, str(dirs["heron"] / case))))
    (heron_wall, heron_cpu), (mlflow_wall, mlflow_cpu) = (
        _medians(cold["heron"]),
        _medians(cold["mlflow"]),
    )
    framework_wall = _medians(framework)[0]
    best = mlflow_wall / framework_wall
    overheads = {
        lib: json.loads(_run(python, OVERHEAD.format(library=lib), case, str(dirs[lib] / case)))
        for lib, python in pythons.items()
    }
    return (
        f"{case:<20}{heron_wall:>8.2f}{mlflow_wall:>9.2f}{mlflow_wall / heron_wall:>7.1f}x"
        f"{mlflow_cpu / heron_cpu:>7.1f}x{framework_wall:>7.2f}{best:>6.1f}x"
        f"  {overheads['heron']['native'] * 1e6:>7.0f}µs{_overhead(overheads['heron'])}"
        f"{_overhead(overheads['mlflow'])}"
    )


def main() -> None:
    """Run both measurements and print one line per case, then the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cases", default="")
    options = parser.parse_args()
    sys.path.insert(0, str(SCRIPT.parent))
    from flavor_models import CASES

    # With PYTHONDONTWRITEBYTECODE set, stale .pyc files would be recompiled in every cold
    # process; an installed Heron has its bytecode, so compile the checkout's first.
    compileall.compile_dir(str(ROOT / "src" / "heron"), quiet=1)
    cases = [c for c in options.cases.split(",") if c] or list(CASES)
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="heron-bench-flavors-") as temp:
        dirs = {lib: Path(temp) / lib for lib in ("heron", "mlflow")}
        _save(sys.executable, "heron", dirs["heron"])
        _save(MLFLOW_PYTHON, "mlflow", dirs["mlflow"])
        print(
            f"{'':<20}{'cold load + first predict':^47}  {'pyfunc overhead, 1,000 rows':^40}\n"
            f"{'case':<20}{'heron s':>8}{'mlflow s':>9}{'speedup':>8}{'cpu':>8}{'fw s':>7}"
            f"{'max':>7}  {'native':>9}{'heron':>16}{'mlflow':>16}"
        )
        for case in cases:
            print(_measure(case, dirs, options.rounds), flush=True)
    print(f"load average after: {os.getloadavg()}")
    print("goals: speedup >= 3.0x, pyfunc overhead <= 10% (1,000 rows)")


if __name__ == "__main__":
    main()
