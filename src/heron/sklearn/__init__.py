"""The scikit-learn flavor: save, log and load estimators in MLflow's ``sklearn`` format.

``serialization_format`` defaults to ``skops`` (MLflow 3.x's default outside Databricks) when
skops is installed, else to ``cloudpickle``; ``pickle`` is also supported. A model directory
holds ``model.skops`` or ``model.pkl``, the ``sklearn`` flavor block of spec 13.4 and a
``python_function`` block whose loader module is ``mlflow.sklearn`` (Heron loads it with this
module), so MLflow and Heron load each other's models.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.exceptions import InvalidParameter, NotFound
from heron.models.environment import BASE_REQUIREMENT, conda_environment, pinned_requirement
from heron.sklearn.autolog_patches import autolog
from heron.sklearn.serialization import (
    SERIALIZATION_FORMAT_CLOUDPICKLE,
    SERIALIZATION_FORMAT_PICKLE,
    SERIALIZATION_FORMAT_SKOPS,
    SUPPORTED_SERIALIZATION_FORMATS,
    check_format,
    default_serialization_format,
    dump_model,
    load_model_file,
    model_file_name,
)
from heron.sklearn.wrapper import SklearnModelWrapper

if TYPE_CHECKING:
    from heron.models.model import Model, ModelInfo
    from heron.models.signature import ModelSignature

__all__ = [
    "FLAVOR_NAME",
    "SERIALIZATION_FORMAT_CLOUDPICKLE",
    "SERIALIZATION_FORMAT_PICKLE",
    "SERIALIZATION_FORMAT_SKOPS",
    "SUPPORTED_SERIALIZATION_FORMATS",
    "autolog",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]

FLAVOR_NAME = "sklearn"
PYFUNC_FLAVOR_NAME = "python_function"
# The loader module written in MLmodel: MLflow's name, so MLflow can load Heron's models.
LOADER_MODULE = "mlflow.sklearn"

_logger = logging.getLogger(__name__)


def _requirement_modules(serialization_format: str) -> list[str]:
    modules = ["sklearn"]
    if serialization_format == SERIALIZATION_FORMAT_CLOUDPICKLE:
        modules.append("cloudpickle")
    elif serialization_format == SERIALIZATION_FORMAT_SKOPS:
        modules.append("skops")
    return modules


def get_default_pip_requirements(
    include_cloudpickle: bool = False, include_skops: bool = False
) -> list[str]:
    """scikit-learn (and cloudpickle/skops when asked), pinned to the installed versions."""
    modules = ["scikit-learn"]
    modules += ["cloudpickle"] if include_cloudpickle else []
    modules += ["skops"] if include_skops else []
    return [pinned_requirement(module) for module in modules]


def get_default_conda_env(include_cloudpickle: bool = False) -> dict[str, Any]:
    """MLflow's conda environment for a scikit-learn model."""
    return conda_environment([BASE_REQUIREMENT, *get_default_pip_requirements(include_cloudpickle)])


def save_model(
    sk_model: Any,
    path: str | os.PathLike[str],
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    mlflow_model: Model | None = None,
    serialization_format: str | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    pyfunc_predict_fn: str = "predict",
    metadata: dict[str, Any] | None = None,
    skops_trusted_types: Sequence[str] | None = None,
) -> None:
    """Save a scikit-learn estimator as an MLflow model directory at ``path``.

    The directory is built beside ``path`` and moved into place when complete, so a failed
    save leaves nothing behind.

    Args:
        sk_model: The fitted estimator.
        path: The directory to create (must not exist, or be empty).
        conda_env: A conda environment (dict or YAML file path) instead of inferred pins.
        code_paths: Local files or directories copied into the model's ``code/``.
        mlflow_model: The Model to add the flavors to; a new one if None.
        serialization_format: ``skops``, ``cloudpickle`` or ``pickle``; ``skops`` when it is
            installed, else ``cloudpickle``, if None.
        signature: The model signature; inferred from ``input_example`` if None, none if False.
        input_example: An example input, saved as ``input_example.json``.
        pip_requirements: Pip requirements replacing the inferred ones.
        extra_pip_requirements: Pip requirements added to the inferred ones.
        pyfunc_predict_fn: The estimator method pyfunc's ``predict`` calls (``predict``,
            ``predict_proba``, ``predict_log_proba``, ``predict_joint_log_proba``, ``score``).
        metadata: Free-form metadata written to MLmodel.
        skops_trusted_types: Type names skops may load beyond its defaults (skops format).

    Raises:
        InvalidParameter: Bad format, unserializable model, untrusted skops types.
        AlreadyExists: ``path`` exists and is not an empty directory.
    """
    from heron.extras import import_extra

    sklearn = import_extra("sklearn", "sklearn", "heron.sklearn", package="scikit-learn")

    from heron.models.environment import write_environment
    from heron.models.model import Model
    from heron.models.save import copy_code_paths, finish_model, model_directory
    from heron.pyfunc.saving import add_to_model

    if serialization_format is None:
        serialization_format = default_serialization_format()
    check_format(serialization_format)
    if serialization_format != SERIALIZATION_FORMAT_SKOPS:
        _logger.info(
            "Saving the sklearn model with %s: loading it can execute arbitrary code; "
            "'skops' is the safe alternative.",
            serialization_format,
        )
    trusted = list(skops_trusted_types) if skops_trusted_types is not None else None
    model = mlflow_model if mlflow_model is not None else Model()
    file_name = model_file_name(serialization_format)
    with model_directory(path) as directory:
        code = copy_code_paths(directory, list(code_paths) if code_paths else None)
        dump_model(sk_model, os.path.join(directory, file_name), serialization_format, trusted)
        env = write_environment(
            directory,
            _requirement_modules(serialization_format),
            conda_env,
            pip_requirements,
            extra_pip_requirements,
        )
        if hasattr(sk_model, pyfunc_predict_fn):
            add_to_model(
                model,
                loader_module=LOADER_MODULE,
                code=code,
                env=env,
                model_path=file_name,
                predict_fn=pyfunc_predict_fn,
            )
        else:
            _logger.warning(
                "Model was missing function: %s. Not logging python_function flavor!",
                pyfunc_predict_fn,
            )
        model.add_flavor(
            FLAVOR_NAME,
            pickled_model=file_name,
            sklearn_version=sklearn.__version__,
            serialization_format=serialization_format,
            code=code,
            skops_trusted_types=trusted,
        )
        if signature is None and input_example is not None:
            signature = _infer_signature_from_example(input_example, sk_model)
        finish_model(
            directory,
            model,
            None if isinstance(signature, bool) else signature,
            input_example,
            metadata,
        )


def _infer_signature_from_example(example: Any, sk_model: Any) -> ModelSignature | None:
    """The signature of ``sk_model.predict`` on the example; None (with a warning) on failure."""
    from heron.models.signature import infer_signature_from_example

    data = example
    if isinstance(example, tuple) and len(example) == 2 and isinstance(example[1], dict):
        data = example[0]  # (data, params)
    try:
        return infer_signature_from_example(example, sk_model.predict(data))
    except Exception as error:  # inference is best effort, as in MLflow
        _logger.warning("Failed to infer the model signature from the input example: %s", error)
        return None


def _flavor_conf(model_dir: str, model: Model) -> dict[str, Any]:
    conf = model.flavors.get(FLAVOR_NAME)
    if conf is None:
        raise NotFound(
            f"Model does not have the \"{FLAVOR_NAME}\" flavor (at '{model_dir}'); it has "
            f"{sorted(model.flavors)}"
        )
    return conf


def _load_from_dir(model_dir: str, model: Model) -> Any:
    from heron.extras import import_extra

    import_extra("sklearn", "sklearn", "Loading a scikit-learn model", package="scikit-learn")
    conf = _flavor_conf(model_dir, model)
    file_name = conf.get("pickled_model") or model.flavors.get(PYFUNC_FLAVOR_NAME, {}).get(
        "model_path"
    )
    if not file_name:
        raise InvalidParameter(f"The sklearn flavor at '{model_dir}' names no model file")
    return load_model_file(
        os.path.join(model_dir, file_name),
        conf.get("serialization_format", SERIALIZATION_FORMAT_PICKLE),
        conf.get("skops_trusted_types"),
    )


def load_model(model_uri: str | os.PathLike[str], dst_path: str | None = None) -> Any:
    """Load the scikit-learn estimator of a model URI (path, ``runs:/``, ``models:/``, ...).

    Args:
        model_uri: Where the model is.
        dst_path: A local directory to download it to; a temporary one (or the model in
            place, when local) if None.

    Raises:
        NotFound: No MLmodel file there, or the model has no sklearn flavor.
    """
    from heron.artifacts import download_model
    from heron.models.model import Model

    model_dir = download_model(os.fspath(model_uri), dst_path)
    model = Model.load(model_dir)
    if model.flavors.get(FLAVOR_NAME, {}).get("code"):
        _add_code_to_path(model_dir, str(model.flavors[FLAVOR_NAME]["code"]))
    return _load_from_dir(model_dir, model)


def _add_code_to_path(model_dir: str, code: str) -> None:
    import sys

    path = os.path.join(model_dir, code)
    if path not in sys.path:
        sys.path.insert(0, path)


def _load_pyfunc(path: str, model_config: Mapping[str, Any] | None = None) -> SklearnModelWrapper:
    """The pyfunc implementation of the sklearn model at ``path`` (``heron.pyfunc`` calls it).

    ``path`` is the model directory or its model file; the flavor configuration in MLmodel
    gives the serialization format and the pyfunc ``predict_fn``.
    """
    from heron.models.model import Model

    model_dir = os.path.dirname(path) if os.path.isfile(path) else path
    try:
        model = Model.load(model_dir)
    except NotFound:
        # A bare model file without MLmodel: MLflow assumes pickle.
        return SklearnModelWrapper(load_model_file(path, SERIALIZATION_FORMAT_PICKLE))
    predict_fn = model.flavors.get(PYFUNC_FLAVOR_NAME, {}).get("predict_fn") or "predict"
    if FLAVOR_NAME not in model.flavors:
        _logger.warning("No sklearn flavor configuration in MLmodel; assuming pickle.")
        file_name = model.flavors.get(PYFUNC_FLAVOR_NAME, {}).get("model_path", "model.pkl")
        sk_model = load_model_file(
            path if os.path.isfile(path) else os.path.join(model_dir, file_name),
            SERIALIZATION_FORMAT_PICKLE,
        )
        return SklearnModelWrapper(sk_model, predict_fn)
    return SklearnModelWrapper(_load_from_dir(model_dir, model), predict_fn)


def log_model(
    sk_model: Any,
    artifact_path: str | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    serialization_format: str | None = None,
    registered_model_name: str | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    pyfunc_predict_fn: str = "predict",
    metadata: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    model_id: str | None = None,
    name: str | None = None,
    skops_trusted_types: Sequence[str] | None = None,
) -> ModelInfo:
    """Log a scikit-learn estimator as an MLflow 3.x LoggedModel of the active run (if any).

    Takes :func:`save_model`'s arguments plus ``name`` (or the deprecated ``artifact_path``):
    the model's files go under the LoggedModel's artifact location only, as MLflow 3.x
    stores them (``runs:/<run_id>/<name>`` resolves to it). ``params``, ``tags``,
    ``model_type`` and ``step`` are the LoggedModel's (MLflow 3.x); ``model_id`` logs into
    an existing LoggedModel. With ``registered_model_name`` it also becomes a new version of
    that registered model (created if missing), waiting up to ``await_registration_for``
    seconds for it to be READY.

    Returns:
        The logged model's :class:`~heron.models.model.ModelInfo` (its ``model_uri`` loads it).
    """
    from heron.pyfunc.logging import LoggedModelDetails, log_model_dir

    def save(path: str, mlflow_model: Model) -> None:
        save_model(
            sk_model,
            path,
            conda_env=conda_env,
            code_paths=code_paths,
            mlflow_model=mlflow_model,
            serialization_format=serialization_format,
            signature=signature,
            input_example=input_example,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            pyfunc_predict_fn=pyfunc_predict_fn,
            metadata=metadata,
            skops_trusted_types=skops_trusted_types,
        )

    return log_model_dir(
        save,
        artifact_path=artifact_path,
        name=name,
        flavor=FLAVOR_NAME,
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        details=LoggedModelDetails(params, tags, model_type, int(step), model_id),
    )
