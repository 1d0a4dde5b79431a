"""Models from code interchange with MLflow 3.17.2 through each one's tracking server.

One model file, written as MLflow users write it (``import mlflow``, ``set_model``), logged
by Heron loads in MLflow, and logged by MLflow loads in Heron (which runs it without MLflow
installed), with ``model_config`` saved and overridden at load.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from processes import ServerProcess, run_script

import heron
import heron.pyfunc
from heron.tracking import session

pytestmark = pytest.mark.compat

MODEL_FILE = """
import mlflow
from mlflow.pyfunc import PythonModel


class Scaler(PythonModel):
    def load_context(self, context):
        self.factor = context.model_config["factor"]

    def predict(self, context, model_input, params=None):
        return [x * self.factor for x in model_input["x"]]


mlflow.models.set_model(Scaler())
"""


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "scaler_model.py"
    path.write_text(MODEL_FILE)
    return path


@pytest.fixture
def tracking(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Heron's fluent API with a clean session (the test sets the tracking URI)."""
    for name in ("HERON_TRACKING_URI", "MLFLOW_TRACKING_URI", "HERON_RUN_ID", "MLFLOW_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    session.reset()
    yield
    while heron.active_run() is not None:
        heron.end_run()
    session.reset()


def test_heron_logged_code_model_loads_in_mlflow(
    mlflow_venv: Path, heron_compat_server: ServerProcess, model_file: Path, tracking: None
) -> None:
    heron.set_tracking_uri(heron_compat_server.url)
    with heron.start_run():
        info = heron.pyfunc.log_model(
            name="code_model", python_model=str(model_file), model_config={"factor": 3}
        )
    args = (heron_compat_server.url, info.model_uri)
    loaded = run_script(mlflow_venv, "models_from_code_mlflow.py", "load", *args, "")
    assert loaded["predictions"] == [3.0, 6.0]
    assert loaded["loader_module"] == "mlflow.pyfunc.loaders.code_model"
    config = json.dumps({"factor": 5})
    overridden = run_script(mlflow_venv, "models_from_code_mlflow.py", "load", *args, config)
    assert overridden["predictions"] == [5.0, 10.0]


def test_mlflow_logged_code_model_loads_in_heron(
    mlflow_venv: Path, mlflow_server: ServerProcess, model_file: Path, tracking: None
) -> None:
    logged = run_script(
        mlflow_venv,
        "models_from_code_mlflow.py",
        "log",
        mlflow_server.url,
        str(model_file),
        json.dumps({"factor": 4}),
    )
    heron.set_tracking_uri(mlflow_server.url)
    model = heron.pyfunc.load_model(logged["model_uri"])
    assert model.predict(pd.DataFrame({"x": [1.0, 2.0]})) == [4.0, 8.0]
    assert model.model_config == {"factor": 4}
    again = heron.pyfunc.load_model(logged["model_uri"], model_config={"factor": 10})
    assert again.predict(pd.DataFrame({"x": [1.0]})) == [10.0]
