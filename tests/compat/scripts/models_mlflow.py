"""The MLflow side of the model interoperability tests; run with the MLflow venv's python.

Usage:
  models_mlflow.py save DATA OUT      fit a LogisticRegression on DATA (JSON: columns, x, y)
                                      and save it with mlflow.sklearn.save_model under
                                      OUT/<format> for pickle, cloudpickle and skops, with a
                                      signature and an input example
  models_mlflow.py load DATA DIR...   load each model DIR with mlflow.sklearn.load_model and
                                      mlflow.pyfunc.load_model and predict DATA's x

Prints one JSON line: per format or directory, the predictions, signature and input example.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import pandas as pd
from mlflow.models import Model, infer_signature
from sklearn.linear_model import LogisticRegression

FORMATS = ("pickle", "cloudpickle", "skops")


def _frame(data: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(data["x"], columns=data["columns"])


def _describe(path: str) -> dict[str, Any]:
    model = Model.load(path)
    example = model.load_input_example(path)
    return {
        "signature": model.signature.to_dict() if model.signature else None,
        "input_example": example.to_dict(orient="split") if example is not None else None,
        "example_info": model.saved_input_example_info,
    }


def save(data: dict[str, Any], out: str) -> dict[str, Any]:
    """Save one model per serialization format; their predictions and descriptions."""
    x = _frame(data)
    model = LogisticRegression().fit(x, data["y"])
    signature = infer_signature(x, model.predict(x))
    result: dict[str, Any] = {"predictions": model.predict(x).tolist()}
    result["probabilities"] = model.predict_proba(x).tolist()
    for fmt in FORMATS:
        path = os.path.join(out, fmt)
        mlflow.sklearn.save_model(
            model, path, serialization_format=fmt, signature=signature, input_example=x[:3]
        )
        result[fmt] = _describe(path)
    return result


def load(data: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """Each model loaded both ways and its predictions on the data."""
    x = _frame(data)
    result: dict[str, Any] = {}
    for path in paths:
        sk_model = mlflow.sklearn.load_model(path)
        pyfunc_model = mlflow.pyfunc.load_model(path)
        result[path] = {
            "sklearn": sk_model.predict(x).tolist(),
            "pyfunc": pd.Series(pyfunc_model.predict(x)).tolist()
            if pyfunc_model.metadata.flavors["python_function"].get("predict_fn", "predict")
            == "predict"
            else pd.DataFrame(pyfunc_model.predict(x)).to_numpy().tolist(),
            **_describe(path),
        }
    return result


def main() -> None:
    """Dispatch the command and print its JSON result."""
    command, data_file, *rest = sys.argv[1:]
    with open(data_file) as f:
        data = json.load(f)
    result = save(data, rest[0]) if command == "save" else load(data, rest)
    print(json.dumps({"mlflow_version": mlflow.__version__, **result}))


if __name__ == "__main__":
    main()
