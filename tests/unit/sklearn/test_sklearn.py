"""heron.sklearn: save/load round trips per format, pyfunc_predict_fn, log_model, errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.linear_model import LogisticRegression

import heron
import heron.sklearn
from heron import config
from heron.exceptions import AlreadyExists, InvalidParameter, NotFound
from heron.tracking import session

FORMATS = ["pickle", "cloudpickle", "skops"]


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray[Any, Any]]:
    """A tiny two-class problem with named float columns."""
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    y = (x["a"] + x["b"] > 0).astype(int).to_numpy()
    return x, y


@pytest.fixture(scope="module")
def model(data: tuple[pd.DataFrame, Any]) -> LogisticRegression:
    """A fitted logistic regression."""
    x, y = data
    return LogisticRegression().fit(x, y)


@pytest.fixture
def fluent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """``heron`` on a new SQLite store in ``tmp_path``, with no active run."""
    monkeypatch.chdir(tmp_path)
    for name in ("TRACKING_URI", "EXPERIMENT_NAME", "EXPERIMENT_ID", "RUN_ID"):
        for env in config.ALL[name].env_names:
            monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("HERON_TRACKING_URI", f"sqlite:///{tmp_path / 'heron.db'}")
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    session.reset()
    yield heron
    while heron.active_run() is not None:
        heron.end_run()
    session.reset()


@pytest.mark.parametrize("fmt", FORMATS)
def test_save_and_load_round_trip(
    tmp_path: Path, model: LogisticRegression, data: tuple[pd.DataFrame, Any], fmt: str
) -> None:
    x, _ = data
    path = tmp_path / "model"
    heron.sklearn.save_model(model, path, serialization_format=fmt)
    loaded = heron.sklearn.load_model(str(path))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    mlmodel = yaml.safe_load((path / "MLmodel").read_text())
    file_name = "model.skops" if fmt == "skops" else "model.pkl"
    flavor = mlmodel["flavors"]["sklearn"]
    assert flavor["pickled_model"] == file_name
    assert flavor["serialization_format"] == fmt
    assert flavor["code"] is None
    assert flavor["skops_trusted_types"] is None
    pyfunc = mlmodel["flavors"]["python_function"]
    assert pyfunc["loader_module"] == "mlflow.sklearn"
    assert pyfunc["model_path"] == file_name
    assert pyfunc["predict_fn"] == "predict"
    assert pyfunc["env"] == {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}
    assert (path / file_name).is_file()
    assert (path / "requirements.txt").is_file()
    assert "scikit-learn==" in (path / "requirements.txt").read_text()


def test_default_format_is_skops_when_installed(tmp_path: Path, model: LogisticRegression) -> None:
    heron.sklearn.save_model(model, tmp_path / "m")
    flavor = yaml.safe_load((tmp_path / "m" / "MLmodel").read_text())["flavors"]["sklearn"]
    assert flavor["serialization_format"] == "skops"
    assert "skops==" in (tmp_path / "m" / "requirements.txt").read_text()


@pytest.mark.parametrize("fmt", FORMATS)
def test_pyfunc_wrapper_calls_predict_fn(
    tmp_path: Path, model: LogisticRegression, data: tuple[pd.DataFrame, Any], fmt: str
) -> None:
    x, _ = data
    path = tmp_path / "model"
    heron.sklearn.save_model(
        model, path, serialization_format=fmt, pyfunc_predict_fn="predict_proba"
    )
    wrapper = heron.sklearn._load_pyfunc(str(path))
    np.testing.assert_allclose(wrapper.predict(x), model.predict_proba(x))
    np.testing.assert_allclose(wrapper.predict_proba(x), model.predict_proba(x))
    assert wrapper.get_raw_model().__class__ is LogisticRegression
    # The loader also accepts the model file itself, as MLflow's does.
    by_file = heron.sklearn._load_pyfunc(
        os.path.join(path, "model.skops" if fmt == "skops" else "model.pkl")
    )
    np.testing.assert_allclose(by_file.predict(x), model.predict_proba(x))


def test_metadata_and_pip_requirements(tmp_path: Path, model: LogisticRegression) -> None:
    path = tmp_path / "m"
    heron.sklearn.save_model(
        model, path, metadata={"owner": "me"}, pip_requirements=["scikit-learn", "pandas"]
    )
    mlmodel = yaml.safe_load((path / "MLmodel").read_text())
    assert mlmodel["metadata"] == {"owner": "me"}
    assert mlmodel["model_size_bytes"] > 0
    assert (path / "requirements.txt").read_text().split() == ["scikit-learn", "pandas"]


def test_unknown_format_fails_and_writes_nothing(tmp_path: Path, model: LogisticRegression) -> None:
    with pytest.raises(InvalidParameter, match="Unrecognized serialization format: json"):
        heron.sklearn.save_model(model, tmp_path / "m", serialization_format="json")
    assert os.listdir(tmp_path) == []


class _Custom:
    """A class skops does not trust by default."""

    def predict(self, x: Any) -> Any:
        return np.zeros(len(x))


def test_skops_untrusted_type_fails_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match="untrusted types"):
        heron.sklearn.save_model(_Custom(), tmp_path / "m", serialization_format="skops")
    assert os.listdir(tmp_path) == []


def test_existing_directory_is_refused(tmp_path: Path, model: LogisticRegression) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "x").write_text("x")
    with pytest.raises(AlreadyExists):
        heron.sklearn.save_model(model, tmp_path / "m")


def test_load_errors(tmp_path: Path, model: LogisticRegression) -> None:
    with pytest.raises(NotFound, match="MLmodel"):
        heron.sklearn.load_model(str(tmp_path))
    path = tmp_path / "m"
    heron.sklearn.save_model(model, path)
    mlmodel = yaml.safe_load((path / "MLmodel").read_text())
    del mlmodel["flavors"]["sklearn"]
    (path / "MLmodel").write_text(yaml.safe_dump(mlmodel))
    with pytest.raises(NotFound, match='"sklearn" flavor'):
        heron.sklearn.load_model(str(path))


def test_pickle_deserialization_can_be_disallowed(
    tmp_path: Path, model: LogisticRegression, monkeypatch: pytest.MonkeyPatch
) -> None:
    heron.sklearn.save_model(model, tmp_path / "m", serialization_format="pickle")
    monkeypatch.setenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "false")
    with pytest.raises(InvalidParameter, match="MLFLOW_ALLOW_PICKLE_DESERIALIZATION"):
        heron.sklearn.load_model(str(tmp_path / "m"))


def test_log_model_then_load_from_runs_uri(
    fluent: ModuleType, model: LogisticRegression, data: tuple[pd.DataFrame, Any]
) -> None:
    x, _ = data
    with fluent.start_run() as run:
        info = heron.sklearn.log_model(model, name="clf", serialization_format="cloudpickle")
    assert info.run_id == run.info.run_id
    assert info.flavors["sklearn"]["serialization_format"] == "cloudpickle"
    loaded = heron.sklearn.load_model(f"runs:/{run.info.run_id}/clf")
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    by_info = heron.sklearn.load_model(info.model_uri)
    np.testing.assert_array_equal(by_info.predict(x), model.predict(x))


def test_input_example_gives_signature_and_pyfunc_predicts(
    tmp_path: Path, model: LogisticRegression, data: tuple[pd.DataFrame, Any]
) -> None:
    import heron.pyfunc
    from heron.models.model import Model

    x, _ = data
    path = tmp_path / "m"
    heron.sklearn.save_model(model, path, input_example=x[:2], pyfunc_predict_fn="predict_proba")
    saved = Model.load(path)
    assert saved.signature is not None
    assert [c.name for c in saved.signature.inputs.inputs] == ["a", "b", "c"]
    assert saved.saved_input_example_info is not None
    assert saved.saved_input_example_info["type"] == "dataframe"
    pyfunc_model = heron.pyfunc.load_model(str(path))
    np.testing.assert_allclose(
        np.asarray(pyfunc_model.predict(x)), model.predict_proba(x), rtol=1e-12
    )


def test_signature_false_writes_none(
    tmp_path: Path, model: LogisticRegression, data: tuple[pd.DataFrame, Any]
) -> None:
    x, _ = data
    heron.sklearn.save_model(model, tmp_path / "m", input_example=x[:2], signature=False)
    assert "signature" not in yaml.safe_load((tmp_path / "m" / "MLmodel").read_text())


def test_code_paths_are_copied(tmp_path: Path, model: LogisticRegression) -> None:
    helper = tmp_path / "my_helper.py"
    helper.write_text("VALUE = 1\n")
    heron.sklearn.save_model(model, tmp_path / "m", code_paths=[str(helper)])
    flavors = yaml.safe_load((tmp_path / "m" / "MLmodel").read_text())["flavors"]
    assert flavors["sklearn"]["code"] == "code"
    assert flavors["python_function"]["code"] == "code"
    assert (tmp_path / "m" / "code" / "my_helper.py").is_file()


def test_missing_predict_fn_writes_no_pyfunc_flavor(
    tmp_path: Path, model: LogisticRegression
) -> None:
    heron.sklearn.save_model(model, tmp_path / "m", pyfunc_predict_fn="transform")
    flavors = yaml.safe_load((tmp_path / "m" / "MLmodel").read_text())["flavors"]
    assert sorted(flavors) == ["sklearn"]


def test_log_model_registers_the_logged_model(
    fluent: ModuleType, model: LogisticRegression
) -> None:
    with fluent.start_run() as run:
        info = heron.sklearn.log_model(model, name="clf", registered_model_name="wine")
    assert info.registered_model_version == 1
    assert info.flavors["sklearn"]["serialization_format"] == "skops"
    assert info.model_uri == f"models:/{info.model_id}"  # MLflow 3.x
    version = heron.MlflowClient().get_model_version("wine", "1")
    assert (version.source, version.run_id) == (info.model_uri, run.info.run_id)
    assert version.model_id == info.model_id
    assert "mlflow.log-model.history" not in fluent.get_run(run.info.run_id).data.tags


def test_load_model_copies_to_dst_path(
    tmp_path: Path, model: LogisticRegression, data: tuple[pd.DataFrame, Any]
) -> None:
    x, _ = data
    heron.sklearn.save_model(model, tmp_path / "m", serialization_format="pickle")
    (tmp_path / "dst").mkdir()
    loaded = heron.sklearn.load_model(f"file://{tmp_path / 'm'}", dst_path=str(tmp_path / "dst"))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert (tmp_path / "dst" / "m" / "MLmodel").is_file()
