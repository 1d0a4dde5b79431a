"""The quick start example runs from a fresh directory and finds its own run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"


@pytest.mark.integration
def test_quickstart_logs_and_finds_its_run(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    first_line = result.stdout.splitlines()[0]
    run_id = first_line.split()[1]
    assert first_line.startswith(f"Run {run_id} finished with rmse 0.")
    assert run_id in result.stdout.split(first_line, 1)[1]  # the search found it
    assert (tmp_path / "heron.db").is_file()
    assert len(list((tmp_path / "heron-artifacts").rglob("plot.png"))) == 1
