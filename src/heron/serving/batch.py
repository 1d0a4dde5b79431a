"""``heron.models.predict``: predictions of a model for a file, stdin or a Python value,
in the model's own environment or this one (MLflow's ``mlflow.models.predict``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from typing import Any

from heron.exceptions import HeronError, InvalidParameter


def predict(
    model_uri: str,
    input_data: Any = None,
    input_path: str | None = None,
    content_type: str = "json",
    output_path: str | None = None,
    env_manager: str = "virtualenv",
    install_mlflow: bool = False,
    pip_requirements_override: str | list[str] | None = None,
    extra_envs: Mapping[str, str] | None = None,
) -> None:
    """Write a model's predictions for an input as ``{"predictions": ...}`` JSON.

    Args:
        model_uri: Any model URI Heron loads.
        input_data: A Python value (DataFrame, array, dict, list, or JSON text of a scoring
            request) instead of ``input_path``.
        input_path: A JSON or CSV file; stdin when neither this nor ``input_data`` is given.
        content_type: ``json`` or ``csv``: the format of ``input_path``.
        output_path: Where the JSON goes; stdout if None.
        env_manager: ``virtualenv`` (default), ``uv``, ``conda`` or ``local``.
        install_mlflow: Install Heron from PyPI in the environment instead of linking it.
        pip_requirements_override: Requirements that win over the model's ("x==1,y==2").
        extra_envs: Environment variables set while the model runs.

    Raises:
        InvalidParameter: Both inputs given, an unknown content type or env manager.
        BadRequest: The input does not parse or fit the signature.
    """
    if input_data is not None and input_path is not None:
        raise InvalidParameter("Give either input_data or input_path, not both")
    if content_type not in ("json", "csv"):
        raise InvalidParameter(f"Unknown content type '{content_type}'; use 'json' or 'csv'")
    with tempfile.TemporaryDirectory(prefix="heron-predict-") as scratch:
        if input_data is not None:
            from heron.serving.predict import serving_payload

            input_path = os.path.join(scratch, "input.json")
            with open(input_path, "wb") as handle:
                handle.write(serving_payload(input_data))
            content_type = "json"
        if env_manager.lower() == "local":
            _predict_here(model_uri, input_path, output_path, content_type, extra_envs)
            return
        _predict_in_env(
            model_uri,
            input_path,
            output_path,
            content_type,
            env_manager,
            install_mlflow,
            _overrides(pip_requirements_override),
            extra_envs,
        )


def _overrides(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


def _predict_here(
    model_uri: str,
    input_path: str | None,
    output_path: str | None,
    content_type: str,
    extra_envs: Mapping[str, str] | None,
) -> None:
    from heron.serving.app import load_served_model
    from heron.serving.predict import predict_local

    saved = {key: os.environ.get(key) for key in extra_envs or {}}
    os.environ.update(extra_envs or {})
    try:
        model = load_served_model(model_uri)
        if output_path is None:
            predict_local(model, input_path, sys.stdout.buffer, content_type)
            sys.stdout.buffer.write(b"\n")
            sys.stdout.flush()
            return
        partial = output_path + ".partial"
        try:
            with open(partial, "wb") as out:
                predict_local(model, input_path, out, content_type)
            os.replace(partial, output_path)  # no half-written output file
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _predict_in_env(
    model_uri: str,
    input_path: str | None,
    output_path: str | None,
    content_type: str,
    env_manager: str,
    install_heron: bool,
    overrides: list[str],
    extra_envs: Mapping[str, str] | None,
) -> None:
    from heron.serving.isolation import local_model, prepare_model_environment, run_in_environment

    path = local_model(model_uri)
    environment = prepare_model_environment(path, env_manager, install_heron, overrides)
    arguments = ["models", "predict", "-m", path, "-t", content_type, "--env-manager", "local"]
    if input_path is not None:
        arguments += ["-i", os.path.abspath(input_path)]
    if output_path is not None:
        arguments += ["-o", os.path.abspath(output_path)]
    code = run_in_environment(environment, arguments, extra_envs)
    if code:
        raise HeronError(
            f"Prediction in the model's {env_manager} environment failed (exit {code})"
        )
