"""The pyfunc views of the tensorflow flavor's three model types."""

from __future__ import annotations

import os
from typing import Any

from heron.exceptions import InvalidParameter


class SignatureWrapper:
    """A SavedModel signature (``tf1-estimator``): dict or DataFrame of named inputs in,
    dict (or DataFrame) of named outputs out; ``N x 1`` outputs are flattened."""

    def __init__(self, model: Any, infer: Any) -> None:
        self.model = model  # keeps the variables the concrete function refers to alive
        self.infer = infer

    def get_raw_model(self) -> Any:
        """The loaded SavedModel."""
        return self.model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The signature's outputs for ``data`` (``params`` are not used)."""
        import numpy as np
        import pandas as pd
        import tensorflow as tf

        if isinstance(data, dict):
            values = {str(k): np.asarray(v) for k, v in data.items()}
        elif isinstance(data, pd.DataFrame):
            values = {str(c): np.array(data[c].to_list()) for c in data.columns}
        else:
            raise InvalidParameter("Only dict and DataFrame input types are supported")
        # JSON and DataFrames carry float64: cast to the dtypes the signature declares.
        specs = self.infer.structured_input_signature[1]
        feed = {
            k: tf.constant(v, dtype=specs[k].dtype) if k in specs else tf.constant(v)
            for k, v in values.items()
        }
        raw = self.infer(**feed)
        out: dict[str, Any] = {}
        for name in raw:
            value = raw[name].numpy()
            if value.ndim != 1 and all(len(row) == 1 for row in value):
                out[name] = value.ravel()
            else:
                out[name] = value.tolist()
        return out if isinstance(data, dict) else pd.DataFrame.from_dict(out)


class ModuleWrapper:
    """A loaded ``tf.Module`` (``tf2-module``) called on an array or a list."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def get_raw_model(self) -> Any:
        """The loaded module."""
        return self.model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The module's output for ``data`` (``params`` are not used)."""
        import numpy as np
        import tensorflow as tf

        if not isinstance(data, (np.ndarray, list)):
            raise InvalidParameter(
                f"Unsupported input data type: {type(data).__name__}, the input data must be "
                "numpy array or a list."
            )
        result = self.model(tf.convert_to_tensor(data))
        if isinstance(result, dict):
            return {k: v.numpy() if isinstance(v, tf.Tensor) else v for k, v in result.items()}
        return result.numpy() if isinstance(result, tf.Tensor) else result


class KerasWrapper:
    """A Keras model: a DataFrame gives a DataFrame (same index), other inputs arrays."""

    def __init__(self, model: Any) -> None:
        self.keras_model = model

    def get_raw_model(self) -> Any:
        """The Keras model."""
        return self.keras_model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The model's predictions for ``data`` (``params`` are not used)."""
        import numpy as np
        import pandas as pd

        if isinstance(data, pd.DataFrame):
            return pd.DataFrame(self.keras_model.predict(data.values, verbose=0), index=data.index)
        if not isinstance(data, (np.ndarray, list, tuple, dict)):
            raise InvalidParameter(
                f"Unsupported input data type: {type(data).__name__}. Must be one of: "
                "['ndarray', 'list', 'tuple', 'dict']"
            )
        return self.keras_model.predict(data, verbose=0)


def wrapper_for(model: Any) -> Any:
    """The pyfunc wrapper of an in-memory Keras model or ``tf.Module``."""
    import tensorflow as tf

    return KerasWrapper(model) if isinstance(model, tf.keras.Model) else ModuleWrapper(model)


def load_pyfunc_wrapper(path: str) -> Any:
    """Load the model directory ``path`` (or its ``data`` directory) as a pyfunc wrapper."""
    import tensorflow as tf

    from heron.flavors.configuration import flavor_configuration
    from heron.models.model import Model
    from heron.tensorflow.formats import (
        MODEL_TYPE_KERAS,
        MODEL_TYPE_TF2_MODULE,
        load_keras,
        model_type_of,
    )

    model_dir = path if os.path.isfile(os.path.join(path, "MLmodel")) else os.path.dirname(path)
    model = Model.load(model_dir)
    model_type = model_type_of(model.flavors)
    if model_type == MODEL_TYPE_KERAS:
        conf = model.flavors.get("tensorflow") or model.flavors.get("keras") or {}
        data_dir = os.path.join(model_dir, str(conf.get("data") or "data"))
        save_format = str(conf.get("save_format", "h5"))
        return KerasWrapper(load_keras(data_dir, save_format, compile=save_format == "tf"))
    conf = flavor_configuration(model_dir, "tensorflow")
    saved = os.path.join(model_dir, str(conf["saved_model_dir"]))
    if model_type == MODEL_TYPE_TF2_MODULE:
        return ModuleWrapper(tf.saved_model.load(saved))
    loaded = tf.saved_model.load(saved, tags=conf.get("meta_graph_tags"))
    key = str(conf.get("signature_def_key") or "serving_default")
    return SignatureWrapper(loaded, loaded.signatures[key])
