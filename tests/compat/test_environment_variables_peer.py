"""``heron.environment_variables`` has every variable of ``mlflow.environment_variables``.

Same attribute names and variable names; the variables Heron does not act on keep MLflow's
defaults; the ones it honours read Heron's settings (checked in the unit tests).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from processes import run_script

pytestmark = pytest.mark.compat


def test_every_mlflow_variable_exists_with_its_name_and_default(mlflow_venv: Path) -> None:
    mlflow: dict[str, list[Any]] = run_script(mlflow_venv, "environment_defaults.py", "mlflow")
    heron: dict[str, list[Any]] = run_script(sys.executable, "environment_defaults.py", "heron")
    assert sorted(set(mlflow) - set(heron)) == []
    assert {a: heron[a][0] for a in mlflow} == {a: v[0] for a, v in mlflow.items()}
    kept = [a for a in mlflow if not heron[a][3]]
    assert len(kept) > 200
    assert {a: heron[a][1:3] for a in kept} == {a: mlflow[a][1:3] for a in kept}
    honoured = {a for a in mlflow if heron[a][3]}
    assert {"MLFLOW_TRACKING_URI", "MLFLOW_ENABLE_ASYNC_LOGGING", "MLFLOW_RUN_ID"} <= honoured
