"""The MLmodel file: fields, round trips, unknown keys, errors; atomic model directories."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from heron.exceptions import AlreadyExists, InvalidParameter, NotFound
from heron.models import Model, ModelSignature
from heron.models.model import MLFLOW_COMPATIBLE_VERSION
from heron.models.save import check_model_target, copy_code_paths, model_directory
from heron.models.schema import ColSpec, Schema
from heron.version import __version__

# Abridged from an MLmodel written by MLflow 3.18 (spec 13.4).
MLFLOW_MLMODEL = """\
artifact_path: mlflow-artifacts:/1/models/m-8e14aaaabbbbccccddddeeeeffff0000/artifacts
flavors:
  python_function: {env: {conda: conda.yaml, virtualenv: python_env.yaml},
                    loader_module: mlflow.sklearn, model_path: model.skops,
                    predict_fn: predict, python_version: 3.11.7}
  sklearn: {code: null, pickled_model: model.skops, serialization_format: skops,
            sklearn_version: 1.9.1, skops_trusted_types: null}
is_signature_from_type_hint: false
mlflow_version: 3.18.0
model_id: m-8e14aaaabbbbccccddddeeeeffff0000
model_size_bytes: 6762
model_uuid: m-8e14aaaabbbbccccddddeeeeffff0000
prompts: null
run_id: 646c0000111122223333444455556666
saved_input_example_info: {artifact_path: input_example.json, pandas_orient: split,
                           serving_input_path: serving_input_example.json, type: dataframe}
signature:
  inputs: '[{"type": "long", "name": "a", "required": true}]'
  outputs: '[{"type": "double", "required": true}]'
  params: null
type_hint_from_example: false
utc_time_created: '2026-11-22 10:48:01.757231'
"""


def test_reads_an_mlflow_mlmodel_and_writes_it_back_unchanged(tmp_path: Path) -> None:
    (tmp_path / "MLmodel").write_text(MLFLOW_MLMODEL)
    model = Model.load(tmp_path)
    assert model.flavors["python_function"]["loader_module"] == "mlflow.sklearn"
    assert model.model_id == model.model_uuid == "m-8e14aaaabbbbccccddddeeeeffff0000"
    assert model.run_id == "646c0000111122223333444455556666"
    assert model.utc_time_created == "2026-11-22 10:48:01.757231"
    assert model.mlflow_version == "3.18.0"
    assert model.model_size_bytes == 6762
    assert model.saved_input_example_info is not None
    assert model.saved_input_example_info["type"] == "dataframe"
    inputs = model.get_input_schema()
    assert inputs is not None
    assert inputs.input_names() == ["a"]
    assert model.get_params_schema() is None
    assert model.extra["prompts"] is None  # unknown to Heron, kept
    (tmp_path / "copy").mkdir()
    model.save(tmp_path / "copy")
    written = yaml.safe_load((tmp_path / "copy" / "MLmodel").read_text())
    original = yaml.safe_load(MLFLOW_MLMODEL)
    assert {k: v for k, v in written.items() if k != "heron_version"} == original
    assert "heron_version" not in written or written["heron_version"] is None


def test_new_model_has_identity_time_and_versions(tmp_path: Path) -> None:
    model = Model().add_flavor("python_function", loader_module="mlflow.pyfunc.model")
    model.save(tmp_path)
    content = yaml.safe_load((tmp_path / "MLmodel").read_text())
    assert len(content["model_uuid"]) == 32
    assert content["model_id"] is None
    assert content["mlflow_version"] == MLFLOW_COMPATIBLE_VERSION
    assert content["heron_version"] == __version__
    assert "artifact_path" not in content
    assert "run_id" not in content
    assert "signature" not in content
    # MLflow's format: naive UTC with microseconds, quoted in YAML
    assert "utc_time_created: '" in (tmp_path / "MLmodel").read_text()
    assert Model.load(tmp_path / "MLmodel") == model


def test_signature_round_trip(tmp_path: Path) -> None:
    signature = ModelSignature(
        inputs=Schema([ColSpec("double", "x"), ColSpec("string", "y")]),
        outputs=Schema([ColSpec("long")]),
    )
    Model(signature=signature, metadata={"team": "heron"}).save(tmp_path)
    content = yaml.safe_load((tmp_path / "MLmodel").read_text())
    assert isinstance(content["signature"]["inputs"], str)  # JSON strings, like MLflow
    loaded = Model.load(tmp_path)
    assert loaded.signature == signature
    assert loaded.metadata == {"team": "heron"}
    output = loaded.get_output_schema()
    assert output is not None
    assert output.input_types()[0].name == "long"


def test_missing_mlmodel_and_bad_content_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="MLmodel"):
        Model.load(tmp_path)
    (tmp_path / "MLmodel").write_text("- just\n- a list\n")
    with pytest.raises(InvalidParameter, match="not a YAML mapping"):
        Model.load(tmp_path)


def test_load_input_example_without_one_is_none(tmp_path: Path) -> None:
    assert Model().load_input_example(str(tmp_path)) is None


def test_model_directory_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "model"

    def failing_save() -> None:
        with model_directory(target) as temp:
            Path(temp, "half-written").write_text("x")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_save()
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    with model_directory(target) as temp:
        Path(temp, "MLmodel").write_text("flavors: {}\n")
    assert (target / "MLmodel").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_existing_targets(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with model_directory(tmp_path / "empty") as temp:
        Path(temp, "MLmodel").write_text("flavors: {}\n")
    assert (tmp_path / "empty" / "MLmodel").exists()
    with pytest.raises(AlreadyExists, match="already exists"):
        check_model_target(tmp_path / "empty")
    (tmp_path / "file").write_text("x")
    with pytest.raises(AlreadyExists), model_directory(tmp_path / "file"):
        pass


def test_copy_code_paths(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "single.py").write_text("X = 1\n")
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    assert copy_code_paths(str(model_dir), None) is None
    code = copy_code_paths(str(model_dir), [str(tmp_path / "pkg"), str(tmp_path / "single.py")])
    assert code == "code"
    assert (model_dir / "code" / "pkg" / "__init__.py").exists()
    assert (model_dir / "code" / "single.py").exists()
