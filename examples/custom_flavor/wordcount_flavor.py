"""A custom model flavor: ``wordcount``, a keyword-weight text scorer stored as JSON.

This is the whole recipe for a flavor of your own. It needs:

* ``save_model(model, path, ...)``: serialize the model inside ``write(directory)`` and let
  :func:`heron.flavors.save_flavor_model` write the rest (MLmodel, environment files,
  signature, input example, ``code/``, extra files) atomically;
* ``log_model(model, name=..., ...)``: :func:`heron.flavors.log_flavor_model` around it, so
  runs, logged models and ``registered_model_name`` work as for the built-in flavors;
* ``load_model(model_uri)``: the native object back, from any model URI;
* ``_load_pyfunc(path)``: an object with ``predict(data, params=None)``; the
  ``python_function`` block of MLmodel names this module as ``loader_module``, so
  ``heron.pyfunc.load_model``, ``heron models serve`` and registered versions load it.

The module must be importable where the model is loaded: installed, or shipped inside the
model with ``code_paths=[__file__]`` (as ``log_model`` below does).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from heron.flavors import (
    FlavorFiles,
    add_code_to_path,
    flavor_configuration,
    log_flavor_model,
    save_flavor_model,
)
from heron.models.model import ModelInfo

FLAVOR_NAME = "wordcount"
MODEL_FILE = "weights.json"


@dataclass
class WordCountModel:
    """Scores a text by adding the weights of the words it contains."""

    weights: dict[str, float] = field(default_factory=dict)

    def score(self, text: str) -> float:
        """The sum of the weights of the words of ``text``."""
        return sum(self.weights.get(word, 0.0) for word in text.lower().split())


def save_model(
    model: WordCountModel,
    path: str | os.PathLike[str],
    mlflow_model: Any = None,
    code_paths: Sequence[str] | None = None,
    input_example: Any = None,
    signature: Any = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Save ``model`` as an MLflow model directory with the ``wordcount`` flavor."""

    def write(directory: str) -> FlavorFiles:
        with open(os.path.join(directory, MODEL_FILE), "w", encoding="utf-8") as out:
            json.dump(model.weights, out)
        return FlavorFiles(
            flavor={"data": MODEL_FILE, "format_version": 1},
            pyfunc={"data": MODEL_FILE},  # _load_pyfunc gets <model dir>/weights.json
            modules=[],  # pinned requirements; this flavor needs nothing beyond Heron
        )

    save_flavor_model(
        path,
        FLAVOR_NAME,
        __name__,  # the loader module written in MLmodel
        write,
        mlflow_model=mlflow_model,
        code_paths=code_paths,
        input_example=input_example,
        signature=signature,
        metadata=metadata,
        predict=_WordCountPyfunc(model).predict,  # infers the signature from the example
    )


def log_model(
    model: WordCountModel,
    name: str = "model",
    registered_model_name: str | None = None,
    input_example: Any = None,
    params: Mapping[str, Any] | None = None,
) -> ModelInfo:
    """Log ``model`` to the active run; this module travels inside it (``code/``)."""
    return log_flavor_model(
        save_model,
        FLAVOR_NAME,
        name=name,
        registered_model_name=registered_model_name,
        params=params,
        model=model,
        code_paths=[__file__],
        input_example=input_example,
    )


def load_model(model_uri: str) -> WordCountModel:
    """The WordCountModel of any model URI (path, ``runs:/``, ``models:/``...)."""
    from heron.artifacts import download_model

    local = download_model(model_uri)
    conf = flavor_configuration(local, FLAVOR_NAME)
    add_code_to_path(local, conf)
    return _read(os.path.join(local, conf["data"]))


def _read(path: str) -> WordCountModel:
    with open(path, encoding="utf-8") as source:
        return WordCountModel({str(k): float(v) for k, v in json.load(source).items()})


class _WordCountPyfunc:
    """The pyfunc view: a DataFrame with a ``text`` column (or a list of texts) in, scores out."""

    def __init__(self, model: WordCountModel) -> None:
        self.model = model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        import pandas as pd

        texts = data["text"] if isinstance(data, pd.DataFrame) else data
        return pd.Series([self.model.score(str(t)) for t in texts], name="score")


def _load_pyfunc(path: str) -> _WordCountPyfunc:
    """Called by ``heron.pyfunc.load_model`` with ``<model dir>/weights.json``."""
    return _WordCountPyfunc(_read(path))
