"""PythonModel save/load round trips, schema enforcement and loading errors."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import heron.pyfunc
from heron.exceptions import AlreadyExists, InvalidParameter, NotFound
from heron.models import Model, infer_signature
from heron.pyfunc import PythonModel, PythonModelContext


class AddN(PythonModel):
    """Adds the number in its artifact file (and a param) to every value."""

    def load_context(self, context: PythonModelContext) -> None:
        with open(context.artifacts["n"]) as source:
            self.n = int(source.read())
        self.config = context.model_config

    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        extra = (params or {}).get("extra", 0)
        return model_input.apply(lambda column: column + self.n + extra)


class UsesCode(PythonModel):
    """Calls a function from a module that only exists in the model's code_paths."""

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        import heron_test_helper_mod  # only importable from the model's code/ dir

        return [heron_test_helper_mod.double(v) for v in model_input["x"]]


class NoContext(PythonModel):
    """MLflow 3's context-less predict."""

    def predict(self, model_input: Any, params: Any = None) -> Any:  # type: ignore[override]
        return list(model_input["x"] * 10)


@pytest.fixture
def n_file(tmp_path: Path) -> Path:
    path = tmp_path / "n.txt"
    path.write_text("5")
    return path


def test_python_model_with_artifacts_round_trip(tmp_path: Path, n_file: Path) -> None:
    data = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    path = tmp_path / "model"
    heron.pyfunc.save_model(
        path,
        python_model=AddN(),
        artifacts={"n": str(n_file)},
        model_config={"k": "v"},
        metadata={"owner": "me"},
    )
    mlmodel = yaml.safe_load((path / "MLmodel").read_text())
    conf = mlmodel["flavors"]["python_function"]
    assert conf["loader_module"] == "mlflow.pyfunc.model"  # MLflow loads it too
    assert conf["python_model"] == "python_model.pkl"
    assert conf["artifacts"]["n"] == {"path": "artifacts/n/n.txt", "uri": str(n_file)}
    assert conf["env"] == {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}
    assert mlmodel["model_size_bytes"] > 0
    for name in ("conda.yaml", "python_env.yaml", "requirements.txt", "artifacts/n/n.txt"):
        assert (path / name).is_file()

    n_file.write_text("100")  # the model keeps its own copy
    model = heron.pyfunc.load_model(str(path))
    assert model.predict(data).to_dict("list") == {"a": [6, 7], "b": [8, 9]}
    # No params schema: params are ignored with a warning, as MLflow does (issue 19).
    with pytest.warns(UserWarning, match="Ignoring provided params"):
        ignored = model.predict(data, params={"extra": 1})
    assert ignored.to_dict("list") == {"a": [6, 7], "b": [8, 9]}
    assert model.metadata.metadata == {"owner": "me"}
    unwrapped = model.unwrap_python_model()
    assert unwrapped.n == 5
    assert unwrapped.config == {"k": "v"}
    overridden = heron.pyfunc.load_model(path.as_uri(), model_config={"k": "w"})
    assert overridden.unwrap_python_model().config == {"k": "w"}


def test_code_paths_are_importable_after_load(tmp_path: Path) -> None:
    code = tmp_path / "src" / "heron_test_helper_mod.py"
    code.parent.mkdir()
    code.write_text("def double(x):\n    return 2 * x\n")
    path = tmp_path / "model"
    heron.pyfunc.save_model(path, python_model=UsesCode(), code_paths=[str(code)])
    assert (path / "code" / "heron_test_helper_mod.py").is_file()
    model = heron.pyfunc.load_model(str(path))
    try:
        assert model.predict(pd.DataFrame({"x": [1, 2]})) == [2, 4]
    finally:
        sys.modules.pop("heron_test_helper_mod", None)
        sys.path.remove(str(path / "code"))


def test_signature_enforcement_and_input_example(tmp_path: Path) -> None:
    train = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    signature = infer_signature(train, [1.0, 2.0])
    path = tmp_path / "model"
    heron.pyfunc.save_model(
        path, python_model=NoContext(), signature=signature, input_example=train.head(1)
    )
    model = heron.pyfunc.load_model(str(path))
    with pytest.warns(UserWarning, match="z"):
        model.predict(pd.DataFrame({"z": [0], "y": [1.0], "x": [2.0]}))
    # extra columns dropped, columns reordered
    assert model.predict(pd.DataFrame({"y": [1.0], "x": [2.0]})) == [20.0]
    with pytest.raises(InvalidParameter, match="x"):
        model.predict(pd.DataFrame({"y": [1.0]}))
    with pytest.raises(InvalidParameter, match="x"):
        model.predict(pd.DataFrame({"x": ["text"], "y": [1.0]}))
    example = model.metadata.load_input_example(str(path))
    pd.testing.assert_frame_equal(example, train.head(1))


def test_failed_save_leaves_nothing(tmp_path: Path) -> None:
    class Unpicklable(PythonModel):
        def __init__(self) -> None:
            self.lock = threading.Lock()  # locks cannot be pickled

        def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
            return model_input

    with pytest.raises(TypeError):
        heron.pyfunc.save_model(tmp_path / "model", python_model=Unpicklable())
    assert list(tmp_path.iterdir()) == []
    heron.pyfunc.save_model(tmp_path / "model", python_model=NoContext())
    with pytest.raises(AlreadyExists):
        heron.pyfunc.save_model(tmp_path / "model", python_model=NoContext())


def test_loading_errors_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="MLmodel"):
        heron.pyfunc.load_model(str(tmp_path))
    with pytest.raises(NotFound, match="No such file"):
        heron.pyfunc.load_model(str(tmp_path / "absent"))
    Model().add_flavor("keras", data="x").save(tmp_path)
    with pytest.raises(InvalidParameter, match="python_function"):
        heron.pyfunc.load_model(str(tmp_path))
    missing = tmp_path / "missing"
    missing.mkdir()
    Model().add_flavor("python_function", loader_module="no_such_loader_xyz").save(missing)
    with pytest.raises(InvalidParameter, match="no_such_loader_xyz"):
        heron.pyfunc.load_model(str(missing))


def test_save_arguments_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match="exactly one"):
        heron.pyfunc.save_model(tmp_path / "m")
    with pytest.raises(InvalidParameter, match="must be a PythonModel instance"):
        heron.pyfunc.save_model(tmp_path / "m", python_model=object())
    assert not (tmp_path / "m").exists()
