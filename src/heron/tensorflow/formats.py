"""The three model types of the tensorflow flavor, written and read in MLflow's layout.

``keras``: ``data/model.keras`` (or ``.h5``), ``data/keras_module.txt``,
``data/save_format.txt`` and optional cloudpickled custom objects; ``tf2-module``: a SavedModel
in ``tf2model/``; ``tf1-estimator``: a copied SavedModel directory in ``tfmodel/`` with its
meta graph tags and signature key.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import Any

from heron.exceptions import InvalidParameter, NotFound
from heron.flavors.configuration import require_pickle_allowed
from heron.flavors.saving import FlavorFiles

MODEL_TYPE_KERAS = "keras"
MODEL_TYPE_TF1_ESTIMATOR = "tf1-estimator"
MODEL_TYPE_TF2_MODULE = "tf2-module"
KERAS_DATA_DIR = "data"
MODEL_NAME = "model"
TF2_MODEL_DIR = "tf2model"
SAVED_MODEL_DIR = "tfmodel"
KERAS_MODULE_FILE = "keras_module.txt"
SAVE_FORMAT_FILE = "save_format.txt"
CUSTOM_OBJECTS_FILE = "custom_objects.cloudpickle"


def write_keras(
    directory: str,
    model: Any,
    custom_objects: Mapping[str, Any] | None,
    keras_model_kwargs: Mapping[str, Any] | None,
) -> FlavorFiles:
    """Save a Keras model under ``data/``."""
    import tensorflow as tf

    kwargs = dict(keras_model_kwargs or {})
    save_format = str(kwargs.pop("save_format", "tf"))
    data = os.path.join(directory, KERAS_DATA_DIR)
    os.makedirs(data)
    modules = ["tensorflow"]
    if custom_objects is not None:
        import cloudpickle

        with open(os.path.join(data, CUSTOM_OBJECTS_FILE), "wb") as out:
            cloudpickle.dump(dict(custom_objects), out)
        modules.append("cloudpickle")
    with open(os.path.join(data, KERAS_MODULE_FILE), "w", encoding="utf-8") as out:
        out.write("tensorflow.keras")
    with open(os.path.join(data, SAVE_FORMAT_FILE), "w", encoding="utf-8") as out:
        out.write(save_format)
    suffix = ".h5" if save_format == "h5" else ".keras"
    model.save(os.path.join(data, MODEL_NAME + suffix), **kwargs)
    return FlavorFiles(
        flavor={
            "data": KERAS_DATA_DIR,
            "model_type": MODEL_TYPE_KERAS,
            "keras_version": tf.__version__,
            "save_format": save_format,
        },
        pyfunc={"data": KERAS_DATA_DIR},
        modules=modules,
    )


def write_tf_module(
    directory: str, model: Any, saved_model_kwargs: Mapping[str, Any] | None
) -> FlavorFiles:
    """Save a ``tf.Module`` as a SavedModel in ``tf2model/``."""
    import tensorflow as tf

    tf.saved_model.save(
        model, os.path.join(directory, TF2_MODEL_DIR), **dict(saved_model_kwargs or {})
    )
    return FlavorFiles(
        flavor={"saved_model_dir": TF2_MODEL_DIR, "model_type": MODEL_TYPE_TF2_MODULE},
        pyfunc={},
        modules=["tensorflow"],
    )


def write_saved_model_dir(directory: str, source: str, tags: list[str], key: str) -> FlavorFiles:
    """Copy an existing SavedModel directory into ``tfmodel/``.

    Raises:
        InvalidParameter: ``source`` holds no ``saved_model.pb``.
    """
    if not os.path.isfile(os.path.join(source, "saved_model.pb")):
        raise InvalidParameter(f"'{source}' is not a TensorFlow SavedModel directory")
    shutil.copytree(source, os.path.join(directory, SAVED_MODEL_DIR))
    return FlavorFiles(
        flavor={
            "saved_model_dir": SAVED_MODEL_DIR,
            "meta_graph_tags": tags,
            "signature_def_key": key,
            "model_type": MODEL_TYPE_TF1_ESTIMATOR,
        },
        pyfunc={},
        modules=["tensorflow"],
    )


def model_type_of(flavors: Mapping[str, Any]) -> str:
    """The model type of a tensorflow flavor block (old MLflow models: by the keras flavor)."""
    conf = flavors.get("tensorflow") or {}
    if conf.get("model_type"):
        return str(conf["model_type"])
    if "keras" in flavors:
        return MODEL_TYPE_KERAS
    return MODEL_TYPE_TF1_ESTIMATOR


def _custom_objects(data_dir: str) -> dict[str, Any]:
    path = os.path.join(data_dir, CUSTOM_OBJECTS_FILE)
    if not os.path.isfile(path):
        return {}
    require_pickle_allowed("the Keras custom objects")
    import cloudpickle

    with open(path, "rb") as source:
        loaded: dict[str, Any] = cloudpickle.load(source)
    return loaded


def load_keras(data_dir: str, save_format: str, **kwargs: Any) -> Any:
    """The Keras model in ``data_dir`` (``model.keras``, ``model.h5`` or a SavedModel)."""
    import tensorflow as tf

    custom = _custom_objects(data_dir)
    custom.update(kwargs.pop("custom_objects", None) or {})
    base = os.path.join(data_dir, MODEL_NAME)
    for candidate in (base + ".h5", base + ".keras"):
        if os.path.isfile(candidate):
            return tf.keras.models.load_model(candidate, custom_objects=custom, **kwargs)
    if os.path.isdir(base):
        from heron.flavors.savedmodel import load_saved_model_as_keras

        return load_saved_model_as_keras(base, {"custom_objects": custom, **kwargs})
    raise NotFound(f"No Keras model file in '{data_dir}'")


def load_tensorflow_model(
    model_dir: str,
    conf: Mapping[str, Any],
    saved_model_kwargs: dict[str, Any],
    keras_model_kwargs: dict[str, Any],
) -> Any:
    """The native object of the tensorflow flavor ``conf`` in ``model_dir``."""
    import tensorflow as tf

    from heron.models.model import Model

    model_type = model_type_of(Model.load(model_dir).flavors)
    if model_type == MODEL_TYPE_KERAS:
        data_dir = os.path.join(model_dir, str(conf.get("data") or KERAS_DATA_DIR))
        return load_keras(data_dir, str(conf.get("save_format", "h5")), **keras_model_kwargs)
    saved = os.path.join(model_dir, str(conf["saved_model_dir"]))
    if model_type == MODEL_TYPE_TF2_MODULE:
        return tf.saved_model.load(saved, **saved_model_kwargs)
    if model_type == MODEL_TYPE_TF1_ESTIMATOR:
        loaded = tf.saved_model.load(saved, tags=conf.get("meta_graph_tags"))
        key = str(conf.get("signature_def_key") or "serving_default")
        if key not in loaded.signatures:
            raise NotFound(
                f"Could not find signature def key {key}. Available keys are: "
                f"{sorted(loaded.signatures.keys())}"
            )
        return loaded.signatures[key]
    raise InvalidParameter(f"Unknown model_type: {model_type}")
