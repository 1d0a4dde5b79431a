"""A model logged by Heron looks like one logged by MLflow 3.17.2, to either client.

Both libraries log a model to one Heron server; each client then reads both runs back:
no files under the run's own artifacts, the model's files listed under ``model`` (through
the run's logged model), one READY logged model whose source is the run, and
``runs:/<run_id>/model`` loading it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from processes import ServerProcess, run_script

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]

SCRIPT = "logged_model_layout.py"
MODEL_FILES = [
    "model/MLmodel",
    "model/conda.yaml",
    "model/model.skops",
    "model/python_env.yaml",
    "model/requirements.txt",
]


def _expected() -> dict[str, Any]:
    return {
        "root": [],
        "model_files": MODEL_FILES,
        "logged_models": [["model", "READY"]],
        "outputs": 1,
        "tag_keys": [],
        "prediction": [pytest.approx(3.0)],
    }


def test_heron_and_mlflow_models_look_the_same_to_both_clients(
    mlflow_venv: Path, heron_compat_server: ServerProcess
) -> None:
    url = heron_compat_server.url
    by_heron = run_script(sys.executable, SCRIPT, "--client=heron", "log", MLFLOW_TRACKING_URI=url)
    by_mlflow = run_script(mlflow_venv, SCRIPT, "--client=mlflow", "log", MLFLOW_TRACKING_URI=url)
    assert by_heron["model_uri"] == f"models:/{by_heron['model_id']}"
    runs = [by_heron["run_id"], by_mlflow["run_id"]]
    for python, client in ((mlflow_venv, "mlflow"), (sys.executable, "heron")):
        seen = run_script(
            python, SCRIPT, f"--client={client}", "inspect", *runs, MLFLOW_TRACKING_URI=url
        )
        for run_id in runs:
            assert seen[run_id] == _expected(), (client, run_id)
