"""The LightGBM flavor: Boosters in LightGBM's text format, scikit-learn-API models as sklearn.

A Booster is written by its own ``save_model`` to ``model.lgb``; an ``LGBMClassifier`` /
``LGBMRegressor`` ... is serialized like a scikit-learn model (``skops`` by default,
``cloudpickle`` or ``pickle``) to ``model.skops`` / ``model.pkl``. The ``lightgbm`` MLmodel
block (``lgb_version``, ``data``, ``model_class``, ``serialization_format``,
``skops_trusted_types``, ``code``) and the ``python_function`` block (loader
``mlflow.lightgbm``) are MLflow's. ``import heron.lightgbm`` does not import lightgbm.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.exceptions import InvalidParameter
from heron.flavors import (
    FlavorFiles,
    download_flavor_model,
    flavor_configuration,
    log_flavor_model,
    model_dir_of,
    save_flavor_model,
)
from heron.lightgbm.autolog import autolog
from heron.lightgbm.wrapper import LGBModelWrapper
from heron.sklearn.serialization import (
    SERIALIZATION_FORMAT_CLOUDPICKLE,
    SERIALIZATION_FORMAT_SKOPS,
    check_format,
    default_serialization_format,
    dump_model,
    load_model_file,
    model_file_name,
)

if TYPE_CHECKING:
    from heron.models.model import Model, ModelInfo
    from heron.models.signature import ModelSignature

__all__ = [
    "FLAVOR_NAME",
    "autolog",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]

FLAVOR_NAME = "lightgbm"
LOADER_MODULE = "mlflow.lightgbm"
BOOSTER_CLASS = "lightgbm.basic.Booster"
BOOSTER_FILE = "model.lgb"
# Types skops must trust to load LightGBM's scikit-learn models (MLflow's list).
SKOPS_TRUSTED_TYPES = (
    "collections.OrderedDict",
    "lightgbm.basic.Booster",
    "lightgbm.sklearn.LGBMClassifier",
    "lightgbm.sklearn.LGBMRegressor",
)


def get_default_pip_requirements(
    include_cloudpickle: bool = False, include_skops: bool = False
) -> list[str]:
    """The pinned requirements of a LightGBM model (plus its serializer's, for sklearn ones)."""
    from heron.models.environment import infer_pip_requirements

    modules = ["lightgbm"]
    modules += ["cloudpickle"] if include_cloudpickle else []
    modules += ["skops"] if include_skops else []
    return infer_pip_requirements(modules)[1:]


def _class_name(model: Any) -> str:
    return f"{type(model).__module__}.{type(model).__name__}"


def save_model(
    lgb_model: Any,
    path: str | os.PathLike[str],
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    mlflow_model: Model | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    serialization_format: str | None = None,
    skops_trusted_types: Sequence[str] | None = None,
    extra_files: Sequence[str] | None = None,
) -> None:
    """Save a LightGBM Booster or scikit-learn-API model as an MLflow model directory.

    Args:
        lgb_model: A ``lightgbm.Booster`` or ``LGBMModel`` (``LGBMClassifier``...).
        path: The directory to create (must not exist, or be empty).
        conda_env: A conda environment instead of the inferred pins.
        code_paths: Files or directories copied into ``code/``.
        mlflow_model: The Model to add the flavors to.
        signature: The signature; inferred from ``input_example`` if None, none if False.
        input_example: An example input.
        pip_requirements: Requirements replacing the inferred ones.
        extra_pip_requirements: Requirements added to the inferred ones.
        metadata: Free-form metadata.
        serialization_format: For scikit-learn-API models: ``skops`` (default when
            installed), ``cloudpickle`` or ``pickle``; Boosters always use LightGBM's text.
        skops_trusted_types: More types skops may load (LightGBM's own are trusted).
        extra_files: Files or URIs stored in ``extra_files/``.

    Raises:
        InvalidParameter: Not a LightGBM model, unknown format.
    """
    import lightgbm

    if not isinstance(lgb_model, (lightgbm.Booster, lightgbm.LGBMModel)):
        raise InvalidParameter(
            f"Expected a lightgbm.Booster or a LightGBM scikit-learn model, got "
            f"{type(lgb_model).__name__}"
        )
    fmt = serialization_format or default_serialization_format()
    check_format(fmt)
    is_booster = isinstance(lgb_model, lightgbm.Booster)
    trusted = None
    if fmt == SERIALIZATION_FORMAT_SKOPS:
        trusted = sorted(set(SKOPS_TRUSTED_TYPES) | set(skops_trusted_types or ()))
    file_name = BOOSTER_FILE if is_booster else model_file_name(fmt)

    def write(directory: str) -> FlavorFiles:
        target = os.path.join(directory, file_name)
        if is_booster:
            lgb_model.save_model(target)
        else:
            dump_model(lgb_model, target, fmt, trusted)
        modules = ["lightgbm"]
        if not is_booster and fmt in (SERIALIZATION_FORMAT_CLOUDPICKLE, SERIALIZATION_FORMAT_SKOPS):
            modules.append(fmt)
        return FlavorFiles(
            flavor={
                "lgb_version": lightgbm.__version__,
                "data": file_name,
                "model_class": _class_name(lgb_model),
                "serialization_format": fmt,
                "skops_trusted_types": trusted,
            },
            pyfunc={"data": file_name},
            modules=modules,
        )

    save_flavor_model(
        path,
        FLAVOR_NAME,
        LOADER_MODULE,
        write,
        mlflow_model=mlflow_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        metadata=metadata,
        extra_files=extra_files,
        predict=LGBModelWrapper(lgb_model).predict,
    )


def _load_model(path: str) -> Any:
    model_dir = model_dir_of(path)
    conf = flavor_configuration(model_dir, FLAVOR_NAME)
    model_path = os.path.join(model_dir, str(conf["data"]))
    if (conf.get("model_class") or BOOSTER_CLASS) == BOOSTER_CLASS:
        import lightgbm

        return lightgbm.Booster(model_file=model_path)
    return load_model_file(
        model_path,
        str(conf.get("serialization_format") or SERIALIZATION_FORMAT_CLOUDPICKLE),
        conf.get("skops_trusted_types"),
    )


def load_model(model_uri: str | os.PathLike[str], dst_path: str | None = None) -> Any:
    """Load the LightGBM model (Booster or scikit-learn-API object, as saved) of a model URI.

    Raises:
        NotFound: No model there, or no lightgbm flavor.
    """
    local, _ = download_flavor_model(model_uri, dst_path, FLAVOR_NAME)
    return _load_model(local)


def _load_pyfunc(path: str) -> LGBModelWrapper:
    """The pyfunc implementation of the model at ``path`` (its directory or model file)."""
    return LGBModelWrapper(_load_model(path))


def log_model(
    lgb_model: Any,
    artifact_path: str | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    registered_model_name: str | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    model_id: str | None = None,
    serialization_format: str | None = None,
    skops_trusted_types: Sequence[str] | None = None,
    extra_files: Sequence[str] | None = None,
) -> ModelInfo:
    """Log a LightGBM model of the active run: :func:`save_model`'s arguments plus MLflow
    3.x's ``name``, ``params``, ``tags``, ``model_type``, ``step`` and registration."""
    return log_flavor_model(
        save_model,
        FLAVOR_NAME,
        model_id=model_id,
        artifact_path=artifact_path,
        name=name,
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        params=params,
        tags=tags,
        model_type=model_type,
        step=step,
        lgb_model=lgb_model,
        conda_env=conda_env,
        code_paths=code_paths,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        metadata=metadata,
        serialization_format=serialization_format,
        skops_trusted_types=skops_trusted_types,
        extra_files=extra_files,
    )
