"""The pyfunc view of an ONNX model: an onnxruntime session fed DataFrames, arrays or dicts."""

from __future__ import annotations

import os
from typing import Any

from heron.exceptions import InvalidParameter
from heron.models.frames import is_dataframe


class OnnxModelWrapper:
    """Runs ``model.onnx`` with the providers and session options of its MLmodel.

    ``predict`` takes a dict of arrays (the feed), an ndarray (models with one input), or a
    DataFrame (its values for one input; one column per input otherwise). float64 values
    fed to float inputs are cast to float32. A DataFrame gives a DataFrame with a column per
    output, other inputs a dict of output name to array.
    """

    def __init__(self, path: str) -> None:
        from heron.flavors.configuration import flavor_configuration
        from heron.onnx.session import inference_session

        model_dir = os.path.dirname(path) if os.path.isfile(path) else path
        model_file = path if os.path.isfile(path) else os.path.join(path, "model.onnx")
        conf = flavor_configuration(model_dir, "onnx")
        self.rt = inference_session(
            model_file, conf.get("providers"), conf.get("onnx_session_options")
        )
        self.inputs = [(i.name, i.type) for i in self.rt.get_inputs()]
        self.output_names = [o.name for o in self.rt.get_outputs()]
        self._float_inputs = [name for name, kind in self.inputs if kind == "tensor(float)"]

    def get_raw_model(self) -> Any:
        """The onnxruntime ``InferenceSession``."""
        return self.rt

    def _feed(self, data: Any) -> dict[str, Any]:
        import numpy as np

        if isinstance(data, dict):
            feed = {str(k): np.asarray(v) for k, v in data.items()}
        elif isinstance(data, np.ndarray):
            if len(self.inputs) != 1:
                raise InvalidParameter(
                    "Numpy arrays can only be used as input for ONNX models that have a single "
                    f"input. This model requires {len(self.inputs)} inputs: pass a dict or a "
                    f"DataFrame with the tensors {[name for name, _ in self.inputs]}."
                )
            feed = {self.inputs[0][0]: data}
        elif is_dataframe(data):
            if len(self.inputs) == 1:
                feed = {self.inputs[0][0]: data.values}
            else:
                missing = [name for name, _ in self.inputs if name not in data.columns]
                if missing:
                    raise InvalidParameter(f"The input DataFrame lacks the model inputs {missing}")
                feed = {name: data[name].values for name, _ in self.inputs}
        else:
            raise InvalidParameter(
                "Input should be a dictionary or a numpy array or a pandas.DataFrame, got "
                f"'{type(data).__name__}'"
            )
        for name in self._float_inputs:
            value = feed.get(name)
            if value is not None and value.dtype == np.float64:
                feed[name] = value.astype(np.float32)
        return feed

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The model's outputs for ``data`` (``params`` are not used, as in MLflow)."""
        outputs = self.rt.run(self.output_names, self._feed(data))
        if is_dataframe(data):
            import numpy as np
            import pandas as pd

            return pd.DataFrame(
                {
                    n: np.asarray(o).reshape(-1)
                    for n, o in zip(self.output_names, outputs, strict=True)
                }
            )
        return dict(zip(self.output_names, outputs, strict=True))
