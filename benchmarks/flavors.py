"""Model flavors: load_model + first predict, Heron vs MLflow 3.17.2; pyfunc overhead.

Usage: python benchmarks/flavors.py [--rounds 3] [--cases pytorch_pickle,onnx,...]

1. Each library saves one small model per flavor case (``tests/compat/scripts/
   flavor_models.py``: an MLP as pickle and pt2, 10-tree XGBoost/LightGBM Boosters and
   classifiers, a tiny ONNX graph, Keras and TensorFlow models).
2. Cold load: a fresh process imports the library's ``pyfunc``, loads its own model with
   ``pyfunc.load_model`` and predicts 20 rows; numpy and pandas are imported before the
   clock starts (the input needs them), everything else (the library, the framework) is
   inside it, as a user pays it. ``--rounds`` processes per case and library; medians.
   Heron runs in this checkout's interpreter, MLflow in ``~/.cache/heron-peers/
   mlflow-flavors`` (the compat tests' virtualenv with the same CPU frameworks).
3. Overhead: in Heron, the pyfunc predict of 1,000 rows against the framework's own call on
   the same data (medians of 60 interleaved calls each).

Goals (issue 17): cold load >= 3x faster than MLflow; pyfunc overhead <= 10%.
"""

from __future__ import annotations

import argparse
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

COLD = r"""
import json, sys, time, warnings, logging, os
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
sys.path.insert(0, {scripts!r})
import numpy as np, pandas as pd
from flavor_models import CASES, data, frame
case, path = sys.argv[1], sys.argv[2]
x, _ = data()
kind = CASES[case][3]
inputs = x if kind == "array" else frame(x)
start = time.perf_counter()
import {library}.pyfunc as pyfunc
model = pyfunc.load_model(path)
model.predict(inputs)
print(json.dumps(time.perf_counter() - start))
"""

OVERHEAD = r"""
import json, sys, time, warnings, logging
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
sys.path.insert(0, {scripts!r})
import numpy as np
from flavor_models import CASES, frame
import heron.pyfunc
case, path = sys.argv[1], sys.argv[2]
flavor, _, _, kind = CASES[case]
x = np.random.default_rng(0).random((1000, 4), dtype=np.float32)
inputs = x if kind == "array" else frame(x)
model = heron.pyfunc.load_model(path)
raw = model.get_raw_model()
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

import statistics
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
    result = subprocess.run(
        [str(python), "-c", code, *args], capture_output=True, text=True, env=env, check=False
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


def main() -> None:
    """Run both measurements and print one line per case, then the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cases", default="")
    options = parser.parse_args()
    sys.path.insert(0, str(SCRIPT.parent))
    from flavor_models import CASES

    cases = [c for c in options.cases.split(",") if c] or list(CASES)
    pythons = {"heron": sys.executable, "mlflow": MLFLOW_PYTHON}
    with tempfile.TemporaryDirectory(prefix="heron-bench-flavors-") as temp:
        dirs = {lib: Path(temp) / lib for lib in pythons}
        for lib, python in pythons.items():
            _save(python, lib, dirs[lib])
        print(f"{'case':<22}{'heron s':>9}{'mlflow s':>10}{'speedup':>9}{'overhead':>10}")
        for case in cases:
            cold = {
                lib: statistics.median(
                    float(
                        _run(
                            python,
                            COLD.format(library=lib, scripts=str(SCRIPT.parent)),
                            case,
                            str(dirs[lib] / case),
                        )
                    )
                    for _ in range(options.rounds)
                )
                for lib, python in pythons.items()
            }
            timing = json.loads(
                _run(
                    sys.executable,
                    OVERHEAD.format(scripts=str(SCRIPT.parent)),
                    case,
                    str(dirs["heron"] / case),
                )
            )
            overhead = timing["pyfunc"] / timing["native"] - 1
            speedup = cold["mlflow"] / cold["heron"]
            print(
                f"{case:<22}{cold['heron']:>9.2f}{cold['mlflow']:>10.2f}{speedup:>8.1f}x"
                f"{overhead:>9.1%}"
            )
    print("goals: speedup >= 3.0x, pyfunc overhead <= 10% (1,000 rows)")


if __name__ == "__main__":
    main()
