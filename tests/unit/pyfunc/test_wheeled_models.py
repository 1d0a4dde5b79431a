"""``heron.models.add_libraries_to_model``: a registered model re-logged with its wheels."""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
import yaml

import heron.models
import heron.pyfunc
from heron.artifacts import download_model
from heron.exceptions import InvalidParameter
from heron.pyfunc import PythonModel


class Echo(PythonModel):
    """Returns its input."""

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input


def _wheel(folder: Path) -> Path:
    """A tiny pure-Python wheel, so pip needs no package index."""
    path = folder / "tinylib-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("tinylib/__init__.py", "VALUE = 1\n")
        info = "tinylib-1.0.dist-info"
        wheel.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: tinylib\nVersion: 1.0\n")
        tags = "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        wheel.writestr(f"{info}/WHEEL", tags)
        wheel.writestr(f"{info}/RECORD", "")
    return path


def test_add_libraries_logs_a_new_version_with_wheels(fluent: ModuleType, tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    with fluent.start_run() as run:
        heron.pyfunc.log_model(
            name="m", python_model=Echo(), pip_requirements=[str(wheel)], registered_model_name="wm"
        )
    info = heron.models.add_libraries_to_model("models:/wm/1")
    assert info.registered_model_version == 2
    assert info.run_id == run.info.run_id  # logged to the version's source run
    local = Path(download_model("models:/wm/2", str(tmp_path / "d")))
    assert (local / "wheels" / wheel.name).is_file()
    assert (local / "requirements.txt").read_text().split() == [f"wheels/{wheel.name}"]
    assert (local / "original_requirements.txt").read_text().split() == [str(wheel)]
    conda = yaml.safe_load((local / "conda.yaml").read_text())
    assert {"pip": [f"wheels/{wheel.name}"]} in conda["dependencies"]
    assert "platform" in yaml.safe_load((local / "MLmodel").read_text())["wheels"]
    frame = pd.DataFrame({"a": [1.0]})
    assert heron.pyfunc.load_model("models:/wm/2").predict(frame).equals(frame)
    with pytest.raises(InvalidParameter, match="already added"):
        heron.models.add_libraries_to_model("models:/wm/2", registered_model_name="other")


def test_add_libraries_needs_a_registered_model_uri(fluent: ModuleType) -> None:
    with pytest.raises(InvalidParameter, match="not a registered model URI"):
        heron.models.add_libraries_to_model("runs:/abc/model")
