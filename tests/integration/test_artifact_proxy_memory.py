"""Big artifacts pass through the proxy with flat server memory (MLflow issue #22665).

A ``heron server`` (one process) serves the proxy; its peak resident memory (``VmHWM``,
reset just before the transfers) is read from ``/proc``, so no sampling or timing is
involved.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from fixtures.server import HeronServer, start_server
from heron.store.artifacts.http import HttpArtifactRepository

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc"),
]

SIZE_MB = 200
MAX_GROWTH_MB = 60


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _memory_kib(server: HeronServer, field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak) of the server process, in KiB."""
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak(server: HeronServer) -> int:
    """Reset the process's peak RSS to its current RSS; returns the current RSS in KiB."""
    Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")
    return _memory_kib(server, "VmRSS")


def test_a_200_mb_round_trip_keeps_server_memory_flat(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with open(big, "wb") as out:
        for _ in range(SIZE_MB):
            out.write(os.urandom(1 << 20))
    (tmp_path / "small.txt").write_text("warm-up")

    server = start_server(tmp_path / "server")
    try:
        repo = HttpArtifactRepository(f"{server.url}/api/2.0/mlflow-artifacts/artifacts/1/r")
        repo.log_artifact(str(tmp_path / "small.txt"))  # load every code path once
        repo.download_artifacts("small.txt", str(tmp_path / "warm"))
        before = _reset_peak(server)
        repo.log_artifact(str(big), "model")
        local = repo.download_artifacts("model/big.bin", str(tmp_path / "dst"))
        growth_mb = (_memory_kib(server, "VmHWM") - before) / 1024
    finally:
        server.stop()

    assert _digest(Path(local)) == _digest(big)
    stored = server.artifacts_destination / "1" / "r" / "model" / "big.bin"
    assert stored.stat().st_size == big.stat().st_size
    assert growth_mb < MAX_GROWTH_MB, f"server RSS grew by {growth_mb:.1f} MB"
