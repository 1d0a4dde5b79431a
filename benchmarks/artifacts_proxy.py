"""A big file through the server's artifact proxy: peak server RSS and throughput vs a local copy.

Usage: python benchmarks/artifacts_proxy.py [--size-mb 1024] [--runs 3] [--mlflow]
       [--mlflow-size-mb 200] [--dir DIR] [--client curl|httpx]

Starts a real ``heron server`` (SQLite backend, local ``--artifacts-destination``) on a free
port, uploads a random file with one streamed PUT to
``/api/2.0/mlflow-artifacts/artifacts/bench/big.bin`` and downloads it with one streamed GET,
while a thread samples the server's RSS (VmRSS of its process tree, every 50 ms). A local copy
of the same file (``shutil.copyfile`` + fsync of the destination: the durability the server
gives an upload; median of three) is the yardstick: throughputs are reported as ratios to
it. The download is written to a local file and fsynced too (the same disk work as the copy).

Goals (issue 3): server peak RSS under 150 MB; upload and download ratio >= 0.5.

Each server runs ``--runs`` rounds (default 3); a row per round, then the medians. The
``up s`` / ``down s`` columns are the server's CPU seconds (user + system, its process tree)
for the upload and the download: unlike the ratios they hardly depend on what else the
machine is doing, so they compare servers (or versions) fairly on a busy machine.

On a virtual machine whose memory the host backs lazily, the first touch of a page is slow
(measured here: 1-3.5 s per GB): every new file that stays in the page cache (the upload,
the downloaded copy) pays it, while the local copies reuse the pages of the copy deleted just
before. A busy machine or a cold one lowers both ratios; run again when it is quiet.

``--mlflow`` runs the same against MLflow 3.17.2's server (``~/.cache/heron-peers/mlflow``),
capped at ``--mlflow-size-mb`` (MLflow buffers whole bodies: >30 GB RSS for 1 GB, #22665).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
RSS_GOAL_MB = 150.0
RATIO_GOAL = 0.5
ARTIFACT_URL = "/api/2.0/mlflow-artifacts/artifacts/bench/big.bin"
MLFLOW_BIN = Path.home() / ".cache/heron-peers/mlflow/bin"


def heron_executable() -> str:
    """The ``heron`` console script beside this interpreter (the checkout's venv)."""
    beside = Path(sys.executable).parent / "heron"
    return str(beside) if beside.exists() else shutil.which("heron") or "heron"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                kids.extend(int(child) for child in handle.read().split())
    return kids


def tree_rss_mb(pid: int) -> float:
    """Resident memory (VmRSS) of a process and all its descendants, in MB."""
    total_kb, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError), open(f"/proc/{current}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
                    break
        pending.extend(_children(current))
    return total_kb / 1024


def tree_cpu_s(pid: int) -> float:
    """CPU time (user + system, all threads) of a process and its live descendants, in s."""
    ticks, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError), open(f"/proc/{current}/stat") as handle:
            fields = handle.read().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        pending.extend(_children(current))
    return ticks / os.sysconf("SC_CLK_TCK")


class RssSampler:
    """Samples a process tree's RSS every ``interval`` seconds in a thread; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
            self._stop.wait(self.interval)

    def reset(self) -> None:
        """Forget the peak so far (e.g. after start-up)."""
        self.peak_mb = tree_rss_mb(self.pid)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Poll ``url``/health until it answers 200; fail if the server exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url + "/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.05)
    raise RuntimeError("server did not become healthy")


@contextlib.contextmanager
def running_server(argv: list[str], cwd: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start a server command (``{port}`` in ``argv`` filled in); yield its URL and process."""
    port = free_port()
    argv = [part.replace("{port}", str(port)) for part in argv]
    env = dict(os.environ, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    with open(os.path.join(cwd, "server.log"), "ab") as log:
        process = subprocess.Popen(
            argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        process.wait(30)


def make_file(path: str, size_mb: int) -> None:
    """A file of ``size_mb`` MB of random bytes (kept if it already has that size)."""
    if os.path.exists(path) and os.path.getsize(path) == size_mb * CHUNK:
        return
    with open(path, "wb") as out:
        for _ in range(size_mb):
            out.write(os.urandom(CHUNK))


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(8 * CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def time_local_copy(source: str, target: str) -> float:
    """Seconds for ``shutil.copyfile`` + fsync of the copy."""
    started = time.perf_counter()
    shutil.copyfile(source, target)
    _fsync(target)
    seconds = time.perf_counter() - started
    os.unlink(target)
    return seconds


CLIENT = "httpx"
"""The HTTP client that moves the bytes (set from ``--client``)."""


def _file_chunks(path: str) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            yield block


def time_upload(url: str, source: str) -> float:
    """Seconds for one streamed PUT of ``source`` (Content-Length given, as clients do)."""
    started = time.perf_counter()
    if CLIENT == "curl":
        subprocess.run(
            ["curl", "-sfS", "-o", os.devnull, "-T", source, url + ARTIFACT_URL], check=True
        )
        return time.perf_counter() - started
    import httpx

    headers = {"Content-Length": str(os.path.getsize(source))}
    with httpx.Client(timeout=None) as client:
        response = client.put(url + ARTIFACT_URL, content=_file_chunks(source), headers=headers)
    response.raise_for_status()
    return time.perf_counter() - started


def time_download(url: str, target: str) -> float:
    """Seconds for one streamed GET into ``target``, fsynced."""
    started = time.perf_counter()
    if CLIENT == "curl":
        subprocess.run(["curl", "-sfS", "-o", target, url + ARTIFACT_URL], check=True)
        _fsync(target)
        return time.perf_counter() - started
    import httpx

    with httpx.Client(timeout=None) as client, client.stream("GET", url + ARTIFACT_URL) as resp:
        resp.raise_for_status()
        with open(target, "wb") as out:
            for block in resp.iter_raw(CHUNK):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
    return time.perf_counter() - started


def warm_up(url: str) -> None:
    """A small upload and download first, so the timed ones find every code path loaded."""
    warm_url = url + ARTIFACT_URL.replace("big.bin", "warm.bin")
    request = urllib.request.Request(warm_url, data=b"warm-up", method="PUT")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    with urllib.request.urlopen(warm_url, timeout=30) as response:
        response.read()


@dataclass
class Result:
    server: str
    size_mb: int
    local_s: float
    upload_s: float
    download_s: float
    idle_rss_mb: float
    peak_rss_mb: float
    intact: bool
    upload_cpu_s: float
    download_cpu_s: float
    upload_ratio: float = 0.0
    download_ratio: float = 0.0

    def __post_init__(self) -> None:
        self.upload_ratio = self.upload_ratio or self.local_s / self.upload_s
        self.download_ratio = self.download_ratio or self.local_s / self.download_s

    def row(self) -> str:
        def rate(seconds: float) -> str:
            return f"{self.size_mb / seconds:7.0f} MB/s"

        return (
            f"{self.server:<7} {self.size_mb:>6} {rate(self.local_s)} {rate(self.upload_s)} "
            f"{self.upload_ratio:5.2f} {rate(self.download_s)} {self.download_ratio:5.2f} "
            f"{self.idle_rss_mb:7.0f} {self.peak_rss_mb:7.0f} {self.upload_cpu_s:6.2f} "
            f"{self.download_cpu_s:6.2f}  {'yes' if self.intact else 'NO'}"
        )


def median_result(results: list[Result]) -> Result:
    """Each column's median over several runs (the peak RSS: the highest of all)."""

    def median(values: list[float]) -> float:
        return statistics.median(values)

    return Result(
        server=f"{results[0].server}~",
        size_mb=results[0].size_mb,
        local_s=median([r.local_s for r in results]),
        upload_s=median([r.upload_s for r in results]),
        download_s=median([r.download_s for r in results]),
        idle_rss_mb=median([r.idle_rss_mb for r in results]),
        peak_rss_mb=max(r.peak_rss_mb for r in results),
        intact=all(r.intact for r in results),
        upload_cpu_s=median([r.upload_cpu_s for r in results]),
        download_cpu_s=median([r.download_cpu_s for r in results]),
        upload_ratio=median([r.upload_ratio for r in results]),
        download_ratio=median([r.download_ratio for r in results]),
    )


HEADER = (
    f"{'server':<7} {'MB':>6} {'local copy':>12} {'upload':>12} {'ratio':>5} "
    f"{'download':>12} {'ratio':>5} {'idle MB':>7} {'peak MB':>7} {'up s':>6} {'down s':>6}  "
    "intact"
)


def bench(name: str, argv: list[str], size_mb: int, directory: str) -> Result:
    """Upload and download a ``size_mb`` file through one server; time a local copy too."""
    source = os.path.join(directory, f"big-{size_mb}.bin")
    make_file(source, size_mb)
    expected = sha256(source)
    copies = [time_local_copy(source, os.path.join(directory, "copy.bin")) for _ in range(3)]
    local_s = sorted(copies)[1]  # the median of three: the disk's speed varies
    work = tempfile.mkdtemp(prefix=f"{name}-", dir=directory)
    argv = [part.replace("{dir}", work) for part in argv]
    with running_server(argv, work) as (url, process), RssSampler(process.pid) as sampler:
        warm_up(url)
        time.sleep(0.2)
        sampler.reset()
        idle = sampler.peak_mb
        cpu = [tree_cpu_s(process.pid)]
        upload_s = time_upload(url, source)
        cpu.append(tree_cpu_s(process.pid))
        downloaded = os.path.join(work, "down.bin")
        download_s = time_download(url, downloaded)
        cpu.append(tree_cpu_s(process.pid))
        peak = max(sampler.peak_mb, tree_rss_mb(process.pid))
    intact = sha256(downloaded) == expected
    shutil.rmtree(work)
    return Result(
        name,
        size_mb,
        local_s,
        upload_s,
        download_s,
        idle,
        peak,
        intact,
        upload_cpu_s=cpu[1] - cpu[0],
        download_cpu_s=cpu[2] - cpu[1],
    )


def run_all(name: str, argv: list[str], size_mb: int, directory: str, runs: int) -> Result:
    """``runs`` rounds of :func:`bench`, each printed; returns the median (``name~``)."""
    results = []
    for _ in range(runs):
        results.append(bench(name, argv, size_mb, directory))
        print(results[-1].row(), flush=True)
    if runs == 1:
        return results[0]
    summary = median_result(results)
    print(summary.row(), flush=True)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--runs", type=int, default=3, help="rounds per server (default 3)")
    parser.add_argument("--mlflow", action="store_true", help="also run MLflow's server")
    parser.add_argument("--mlflow-size-mb", type=int, default=200, help="MLflow's file size")
    parser.add_argument("--dir", default=None, help="work directory (default: a temporary one)")
    parser.add_argument(
        "--client",
        choices=("curl", "httpx"),
        default="curl" if shutil.which("curl") else "httpx",
        help="HTTP client moving the bytes (curl measures the server; httpx is slower)",
    )
    args = parser.parse_args()
    global CLIENT
    CLIENT = args.client
    directory = args.dir or tempfile.mkdtemp(prefix="bench-artifacts-")
    common = ["--backend-store-uri", "sqlite:///{dir}/h.db", "--artifacts-destination"]
    heron = [heron_executable(), "server", *common, "{dir}/dest", "--port", "{port}"]
    print(f"client: {CLIENT}; one row per run, then the medians (name~)")
    print(HEADER, flush=True)
    heron_result = run_all("heron", heron, args.size_mb, directory, args.runs)
    if args.mlflow:
        mlflow = [str(MLFLOW_BIN / "mlflow"), "server", *common, "{dir}/dest", "--port", "{port}"]
        run_all("mlflow", mlflow, args.mlflow_size_mb, directory, args.runs)
    ok = (
        heron_result.peak_rss_mb < RSS_GOAL_MB
        and heron_result.upload_ratio >= RATIO_GOAL
        and heron_result.download_ratio >= RATIO_GOAL
        and heron_result.intact
    )
    print(
        f"goals (heron: peak RSS < {RSS_GOAL_MB:.0f} MB, ratios >= {RATIO_GOAL}): "
        f"{'ok' if ok else 'MISS'}"
    )
    if not args.dir:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
