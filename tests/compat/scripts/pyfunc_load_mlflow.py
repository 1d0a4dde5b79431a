"""Run by MLflow's python: load a pyfunc model directory and predict a JSON DataFrame.

Usage: pyfunc_load_mlflow.py <model dir> <split-orient JSON DataFrame>
Prints one JSON line: predictions, the input example, requirements MLflow reads.
"""

from __future__ import annotations

import json
import sys

import mlflow
import pandas as pd


def main() -> None:
    model_dir, frame = sys.argv[1], json.loads(sys.argv[2])
    data = pd.DataFrame(frame["data"], columns=frame["columns"])
    model = mlflow.pyfunc.load_model(model_dir)
    predictions = model.predict(data)
    example = mlflow.models.Model.load(model_dir).load_input_example(model_dir)
    print(
        json.dumps(
            {
                "predictions": predictions.to_dict("list"),
                "example": example.to_dict("list"),
                "inputs": model.metadata.get_input_schema().to_dict(),
            }
        )
    )


if __name__ == "__main__":
    main()
