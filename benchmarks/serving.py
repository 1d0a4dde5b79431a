"""The scoring server side by side with ``mlflow models serve`` 3.17.2: requests/s, latency,
start-up time and memory, same model, same client, one run.

Usage: python benchmarks/serving.py [--seconds 8] [--clients 10] [--no-mlflow] [--dir DIR]

Cases (issue 14):
- ``sklearn``: a 100x20 ``dataframe_split`` to a scikit-learn linear model (20 features),
  1 worker, 10 concurrent keep-alive clients. Goal: >= 3x MLflow's requests/s, and Heron's
  p99 below MLflow's p50.
- ``identity``: a trivial PythonModel returning its input, ``{"inputs": [1,2,3,4,5]}``.
  Goal: >= 3x MLflow and >= 3,000 req/s.
- ``big``: a PythonModel holding a 200 MB numpy array; server RSS after loading and
  answering. Goal: <= model size + 100 MB.
- start to healthy: process start until ``/ping`` answers 200 (sklearn model, local env).
  Goal: <= 1.5 s.

The client is a small asyncio HTTP/1.1 load generator (pre-built requests over persistent
connections) so that it, not the servers, costs as little CPU as possible; both servers
run with ``--env-manager local`` (MLflow from its own virtualenv) and ``access_log`` off.
MLflow's venv: ``$HERON_PEERS_DIR/mlflow`` (default ~/.cache/heron-peers/mlflow).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERON = ROOT / ".venv" / "bin" / "heron"
PEERS = Path(os.environ.get("HERON_PEERS_DIR", Path.home() / ".cache" / "heron-peers"))
MLFLOW = PEERS / "mlflow" / "bin" / "mlflow"

MAKE_MODELS = r"""
import sys, json
import numpy as np, pandas as pd
from sklearn.linear_model import LinearRegression
import heron.sklearn, heron.pyfunc
from heron.models import infer_signature

out = sys.argv[1]
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(100, 20)), columns=[f"f{i}" for i in range(20)])
model = LinearRegression().fit(X, X.sum(axis=1))
heron.sklearn.save_model(model, f"{out}/sklearn", signature=infer_signature(X, model.predict(X)))
with open(f"{out}/sklearn.json", "w") as f:
    json.dump({"dataframe_split": X.to_dict(orient="split") | {"index": None}}, f)


class Identity(heron.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input


class Big(heron.pyfunc.PythonModel):
    def __init__(self):
        self.weights = np.ones(25_000_000)  # 200 MB

    def predict(self, context, model_input, params=None):
        return [float(self.weights[0])]


heron.pyfunc.save_model(f"{out}/identity", python_model=Identity())
heron.pyfunc.save_model(f"{out}/big", python_model=Big())
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(kind: str, model: Path, port: int, log: Path) -> tuple[subprocess.Popen[bytes], float]:
    """Start a scoring server; it and the seconds until /ping answered 200."""
    executable = HERON if kind == "heron" else MLFLOW
    command = [str(executable), "models", "serve", "-m", str(model), "-p", str(port)]
    command += ["--env-manager", "local"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    env["PATH"] = f"{executable.parent}{os.pathsep}{env.get('PATH', '')}"  # MLflow runs uvicorn
    began = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    while time.monotonic() - began < 120:
        if process.poll() is not None:
            raise RuntimeError(f"{kind} exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1) as answer:
                if answer.status == 200:
                    return process, time.monotonic() - began
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{kind} did not start:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(15)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    command = ["ps", "-o", "pid=,ppid=,rss=", "-A"]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    rows = [tuple(int(x) for x in line.split()) for line in out.stdout.splitlines()]
    family, total = {pid}, 0
    changed = True
    while changed:
        changed = False
        for child, parent, _ in rows:
            if parent in family and child not in family:
                family.add(child)
                changed = True
    total = sum(rss for child, _, rss in rows if child in family)
    return total / 1024


async def _client(port: int, request: bytes, stop_at: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    while time.perf_counter() < stop_at:
        began = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - began)
        if not head.startswith(b"HTTP/1.1 200"):
            errors += 1
    writer.close()
    return errors


async def _load(port: int, body: bytes, clients: int, seconds: float) -> tuple[float, list[float]]:
    request = (
        b"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    latencies: list[float] = []
    warm_up = time.perf_counter() + 1.0
    await asyncio.gather(*(_client(port, request, warm_up, []) for _ in range(clients)))
    began = time.perf_counter()
    errors = await asyncio.gather(
        *(_client(port, request, began + seconds, latencies) for _ in range(clients))
    )
    elapsed = time.perf_counter() - began
    if sum(errors):
        raise RuntimeError(f"{sum(errors)} requests failed")
    return len(latencies) / elapsed, latencies


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def throughput_case(
    kind: str, model: Path, body: bytes, args: argparse.Namespace
) -> dict[str, float]:
    port = free_port()
    process, startup = start(kind, model, port, args.dir / f"{kind}-{model.name}.log")
    try:
        rate, latencies = asyncio.run(_load(port, body, args.clients, args.seconds))
    finally:
        stop(process)
    return {
        "rps": rate,
        "p50": quantile(latencies, 0.5),
        "p99": quantile(latencies, 0.99),
        "startup": startup,
    }


def memory_case(kind: str, model: Path, args: argparse.Namespace) -> float:
    port = free_port()
    process, _ = start(kind, model, port, args.dir / f"{kind}-big.log")
    try:
        asyncio.run(_load(port, b'{"inputs": [1]}', 1, 0.5))
        return tree_rss_mb(process.pid)
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    args.dir = args.dir or Path(tempfile.mkdtemp(prefix="heron-bench-serving-"))
    subprocess.run([sys.executable, "-c", MAKE_MODELS, str(args.dir)], check=True)
    kinds = ["heron"] if args.no_mlflow or not MLFLOW.exists() else ["heron", "mlflow"]
    bodies = {
        "sklearn": (args.dir / "sklearn.json").read_bytes(),
        "identity": b'{"inputs": [1, 2, 3, 4, 5]}',
    }
    results: dict[tuple[str, str], dict[str, float]] = {}
    for case, body in bodies.items():
        for kind in kinds:
            results[case, kind] = throughput_case(kind, args.dir / case, body, args)
            row = results[case, kind]
            print(
                f"{case:9} {kind:7} {row['rps']:8.0f} req/s  p50 {row['p50']:7.2f} ms  "
                f"p99 {row['p99']:7.2f} ms  start {row['startup']:5.2f} s",
                flush=True,
            )
    size = sum(f.stat().st_size for f in (args.dir / "big").rglob("*")) / 2**20
    for kind in kinds:
        print(
            f"big       {kind:7} RSS {memory_case(kind, args.dir / 'big', args):7.0f} MB "
            f"(model {size:.0f} MB)",
            flush=True,
        )
    if "mlflow" in kinds:
        for case in bodies:
            heron, mlflow = results[case, "heron"], results[case, "mlflow"]
            print(
                f"{case}: {heron['rps'] / mlflow['rps']:.1f}x MLflow's req/s; Heron p99 "
                f"{heron['p99']:.2f} ms vs MLflow p50 {mlflow['p50']:.2f} ms"
            )
    print(f"start to healthy (sklearn, heron): {results['sklearn', 'heron']['startup']:.2f} s")


if __name__ == "__main__":
    main()
