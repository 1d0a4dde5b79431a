"""Finding and loading the Keras model file of a model directory, old layouts included.

Keras 3 (MLflow 3.x): ``data/model.keras``, or ``data/model`` exported as a SavedModel.
MLflow 2.x's Keras flavor: ``save_format`` ``h5`` (``data/model.h5``) or ``tf`` (a SavedModel
directory ``data/model``, loaded with TensorFlow's own Keras).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from heron.exceptions import InvalidParameter, NotFound


def _tensorflow() -> Any:
    try:
        import tensorflow as tf
    except ImportError as error:
        raise InvalidParameter(
            "This Keras model is a TensorFlow SavedModel: install `tensorflow` "
            "(pip install 'heron[tensorflow]') to load it."
        ) from error
    return tf


def load_keras_model(
    model_dir: str,
    conf: Mapping[str, Any],
    custom_objects: Mapping[str, Any] | None = None,
    load_kwargs: Mapping[str, Any] | None = None,
) -> Any:
    """The model of the keras flavor ``conf`` in ``model_dir``.

    Raises:
        NotFound: The model file is missing.
        InvalidParameter: A SavedModel without TensorFlow installed.
    """
    base = os.path.join(model_dir, str(conf.get("data") or "data"))
    if os.path.isdir(base):
        base = os.path.join(base, "model")
    if conf.get("save_exported_model"):
        return _tensorflow().saved_model.load(base)
    kwargs = dict(load_kwargs or {})
    if custom_objects is not None:
        kwargs["custom_objects"] = dict(custom_objects)
    for suffix in (".keras", ".h5"):
        if os.path.isfile(base + suffix):
            import keras

            return keras.saving.load_model(base + suffix, **kwargs)
    if os.path.isdir(base):
        from heron.flavors.savedmodel import load_saved_model_as_keras

        return load_saved_model_as_keras(base, kwargs)
    raise NotFound(f"No Keras model file under '{os.path.dirname(base)}'")
