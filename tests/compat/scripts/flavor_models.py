"""Save and load one small model per flavor with MLflow or Heron (the same API, by name).

Usage:
  flavor_models.py save --lib=mlflow|heron OUT [--load=DIR]
                                                 build each model, save it with
                                                 <lib>.<flavor>.save_model under OUT/<case>
                                                 (then load DIR's models, as ``load``)
  flavor_models.py load --lib=mlflow|heron DIR   load each DIR/<case> with <lib>.<flavor>
                                                 .load_model and <lib>.pyfunc.load_model

Prints one JSON line: per case, the native and pyfunc predictions on the shared data, the
flavors and the files of the model directory. Run with either library's interpreter.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

import numpy as np
import pandas as pd

COLUMNS = ["a", "b", "c", "d"]


def data() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """20 rows of 4 float32 features and a 0/1 label, the same in every interpreter."""
    rng = np.random.default_rng(7)
    x = rng.random((20, 4), dtype=np.float32)
    return x, (x[:, 0] + x[:, 1] > 1).astype(np.int64)


def frame(x: np.ndarray[Any, Any]) -> pd.DataFrame:
    return pd.DataFrame(x, columns=COLUMNS)


def build_torch(x: Any, y: Any) -> Any:
    import torch

    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))


def build_xgb_booster(x: Any, y: Any) -> Any:
    import xgboost as xgb

    return xgb.train({"objective": "binary:logistic"}, xgb.DMatrix(frame(x), y), 10)


def build_xgb_classifier(x: Any, y: Any) -> Any:
    import xgboost as xgb

    return xgb.XGBClassifier(n_estimators=10).fit(frame(x), y)


def build_lgb_booster(x: Any, y: Any) -> Any:
    import lightgbm as lgb

    params = {"objective": "binary", "verbose": -1, "min_data_in_leaf": 2}
    return lgb.train(params, lgb.Dataset(frame(x), y), 10)


def build_lgb_classifier(x: Any, y: Any) -> Any:
    import lightgbm as lgb

    return lgb.LGBMClassifier(n_estimators=10, min_child_samples=2, verbose=-1).fit(frame(x), y)


def build_onnx(x: Any, y: Any) -> Any:
    from onnx import TensorProto, helper, numpy_helper

    weights = numpy_helper.from_array(np.arange(8, dtype=np.float32).reshape(4, 2) / 8, "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["h"]), helper.make_node("Relu", ["h"], ["y"])],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 2])],
        [weights],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def build_keras(x: Any, y: Any) -> Any:
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
    )


def build_tf_module(x: Any, y: Any) -> Any:
    import tensorflow as tf

    class Linear(tf.Module):
        def __init__(self) -> None:
            self.w = tf.Variable([[1.0], [2.0], [3.0], [4.0]])

        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
        def __call__(self, v: Any) -> Any:
            return {"y": tf.matmul(v, self.w)}

    return Linear()


# case -> (flavor, builder, save kwargs, input kind: "array" | "frame")
CASES: dict[str, tuple[str, Any, dict[str, Any], str]] = {
    "pytorch_pickle": ("pytorch", build_torch, {"serialization_format": "pickle"}, "array"),
    "pytorch_pt2": ("pytorch", build_torch, {"serialization_format": "pt2"}, "array"),
    "xgboost_booster": ("xgboost", build_xgb_booster, {}, "frame"),
    "xgboost_classifier": ("xgboost", build_xgb_classifier, {"model_format": "json"}, "frame"),
    "lightgbm_booster": ("lightgbm", build_lgb_booster, {}, "frame"),
    "lightgbm_classifier": ("lightgbm", build_lgb_classifier, {}, "frame"),
    "onnx": ("onnx", build_onnx, {}, "array"),
    "keras": ("keras", build_keras, {}, "array"),
    "tensorflow_keras": ("tensorflow", build_keras, {}, "array"),
    "tensorflow_module": ("tensorflow", build_tf_module, {}, "array"),
}
# Saved by Heron only: MLflow 3.x's save_model no longer packages a SavedModel directory
# (seed 002's workflow), but it still loads such models.
SAVED_MODEL_DIR_CASE = "tensorflow_saved_model_dir"


def save_saved_model_dir(lib: str, out: str, x: Any) -> dict[str, Any]:
    """Package a SavedModel directory with ``tf_saved_model_dir`` (seed 002)."""
    import tensorflow as tf

    module = build_tf_module(x, None)
    raw = os.path.join(out, "raw-saved-model")
    tf.saved_model.save(module, raw, signatures={"serving_default": module.__call__})
    path = os.path.join(out, SAVED_MODEL_DIR_CASE)
    importlib.import_module(f"{lib}.tensorflow").save_model(
        path=path,
        tf_saved_model_dir=raw,
        tf_meta_graph_tags=["serve"],
        tf_signature_def_key="serving_default",
    )
    native = module(tf.constant(x))["y"].numpy()
    return {
        "native": jsonable(native),
        "pyfunc": jsonable(_pyfunc(lib, path, x, "dict")),
        **describe(path),
    }


def native_predict(case: str, model: Any, x: Any) -> Any:
    """The framework's own prediction for ``x`` with a loaded native model."""
    if case.startswith("pytorch"):
        import torch

        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()
    if case == "xgboost_booster":
        import xgboost as xgb

        return model.predict(xgb.DMatrix(frame(x)))
    if case in ("xgboost_classifier", "lightgbm_classifier"):
        return model.predict_proba(frame(x))
    if case == "lightgbm_booster":
        return model.predict(frame(x))
    if case == "onnx":
        import onnxruntime

        session = onnxruntime.InferenceSession(
            model.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        return session.run(None, {"x": x})[0]
    if case in ("keras", "tensorflow_keras"):
        return model.predict(x, verbose=0)
    if case == SAVED_MODEL_DIR_CASE:
        import tensorflow as tf

        return model(x=tf.constant(x))["y"].numpy()
    return model(x)["y"].numpy()


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return np.asarray(value.to_numpy(), dtype=np.float64).tolist()
    return np.asarray(value, dtype=np.float64).tolist()


def describe(path: str) -> dict[str, Any]:
    import yaml

    with open(os.path.join(path, "MLmodel"), encoding="utf-8") as source:
        mlmodel = yaml.safe_load(source)
    files = sorted(
        os.path.relpath(os.path.join(root, name), path)
        for root, _, names in os.walk(path)
        for name in names
    )
    return {"flavors": {k: sorted(v) for k, v in mlmodel["flavors"].items()}, "files": files}


def save(lib: str, out: str) -> dict[str, Any]:
    x, y = data()
    results: dict[str, Any] = {}
    for case, (flavor, build, kwargs, kind) in CASES.items():
        model = build(x, y)
        module = importlib.import_module(f"{lib}.{flavor}")
        path = os.path.join(out, case)
        example = x[:5] if kind == "array" else frame(x[:5])
        os.makedirs(path)  # MLflow's keras flavor writes the example before creating it
        module.save_model(model, path, input_example=example, **kwargs)
        results[case] = {"native": jsonable(native_predict(case, model, x)), **describe(path)}
        results[case]["pyfunc"] = jsonable(_pyfunc(lib, path, x, kind))
    if lib == "heron":
        results[SAVED_MODEL_DIR_CASE] = save_saved_model_dir(lib, out, x)
    return results


def _pyfunc(lib: str, path: str, x: Any, kind: str) -> Any:
    pyfunc = importlib.import_module(f"{lib}.pyfunc")
    inputs = {"array": x, "frame": frame(x), "dict": {"x": x}}[kind]
    return pyfunc.load_model(path).predict(inputs)


def load(lib: str, directory: str) -> dict[str, Any]:
    x, _ = data()
    results: dict[str, Any] = {}
    for case in sorted(os.listdir(directory)):
        if case == SAVED_MODEL_DIR_CASE:
            flavor, kind = "tensorflow", "dict"
        elif case in CASES:
            flavor, _, _, kind = CASES[case]
        else:
            continue
        path = os.path.join(directory, case)
        module = importlib.import_module(f"{lib}.{flavor}")
        native = module.load_model(path)
        results[case] = {
            "native": jsonable(native_predict(case, native, x)),
            "pyfunc": jsonable(_pyfunc(lib, path, x, kind)),
        }
    return results


def main() -> None:
    command, lib_option, target, *more = sys.argv[1:]
    lib = lib_option.removeprefix("--lib=")
    if command == "load":
        print(json.dumps(load(lib, target)))
        return
    result: dict[str, Any] = {"saved": save(lib, target)}
    for option in more:  # --load=DIR: then load the other library's models, same process
        result["loaded"] = load(lib, option.removeprefix("--load="))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
