"""heron.pytorch: pickle, pt2 and TorchScript models, wrappers unwrapped, pyfunc, state dicts."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

torch = pytest.importorskip("torch")

import heron.pyfunc  # noqa: E402
import heron.pytorch  # noqa: E402
from heron.exceptions import AlreadyExists, InvalidParameter, NotFound  # noqa: E402
from heron.models.model import Model  # noqa: E402
from heron.tracking import MlflowClient  # noqa: E402


@pytest.fixture(scope="module")
def mlp() -> Any:
    """A 2-layer MLP of built-in modules (loadable in any interpreter with torch)."""
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))


@pytest.fixture(scope="module")
def x() -> np.ndarray[Any, Any]:
    return np.random.default_rng(0).random((6, 4), dtype=np.float32)


def _expected(model: Any, x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()  # type: ignore[no-any-return]


def _mlmodel(path: Path) -> dict[str, Any]:
    return yaml.safe_load((path / "MLmodel").read_text())  # type: ignore[no-any-return]


def test_pickle_layout_and_round_trip(tmp_path: Path, mlp: Any, x: Any) -> None:
    heron.pytorch.save_model(mlp, tmp_path / "m")
    data = tmp_path / "m" / "data"
    assert sorted(p.name for p in data.iterdir()) == ["model.pth", "pickle_module_info.txt"]
    assert (data / "pickle_module_info.txt").read_text() == "mlflow.pytorch.pickle_module"
    flavors = _mlmodel(tmp_path / "m")["flavors"]
    assert flavors["pytorch"]["model_data"] == "data"
    assert flavors["pytorch"]["pytorch_version"] == torch.__version__
    assert flavors["python_function"]["loader_module"] == "mlflow.pytorch"
    assert flavors["python_function"]["config"] == {"device": None}
    loaded = heron.pytorch.load_model(str(tmp_path / "m"))
    assert not loaded.training
    np.testing.assert_allclose(_expected(loaded, x), _expected(mlp, x), rtol=1e-6)


def test_requirements_pin_torch_without_local_label(tmp_path: Path, mlp: Any) -> None:
    heron.pytorch.save_model(mlp, tmp_path / "m")
    lines = (tmp_path / "m" / "requirements.txt").read_text().split()
    version = torch.__version__.split("+")[0]
    assert f"torch=={version}" in lines
    assert any(line.startswith("cloudpickle==") for line in lines)


def test_pt2_is_chosen_with_an_array_example(tmp_path: Path, mlp: Any, x: Any) -> None:
    heron.pytorch.save_model(mlp, tmp_path / "m", input_example=x[:3])
    assert (tmp_path / "m" / "data" / "model.pt2").is_file()
    model = _mlmodel(tmp_path / "m")
    assert json.loads(model["signature"]["inputs"])[0]["tensor-spec"]["shape"] == [-1, 4]
    pyfunc_model = heron.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(pyfunc_model.predict(x), _expected(mlp, x), rtol=1e-5)


def test_pt2_needs_a_tensor_example(tmp_path: Path, mlp: Any) -> None:
    with pytest.raises(InvalidParameter, match="input_example is required"):
        heron.pytorch.save_model(mlp, tmp_path / "m", serialization_format="pt2")
    assert not (tmp_path / "m").exists()


def test_torchscript_compiled_and_data_parallel(tmp_path: Path, mlp: Any, x: Any) -> None:
    variants = {
        "script": torch.jit.script(mlp),
        "parallel": torch.nn.DataParallel(mlp),
        "compiled": torch.compile(mlp),
    }
    for name, model in variants.items():
        heron.pytorch.save_model(model, tmp_path / name)
        loaded = heron.pytorch.load_model(str(tmp_path / name))
        assert not isinstance(loaded, torch.nn.DataParallel)
        np.testing.assert_allclose(_expected(loaded, x), _expected(mlp, x), rtol=1e-6)
    assert isinstance(heron.pytorch.load_model(str(tmp_path / "script")), torch.jit.ScriptModule)


def test_pyfunc_takes_frames_arrays_and_dicts(tmp_path: Path, mlp: Any, x: Any) -> None:
    frame = pd.DataFrame(x.astype(np.float64), columns=list("abcd"), index=range(10, 16))
    heron.pytorch.save_model(mlp, tmp_path / "m", input_example=frame[:2])
    pyfunc_model = heron.pyfunc.load_model(str(tmp_path / "m"))
    out = pyfunc_model.predict(frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == list(range(10, 16))
    np.testing.assert_allclose(out.to_numpy(), _expected(mlp, x), rtol=1e-5)

    class Adder(torch.nn.Module):
        def forward(self, a: Any, b: Any) -> Any:
            return a + b

    heron.pytorch.save_model(Adder(), tmp_path / "adder")
    adder = heron.pyfunc.load_model(str(tmp_path / "adder"))
    result = adder.predict({"a": np.ones(3, np.float32), "b": np.full(3, 2, np.float32)})
    np.testing.assert_array_equal(result, [3.0, 3.0, 3.0])
    with pytest.raises(InvalidParameter, match="DataFrame"):
        adder.predict("text")


def test_device_comes_from_model_config(tmp_path: Path, mlp: Any, x: Any) -> None:
    heron.pytorch.save_model(mlp, tmp_path / "m")
    model = heron.pyfunc.load_model(str(tmp_path / "m"), model_config={"device": "cpu"})
    assert model._model_impl.device == "cpu"  # the pyfunc wrapper's device
    assert isinstance(model.get_raw_model(), torch.nn.Module)  # MLflow's: the native module
    # Without a params schema MLflow ignores predict-time params (with a warning), device too.
    with pytest.warns(UserWarning, match="params schema"):
        assert model.predict(x, params={"device": "meta"}).shape[0] == len(x)


def test_load_kwargs_reach_torch_load(tmp_path: Path, mlp: Any, x: Any) -> None:
    import pickle

    heron.pytorch.save_model(mlp, tmp_path / "m", pickle_module=pickle)
    assert (tmp_path / "m/data/pickle_module_info.txt").read_text() == "pickle"
    loaded = heron.pytorch.load_model(str(tmp_path / "m"), map_location="cpu", device="cpu")
    np.testing.assert_allclose(_expected(loaded, x), _expected(mlp, x), rtol=1e-6)


def test_extra_files_and_code_paths(tmp_path: Path, mlp: Any) -> None:
    (tmp_path / "vocab.txt").write_text("a b c")
    (tmp_path / "helper.py").write_text("X = 1\n")
    heron.pytorch.save_model(
        mlp,
        tmp_path / "m",
        extra_files=[str(tmp_path / "vocab.txt")],
        code_paths=[str(tmp_path / "helper.py")],
    )
    conf = _mlmodel(tmp_path / "m")["flavors"]["pytorch"]
    assert conf["extra_files"] == [{"path": "extra_files/vocab.txt"}]
    assert conf["code"] == "code"
    assert (tmp_path / "m/extra_files/vocab.txt").read_text() == "a b c"
    with pytest.raises(InvalidParameter, match="names no file"):
        heron.pytorch.save_model(mlp, tmp_path / "dots", extra_files=[str(tmp_path / "..")])
    with pytest.raises(InvalidParameter, match="list"):
        heron.pytorch.save_model(mlp, tmp_path / "n", extra_files=str(tmp_path / "vocab.txt"))  # type: ignore[arg-type]


def test_bad_inputs_are_refused(tmp_path: Path, mlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidParameter, match=r"torch\.nn\.Module"):
        heron.pytorch.save_model({"not": "a module"}, tmp_path / "a")
    with pytest.raises(InvalidParameter, match="'pickle' or 'pt2'"):
        heron.pytorch.save_model(mlp, tmp_path / "b", serialization_format="onnx")
    heron.pytorch.save_model(mlp, tmp_path / "c")
    with pytest.raises(AlreadyExists):
        heron.pytorch.save_model(mlp, tmp_path / "c")
    with pytest.raises(NotFound, match="MLmodel"):
        heron.pytorch.load_model(str(tmp_path))
    other = Model().add_flavor("other")
    (tmp_path / "other").mkdir()
    other.save(tmp_path / "other")
    with pytest.raises(NotFound, match="pytorch"):
        heron.pytorch.load_model(str(tmp_path / "other"))
    monkeypatch.setenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "false")
    with pytest.raises(InvalidParameter, match="MLFLOW_ALLOW_PICKLE_DESERIALIZATION"):
        heron.pytorch.load_model(str(tmp_path / "c"))


def test_state_dict_save_log_and_load(fluent: ModuleType, tmp_path: Path, mlp: Any) -> None:
    heron.pytorch.save_state_dict(mlp.state_dict(), tmp_path / "sd")
    loaded = heron.pytorch.load_state_dict(str(tmp_path / "sd"))
    assert loaded.keys() == mlp.state_dict().keys()
    with pytest.raises(InvalidParameter, match="dict"):
        heron.pytorch.save_state_dict(mlp, tmp_path / "bad")
    with fluent.start_run() as run:
        heron.pytorch.log_state_dict({"model": mlp.state_dict(), "epoch": 3}, "checkpoint")
    checkpoint = heron.pytorch.load_state_dict(f"runs:/{run.info.run_id}/checkpoint")
    assert checkpoint["epoch"] == 3
    fresh = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    fresh.load_state_dict(checkpoint["model"])


def test_log_model_with_mlflow3_arguments(fluent: ModuleType, mlp: Any, x: Any) -> None:
    with fluent.start_run() as run:
        info = heron.pytorch.log_model(
            mlp,
            name="mlp",
            params={"lr": 0.1},
            tags={"team": "a"},
            model_type="classifier",
            step=7,
            registered_model_name="torch-mlp",
        )
    assert info.registered_model_version == 1
    logged = MlflowClient().get_logged_model(info.model_id)
    assert logged.params == {"lr": "0.1"}
    assert logged.tags["team"] == "a"
    assert logged.model_type == "classifier"
    outputs = fluent.get_run(run.info.run_id).outputs.model_outputs
    assert [(o.model_id, o.step) for o in outputs] == [(info.model_id, 7)]
    for uri in (info.model_uri, "models:/torch-mlp/1"):
        model = heron.pyfunc.load_model(uri)
        np.testing.assert_allclose(model.predict(x), _expected(mlp, x), rtol=1e-6)
