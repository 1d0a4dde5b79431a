"""Heron's entities take MLflow 3.17.2's constructor arguments, in MLflow's order.

A script building ``Metric(key, value, timestamp, step, model_id)`` or ``Run(run_info,
run_data)`` positionally gets the same object from either library. Heron may accept more
trailing arguments; it may lack only the reviewed ones below.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from processes import run_script

pytestmark = pytest.mark.compat

# Reviewed: trailing MLflow parameters Heron leaves out, with the reason.
_DEPLOYMENT_JOBS = "Databricks deployment jobs and workspaces (out of Heron's scope)"
MISSING_TRAILING = {
    "RegisteredModel": (
        ["deployment_job_id", "deployment_job_state", "workspace"],
        _DEPLOYMENT_JOBS,
    ),
    "ModelVersion": (
        ["params", "metrics", "deployment_job_state", "workspace"],
        _DEPLOYMENT_JOBS + "; a version's params and metrics are its logged model's",
    ),
    "Experiment": (
        ["workspace", "trace_location", "effective_trace_archival_retention"],
        "Databricks workspaces and trace archival (out of Heron's scope)",
    ),
}


def test_entity_constructors_take_mlflow_arguments_in_order(mlflow_venv: Path) -> None:
    mlflow = run_script(mlflow_venv, "entity_signatures.py", "mlflow")
    heron = run_script(sys.executable, "entity_signatures.py", "heron")
    different = {}
    for name in sorted(set(mlflow) & set(heron)):
        wanted = [p for p in mlflow[name] if p not in MISSING_TRAILING.get(name, ([], ""))[0]]
        if heron[name][: len(wanted)] != wanted:
            different[name] = {"mlflow": mlflow[name], "heron": heron[name]}
    assert different == {}
    assert len(set(mlflow) & set(heron)) >= 20
