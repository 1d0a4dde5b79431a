"""Models from code: ``python_model`` given as a file that calls ``set_model``, as in MLflow."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
import yaml

import heron.models
import heron.pyfunc
from heron.exceptions import HeronError, InvalidParameter

HERON_FILE = """
import heron

class Scaler(heron.pyfunc.PythonModel):
    def load_context(self, context):
        self.factor = (context.model_config or {}).get("factor", 2)

    def predict(self, context, model_input, params=None):
        return [x * self.factor for x in model_input["x"]]

heron.models.set_model(Scaler())
"""

# A model file written for MLflow: runs in Heron (without MLflow) unchanged.
MLFLOW_FILE = """
import mlflow
from mlflow.pyfunc import PythonModel

class Adder(PythonModel):
    def predict(self, context, model_input, params=None):
        return [x + context.model_config["offset"] for x in model_input["x"]]

mlflow.models.set_model(Adder())
"""

FUNCTION_FILE = """
from heron.models import set_model

def double(model_input):
    return [2 * x for x in model_input["x"]]

set_model(double)
"""


def _file(tmp_path: Path, text: str, name: str = "model.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_save_stores_the_file_and_mlflow_flavor_keys(tmp_path: Path) -> None:
    code = _file(tmp_path, HERON_FILE)
    heron.pyfunc.save_model(tmp_path / "m", python_model=str(code), model_config={"factor": 3})
    conf = yaml.safe_load((tmp_path / "m" / "MLmodel").read_text())["flavors"]["python_function"]
    assert conf["loader_module"] == "mlflow.pyfunc.loaders.code_model"
    assert conf["model_code_path"] == str(code.resolve())
    assert conf["config"] == {"factor": 3}
    assert "python_model" not in conf  # nothing pickled
    assert (tmp_path / "m" / "model.py").read_text() == HERON_FILE
    frame = pd.DataFrame({"x": [1, 2]})
    assert heron.pyfunc.load_model(str(tmp_path / "m")).predict(frame) == [3, 6]


def test_load_time_model_config_overrides_only_saved_keys(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    code = _file(tmp_path, HERON_FILE)
    heron.pyfunc.save_model(tmp_path / "m", python_model=code, model_config={"factor": 3})
    model = heron.pyfunc.load_model(str(tmp_path / "m"), model_config={"factor": 5, "other": 1})
    assert model.predict(pd.DataFrame({"x": [1]})) == [5]
    assert "other were ignored" in caplog.text


def test_model_config_from_a_yaml_file(tmp_path: Path) -> None:
    code = _file(tmp_path, MLFLOW_FILE)
    (tmp_path / "config.yaml").write_text("offset: 10\n")
    heron.pyfunc.save_model(
        tmp_path / "m", python_model=code, model_config=str(tmp_path / "config.yaml")
    )
    model = heron.pyfunc.load_model(str(tmp_path / "m"))
    assert model.predict(pd.DataFrame({"x": [1, 2]})) == [11, 12]
    (tmp_path / "override.yaml").write_text("offset: 100\n")
    override = str(tmp_path / "override.yaml")
    again = heron.pyfunc.load_model(str(tmp_path / "m"), model_config=override)
    assert again.predict(pd.DataFrame({"x": [1]})) == [101]
    assert "mlflow" not in sys.modules  # the alias lasts only while the file runs


def test_a_callable_model_from_code(tmp_path: Path) -> None:
    code = _file(tmp_path, FUNCTION_FILE)
    heron.pyfunc.save_model(tmp_path / "m", python_model=code, pip_requirements=["pandas"])
    assert heron.pyfunc.load_model(str(tmp_path / "m")).predict(pd.DataFrame({"x": [4]})) == [8]


def test_log_model_from_code_and_load_by_uri(fluent: ModuleType, tmp_path: Path) -> None:
    code = _file(tmp_path, HERON_FILE)
    with fluent.start_run():
        info = heron.pyfunc.log_model(name="m", python_model=str(code))
    assert info.flavors["python_function"]["loader_module"].endswith("code_model")
    model = heron.pyfunc.load_model(info.model_uri)
    assert model.predict(pd.DataFrame({"x": [1]})) == [2]


def test_bad_code_files_are_refused_and_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match="Perhaps you meant"):
        heron.pyfunc.save_model(tmp_path / "a", python_model=str(tmp_path / "missing"))
    silent = _file(tmp_path, "x = 1\n", "silent.py")
    with pytest.raises(HeronError, match="set_model"):
        heron.pyfunc.save_model(tmp_path / "b", python_model=str(silent))
    broken = _file(tmp_path, "raise RuntimeError('boom')\n", "broken.py")
    with pytest.raises(HeronError, match=r"Failed to run user code.*boom"):
        heron.pyfunc.save_model(tmp_path / "c", python_model=str(broken))
    assert not any((tmp_path / name).exists() for name in "abc")


def test_set_model_refuses_what_cannot_predict() -> None:
    with pytest.raises(InvalidParameter, match="PythonModel"):
        heron.models.set_model("model.py")
    with pytest.raises(InvalidParameter):
        heron.models.set_model(42)


def test_invalid_model_config_is_refused(tmp_path: Path) -> None:
    code = _file(tmp_path, HERON_FILE)
    with pytest.raises(InvalidParameter, match="not a valid file path"):
        heron.pyfunc.save_model(tmp_path / "m", python_model=code, model_config="nope.yaml")
    with pytest.raises(InvalidParameter, match="JSON-serializable"):
        heron.pyfunc.save_model(tmp_path / "m", python_model=code, model_config={"a": object()})


def test_model_config_reads_the_logged_configuration(tmp_path: Path) -> None:
    code = _file(
        tmp_path,
        "from heron.models import ModelConfig, set_model\n"
        "config = ModelConfig(development_config={'greeting': 'dev'})\n"
        "set_model(lambda model_input: [config.get('greeting')] * len(model_input))\n",
    )
    heron.pyfunc.save_model(
        tmp_path / "m", python_model=code, model_config={"greeting": "hi"}, pip_requirements=[]
    )
    assert heron.pyfunc.load_model(str(tmp_path / "m")).predict(pd.DataFrame({"x": [1]})) == ["hi"]
    config = heron.models.ModelConfig(development_config={"greeting": "dev"})
    assert config.get("greeting") == "dev"
    with pytest.raises(KeyError):
        config.get("missing")


def test_without_configuration_the_context_has_none(tmp_path: Path) -> None:
    code = _file(tmp_path, HERON_FILE)
    heron.pyfunc.save_model(tmp_path / "m", python_model=code)
    model = heron.pyfunc.load_model(str(tmp_path / "m"))
    assert model._model_impl.context.model_config is None  # as MLflow's context
    assert model.model_config == {}
    assert model.predict(pd.DataFrame({"x": [1]})) == [2]
