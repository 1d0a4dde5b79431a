"""mlflow-export-import 1.2.0 for the compatibility tests: its virtualenv and its tools.

The virtualenv is ``$HERON_PEERS_DIR/exim`` (default ``~/.cache/heron-peers/exim``), built
on first use; the package needs ``tabulate``, which it does not declare.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from processes import clean_env, peer_venv

EXIM = ("mlflow-export-import==1.2.0", "tabulate", "mlflow==3.17.2")


@pytest.fixture(scope="session")
def exim_bin() -> Path:
    """The ``bin`` directory of a virtualenv holding mlflow-export-import 1.2.0."""
    return peer_venv("exim", EXIM) / "bin"


def run_peer(exim_bin: Path, tool: str, uri: str, *args: str) -> str:
    """Run one of the peer's tools against ``uri``; its output (it must succeed)."""
    result = subprocess.run(
        [str(exim_bin / tool), *args],
        env=clean_env(MLFLOW_TRACKING_URI=uri),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout
