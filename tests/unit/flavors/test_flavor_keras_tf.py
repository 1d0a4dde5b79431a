"""heron.keras (Keras 3 ``.keras`` archives) and heron.tensorflow (Keras models, tf.Modules and
existing SavedModel directories, as in seed 002)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

keras = pytest.importorskip("keras")

import heron.keras  # noqa: E402
import heron.pyfunc  # noqa: E402
from heron.exceptions import InvalidParameter  # noqa: E402


@pytest.fixture(scope="module")
def x() -> np.ndarray[Any, Any]:
    return np.random.default_rng(0).random((5, 4), dtype=np.float32)


@pytest.fixture(scope="module")
def tiny_keras() -> Any:
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
    )


def test_keras_layout_and_round_trip(tmp_path: Path, tiny_keras: Any, x: Any) -> None:
    heron.keras.save_model(tiny_keras, tmp_path / "m", input_example=x[:2])
    flavors = yaml.safe_load((tmp_path / "m" / "MLmodel").read_text())["flavors"]
    assert flavors["keras"]["data"] == "data"
    assert flavors["keras"]["keras_backend"] == keras.backend.backend()
    assert flavors["keras"]["save_exported_model"] is False
    assert flavors["python_function"]["loader_module"] == "mlflow.keras"
    assert (tmp_path / "m" / "data" / "model.keras").is_file()
    assert (tmp_path / "m" / "data" / "keras_module.txt").read_text() == "keras"
    expected = tiny_keras.predict(x, verbose=0)
    native = heron.keras.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(native.predict(x, verbose=0), expected, rtol=1e-5)
    model = heron.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-5)
    # Without a signature the DataFrame reaches the model and its index comes back.
    heron.keras.save_model(tiny_keras, tmp_path / "unsigned")
    frame = heron.pyfunc.load_model(str(tmp_path / "unsigned")).predict(
        pd.DataFrame(x, index=range(3, 8))
    )
    assert list(frame.index) == list(range(3, 8))
    with pytest.raises(InvalidParameter, match=r"keras\.Model"):
        heron.keras.save_model("not a model", tmp_path / "n")


def test_legacy_h5_layout_loads(tmp_path: Path, tiny_keras: Any, x: Any) -> None:
    """MLflow 2.x's Keras flavor: data/model.h5 with save_format h5."""
    from heron.models.model import Model

    (tmp_path / "m" / "data").mkdir(parents=True)
    tiny_keras.save(tmp_path / "m" / "data" / "model.h5")
    model = Model()
    model.add_flavor("python_function", loader_module="mlflow.keras", data="data")
    model.add_flavor("keras", keras_module="tensorflow.keras", save_format="h5", data="data")
    model.save(tmp_path / "m")
    loaded = heron.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(loaded.predict(x), tiny_keras.predict(x, verbose=0), rtol=1e-5)


def test_legacy_saved_model_layout_loads(tmp_path: Path, tiny_keras: Any, x: Any) -> None:
    """MLflow 2.x's Keras flavor with save_format tf: a SavedModel directory data/model."""
    pytest.importorskip("tensorflow")
    from heron.models.model import Model

    tiny_keras.export(str(tmp_path / "m" / "data" / "model"), verbose=False)
    model = Model()
    model.add_flavor("python_function", loader_module="mlflow.keras", data="data")
    model.add_flavor("keras", keras_module="tensorflow.keras", save_format="tf", data="data")
    model.save(tmp_path / "m")
    loaded = heron.pyfunc.load_model(str(tmp_path / "m"))
    np.testing.assert_allclose(loaded.predict(x), tiny_keras.predict(x, verbose=0), rtol=1e-5)


def test_tensorflow_saved_model_dir_as_in_seed_002(tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow")
    import heron.tensorflow

    class Linear(tf.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            self.w = tf.Variable([[1.0], [2.0]])

        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="x")])
        def __call__(self, x: Any) -> Any:
            return {"y": tf.matmul(x, self.w)}

    module = Linear()
    tf.saved_model.save(
        module, str(tmp_path / "raw"), signatures={"serving_default": module.__call__}
    )
    heron.tensorflow.save_model(
        path=tmp_path / "m",
        tf_saved_model_dir=str(tmp_path / "raw"),
        tf_meta_graph_tags=["serve"],
        tf_signature_def_key="serving_default",
    )
    conf = yaml.safe_load((tmp_path / "m" / "MLmodel").read_text())["flavors"]["tensorflow"]
    assert conf["model_type"] == "tf1-estimator"
    assert (tmp_path / "m" / conf["saved_model_dir"] / "saved_model.pb").is_file()
    model = heron.pyfunc.load_model(str(tmp_path / "m"))
    frame = model.predict(pd.DataFrame({"x": [[1.0, 1.0], [2.0, 0.0]]}))
    assert frame["y"].tolist() == [3.0, 2.0]
    assert model.predict({"x": [[0.0, 1.0]]})["y"].tolist() == [2.0]
    infer = heron.tensorflow.load_model(str(tmp_path / "m"))
    assert infer(x=tf.constant([[1.0, 0.0]]))["y"].numpy().tolist() == [[1.0]]
    with pytest.raises(InvalidParameter, match="exactly one"):
        heron.tensorflow.save_model(path=tmp_path / "n")
    with pytest.raises(InvalidParameter, match="SavedModel"):
        heron.tensorflow.save_model(path=tmp_path / "n", tf_saved_model_dir=str(tmp_path))


def test_tensorflow_keras_and_module(tmp_path: Path, x: Any) -> None:
    tf = pytest.importorskip("tensorflow")
    import heron.tensorflow

    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3)])
    heron.tensorflow.save_model(model, tmp_path / "k", input_example=x[:2])
    conf = yaml.safe_load((tmp_path / "k" / "MLmodel").read_text())["flavors"]["tensorflow"]
    assert conf["model_type"] == "keras"
    expected = model.predict(x, verbose=0)
    np.testing.assert_allclose(
        heron.pyfunc.load_model(str(tmp_path / "k")).predict(x), expected, rtol=1e-5
    )

    class Square(tf.Module):  # type: ignore[misc]
        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def __call__(self, v: Any) -> Any:
            return v * v

    heron.tensorflow.save_model(Square(), tmp_path / "mod")
    out = heron.pyfunc.load_model(str(tmp_path / "mod")).predict(np.array([2.0, 3.0], np.float32))
    assert out.tolist() == [4.0, 9.0]
