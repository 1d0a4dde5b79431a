"""``get_model_dependencies`` and the lazy entry to Spark batch scoring (``spark_udf``)."""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any

from heron.exceptions import InvalidParameter, NotFound

_logger = logging.getLogger(__name__)


def get_model_dependencies(model_uri: str, format: str = "pip") -> str:
    """Download a model and return the path of its ``requirements.txt`` or ``conda.yaml``.

    Args:
        model_uri: Any model URI Heron loads.
        format: ``pip`` (a requirements file; extracted from ``conda.yaml``'s pip section
            when the model has no ``requirements.txt``) or ``conda``.

    Raises:
        InvalidParameter: Another format.
        NotFound: The model has no such file.
    """
    from heron.artifacts import download_model

    if format not in ("pip", "conda"):
        raise InvalidParameter(f"Illegal format argument '{format}'; use 'pip' or 'conda'")
    model_dir = download_model(model_uri)
    conda_file = os.path.join(model_dir, "conda.yaml")
    if format == "conda":
        if not os.path.isfile(conda_file):
            raise NotFound(f"The model at {model_uri!r} has no conda.yaml")
        return conda_file
    requirements = os.path.join(model_dir, "requirements.txt")
    if not os.path.isfile(requirements):
        requirements = _requirements_from_conda(conda_file, model_dir, model_uri)
    _logger.info(
        "To install the dependencies that were used to train the model, run the following "
        "command: 'pip install -r %s'.",
        requirements,
    )
    return requirements


def _requirements_from_conda(conda_file: str, model_dir: str, model_uri: str) -> str:
    import yaml

    if not os.path.isfile(conda_file):
        raise NotFound(f"The model at {model_uri!r} has neither requirements.txt nor conda.yaml")
    with open(conda_file, encoding="utf-8") as handle:
        environment = yaml.safe_load(handle) or {}
    pip: list[str] = []
    for entry in environment.get("dependencies") or []:
        if isinstance(entry, dict) and isinstance(entry.get("pip"), list):
            pip.extend(str(item) for item in entry["pip"])
    target = os.path.join(model_dir, "requirements.txt")
    with open(target, "w", encoding="utf-8") as out:
        out.write("\n".join(pip) + "\n")
    return target


def spark_udf(
    spark: Any,
    model_uri: str,
    result_type: Any = None,
    env_manager: str | None = None,
    params: dict[str, Any] | None = None,
    extra_env: dict[str, str] | None = None,
    model_config: dict[str, Any] | None = None,
) -> Any:
    """A Spark pandas UDF predicting with a pyfunc model (see ``heron.serving.spark``).

    Args:
        spark: The SparkSession.
        model_uri: Any model URI Heron loads.
        result_type: The result's Spark type or DDL text (default from the output signature,
            else ``double``); struct and array types are supported.
        env_manager: ``local`` (default), ``virtualenv``, ``uv`` or ``conda``.
        params: Inference params passed with every batch.
        extra_env: Environment variables set on the workers.
        model_config: Overrides of the model's configuration.
    """
    # Serving sits above this package; it is imported here on first use only.
    spark_module = importlib.import_module("heron.serving.spark")
    return spark_module.spark_udf(
        spark,
        model_uri,
        result_type=result_type,
        env_manager=env_manager,
        params=params,
        extra_env=extra_env,
        model_config=model_config,
    )
