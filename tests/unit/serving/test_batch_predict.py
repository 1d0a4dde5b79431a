"""Batch predictions (``heron.models.predict``, chunked CSV) and ``get_model_dependencies``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import heron.pyfunc
from heron.exceptions import BadRequest, InvalidParameter
from heron.models import infer_signature, predict
from heron.serving.predict import predict_local


class Double(heron.pyfunc.PythonModel):
    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input * 2


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "model"
    frame = pd.DataFrame({"x": [1.0], "y": [2.0]})
    heron.pyfunc.save_model(
        path, python_model=Double(), signature=infer_signature(frame), pip_requirements=["six"]
    )
    return path


def test_csv_in_chunks_equals_one_read(model_dir: Path) -> None:
    model = heron.pyfunc.load_model(str(model_dir))
    text = "x,y\n" + "".join(f"{i},{i + 0.5}\n" for i in range(7))
    whole, chunked = io.BytesIO(), io.BytesIO()
    predict_local(model, io.StringIO(text), whole, "csv", chunk_rows=0)
    predict_local(model, io.StringIO(text), chunked, "csv", chunk_rows=3)
    assert json.loads(chunked.getvalue()) == json.loads(whole.getvalue())
    assert len(json.loads(whole.getvalue())["predictions"]) == 7


def test_predict_api_writes_the_answer_atomically(model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": [0.5, 0.0]})
    predict(str(model_dir), input_data=frame, output_path=str(out), env_manager="local")
    assert json.loads(out.read_text()) == {
        "predictions": [{"x": 2.0, "y": 1.0}, {"x": 4.0, "y": 0.0}]
    }
    with pytest.raises(BadRequest):
        predict(str(model_dir), input_data="[1]", output_path=str(out), env_manager="local")
    assert not (tmp_path / "out.json.partial").exists()


def test_predict_api_refuses_conflicting_arguments(model_dir: Path) -> None:
    with pytest.raises(InvalidParameter, match="either input_data or input_path"):
        predict(str(model_dir), input_data=[1], input_path="x.json", env_manager="local")
    with pytest.raises(InvalidParameter, match="content type"):
        predict(str(model_dir), input_path="x.xml", content_type="xml", env_manager="local")


def test_get_model_dependencies(model_dir: Path) -> None:
    requirements = heron.pyfunc.get_model_dependencies(str(model_dir))
    assert "six" in Path(requirements).read_text().splitlines()
    conda = heron.pyfunc.get_model_dependencies(str(model_dir), format="conda")
    assert Path(conda).name == "conda.yaml"
    with pytest.raises(InvalidParameter):
        heron.pyfunc.get_model_dependencies(str(model_dir), format="poetry")
