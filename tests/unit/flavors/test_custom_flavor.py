"""The custom flavor example: logged, registered, loaded natively and as a python function."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "custom_flavor"


def test_example_logs_registers_and_loads(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    env["HERON_TRACKING_URI"] = f"sqlite:///{tmp_path / 'mlruns.db'}"
    env["HERON_DEFAULT_ARTIFACT_ROOT"] = str(tmp_path / "artifacts")
    result = subprocess.run(
        [sys.executable, str(EXAMPLE / "train.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "native: 3.0" in result.stdout
    assert "pyfunc: [3.0]" in result.stdout
    mlmodels = list((tmp_path / "artifacts").rglob("MLmodel"))
    assert mlmodels
    flavors = yaml.safe_load(mlmodels[0].read_text())["flavors"]
    assert flavors["python_function"]["loader_module"] == "wordcount_flavor"
    assert flavors["wordcount"]["data"] == "weights.json"
    assert (mlmodels[0].parent / "code" / "wordcount_flavor.py").is_file()
