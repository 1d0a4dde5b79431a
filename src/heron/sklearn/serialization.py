"""Writing and reading the serialized scikit-learn estimator: pickle, cloudpickle or skops.

The file names and format names are MLflow's (``model.pkl`` for pickle and cloudpickle,
``model.skops`` for skops), so a model written by one library loads in the other.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
from collections.abc import Sequence
from typing import Any

from heron.exceptions import InvalidParameter

SERIALIZATION_FORMAT_SKOPS = "skops"
SERIALIZATION_FORMAT_PICKLE = "pickle"
SERIALIZATION_FORMAT_CLOUDPICKLE = "cloudpickle"
SUPPORTED_SERIALIZATION_FORMATS = (
    SERIALIZATION_FORMAT_SKOPS,
    SERIALIZATION_FORMAT_PICKLE,
    SERIALIZATION_FORMAT_CLOUDPICKLE,
)
PICKLE_FILE = "model.pkl"
SKOPS_FILE = "model.skops"


def default_serialization_format() -> str:
    """MLflow 3.x's default outside Databricks (``skops``), or ``cloudpickle`` without skops."""
    if importlib.util.find_spec("skops") is not None:
        return SERIALIZATION_FORMAT_SKOPS
    return SERIALIZATION_FORMAT_CLOUDPICKLE


def check_format(serialization_format: str) -> None:
    """Raise InvalidParameter unless ``serialization_format`` is one Heron can write and read."""
    if serialization_format not in SUPPORTED_SERIALIZATION_FORMATS:
        raise InvalidParameter(
            f"Unrecognized serialization format: {serialization_format}. Please specify one of "
            f"the following supported formats: {list(SUPPORTED_SERIALIZATION_FORMATS)}."
        )


def model_file_name(serialization_format: str) -> str:
    """The model file's name inside the model directory for ``serialization_format``."""
    return SKOPS_FILE if serialization_format == SERIALIZATION_FORMAT_SKOPS else PICKLE_FILE


def dump_model(
    sk_model: Any,
    output_path: str,
    serialization_format: str,
    skops_trusted_types: Sequence[str] | None = None,
) -> None:
    """Serialize ``sk_model`` to ``output_path`` in ``serialization_format``.

    For skops, the types skops would refuse to load (``skops.io.get_untrusted_types``) must
    all be listed in ``skops_trusted_types``, so a saved model is always loadable.

    Raises:
        InvalidParameter: Unknown format, an unpicklable model, or untrusted skops types.
    """
    check_format(serialization_format)
    if serialization_format == SERIALIZATION_FORMAT_SKOPS:
        _dump_skops(sk_model, output_path, skops_trusted_types)
        return
    if serialization_format == SERIALIZATION_FORMAT_CLOUDPICKLE:
        import cloudpickle

        pickler: Any = cloudpickle
    else:
        pickler = pickle
    try:
        with open(output_path, "wb") as out:
            # The default protocol, not cloudpickle's newest: readable by more Pythons.
            pickler.dump(sk_model, out, protocol=pickle.DEFAULT_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        raise InvalidParameter(
            f"Pickling sklearn model {type(sk_model).__name__} with {serialization_format} "
            f"failed when saving model: {error}"
        ) from error


def _dump_skops(sk_model: Any, output_path: str, trusted: Sequence[str] | None) -> None:
    from heron.sklearn.skops_import import import_skops_io

    skops_io = import_skops_io()

    try:
        data = skops_io.dumps(sk_model)
    except Exception as error:
        raise InvalidParameter(
            "The sklearn model could not be serialized in the skops serialization format "
            f"({error}). skops does not support custom functions or classes that are not "
            "defined at the top level; use serialization_format='cloudpickle' for such models, "
            "with the caution that loading a pickle can execute arbitrary code."
        ) from error
    untrusted = sorted(set(skops_io.get_untrusted_types(data=data)) - set(trusted or ()))
    if untrusted:
        raise InvalidParameter(
            f"The saved sklearn model references untrusted types: {untrusted}. If you are sure "
            "loading these types is safe, pass them in 'skops_trusted_types' to 'save_model' "
            "or 'log_model'."
        )
    with open(output_path, "wb") as out:
        out.write(data)


def load_model_file(
    path: str,
    serialization_format: str,
    skops_trusted_types: Sequence[str] | None = None,
) -> Any:
    """Deserialize the estimator in the file ``path`` written in ``serialization_format``.

    Like MLflow, refuses when ``MLFLOW_ALLOW_PICKLE_DESERIALIZATION`` is set to false: every
    format can run code from the model (skops' trusted list comes from the model itself).

    Raises:
        InvalidParameter: Unknown format, or deserialization disabled by the environment.
    """
    check_format(serialization_format)
    if os.environ.get("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "true").lower() in ("false", "0"):
        raise InvalidParameter(
            "Deserializing this model is disallowed because "
            "'MLFLOW_ALLOW_PICKLE_DESERIALIZATION' is not set to 'true'. Only load models from "
            "trusted sources."
        )
    if serialization_format == SERIALIZATION_FORMAT_SKOPS:
        from heron.sklearn.skops_import import import_skops_io

        return import_skops_io().load(path, trusted=list(skops_trusted_types or ()) or None)
    with open(path, "rb") as f:
        if serialization_format == SERIALIZATION_FORMAT_CLOUDPICKLE:
            import cloudpickle

            return cloudpickle.load(f)
        return pickle.load(f)
