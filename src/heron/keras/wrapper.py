"""The pyfunc view of a Keras model: DataFrames, arrays and dicts of arrays in, arrays out."""

from __future__ import annotations

from typing import Any

from heron.exceptions import InvalidParameter


class KerasModelWrapper:
    """Wraps a Keras model (or an exported one, called through its ``serve`` endpoint).

    A DataFrame gives a DataFrame with the same index; other inputs (ndarray, list, tuple,
    dict of arrays for multi-input models) give numpy arrays.
    """

    def __init__(self, model: Any, save_exported_model: bool = False) -> None:
        self.model = model
        self.save_exported_model = save_exported_model

    def get_raw_model(self) -> Any:
        """The underlying Keras (or TensorFlow) model."""
        return self.model

    def _call(self, data: Any) -> Any:
        if self.save_exported_model:
            return self.model.serve(data)
        return self.model.predict(data, verbose=0)

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The model's predictions for ``data`` (``params`` are not used).

        Raises:
            InvalidParameter: Unsupported input type.
        """
        import numpy as np
        import pandas as pd

        if isinstance(data, pd.DataFrame):
            return pd.DataFrame(_to_numpy(self._call(data.values)), index=data.index)
        if not isinstance(data, (np.ndarray, list, tuple, dict)):
            raise InvalidParameter(
                "`data` must be one of: ['ndarray', 'list', 'tuple', 'dict'] or a DataFrame, "
                f"but received type: {type(data).__name__}."
            )
        return _to_numpy(self._call(data))


def _to_numpy(value: Any) -> Any:
    import keras

    if isinstance(value, dict):
        if len(value) == 1:  # a SavedModel signature's single named output
            return keras.ops.convert_to_numpy(next(iter(value.values())))
        return {k: keras.ops.convert_to_numpy(v) for k, v in value.items()}
    return keras.ops.convert_to_numpy(value)
