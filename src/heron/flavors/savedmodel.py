"""Keras models MLflow 2.x stored as TensorFlow SavedModel directories (``save_format="tf"``).

Keras 3 no longer reads them as Keras models: they load as an inference-only model around
their ``serving_default`` signature (``keras.layers.TFSMLayer``), which still predicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def load_saved_model_as_keras(path: str, load_kwargs: Mapping[str, Any] | None = None) -> Any:
    """The Keras model in the SavedModel directory ``path`` (inference-only if Keras 3).

    Raises:
        InvalidParameter: TensorFlow is not installed.
    """
    try:
        import tensorflow as tf
    except ImportError as error:
        from heron.exceptions import InvalidParameter

        raise InvalidParameter(
            "This Keras model is a TensorFlow SavedModel: install `tensorflow` "
            "(pip install 'heron[tensorflow]') to load it."
        ) from error
    try:
        return tf.keras.models.load_model(path, **dict(load_kwargs or {}))
    except ValueError:  # Keras 3: "File format not supported" for SavedModel directories
        import keras

        layer = keras.layers.TFSMLayer(path, call_endpoint="serving_default")
        return keras.Sequential([layer])
