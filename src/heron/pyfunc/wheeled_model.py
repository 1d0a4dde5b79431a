"""``add_libraries_to_model``: re-log a registered model with its dependencies as wheels.

The new model is the old one plus ``wheels/`` (every requirement downloaded as a wheel by
``pip wheel``), ``original_requirements.txt`` (the old requirements), ``requirements.txt``
and ``conda.yaml`` pointing at the wheels, and ``wheels: {platform: ...}`` in its MLmodel;
it is logged to the source run of the version and registered as a new version, so it
installs without a package index. As ``mlflow.models.add_libraries_to_model``.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from heron.exceptions import ExecutionException, InvalidParameter
from heron.models.model import Model, ModelInfo

WHEELS_DIR = "wheels"
ORIGINAL_REQUIREMENTS = "original_requirements.txt"
REQUIREMENTS = "requirements.txt"
CONDA_ENV = "conda.yaml"
PIP_OPTIONS_VARIABLE = "MLFLOW_WHEELED_MODEL_PIP_DOWNLOAD_OPTIONS"
DEFAULT_PIP_OPTIONS = "--only-binary=:all:"
ALLOWED_PIP_OPTIONS = frozenset(
    (
        "--only-binary=:all:",
        "--only-binary=:none:",
        "--no-binary=:all:",
        "--no-binary=:none:",
        "--prefer-binary",
        "--no-build-isolation",
        "--use-pep517",
        "--check-build-dependencies",
        "--ignore-requires-python",
        "--no-deps",
        "--no-verify",
        "--pre",
        "--require-hashes",
        "--no-clean",
    )
)


def _pip_options() -> list[str]:
    text = os.environ.get(PIP_OPTIONS_VARIABLE, DEFAULT_PIP_OPTIONS)
    options = text.split()
    unknown = sorted(set(options) - ALLOWED_PIP_OPTIONS)
    if unknown:
        raise InvalidParameter(
            f"Invalid pip wheel option passed to `{PIP_OPTIONS_VARIABLE}`: {unknown}. "
            f"Allowed options: {', '.join(sorted(ALLOWED_PIP_OPTIONS))}."
        )
    return options


def _download_wheels(requirements: str, wheels_dir: str) -> None:
    os.makedirs(wheels_dir, exist_ok=True)
    command = [sys.executable, "-m", "pip", "wheel", "--wheel-dir", wheels_dir]
    command += [*_pip_options(), "-r", requirements]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout)[-2000:]
        raise ExecutionException(f"Downloading the model's libraries failed:\n{tail}")


def _pip_section_of(conda_file: str) -> list[str]:
    import yaml

    with open(conda_file, encoding="utf-8") as source:
        document = yaml.safe_load(source) or {}
    for item in document.get("dependencies") or []:
        if isinstance(item, dict) and "pip" in item:
            return [str(line) for line in item["pip"]]
    return []


def _point_conda_at_wheels(conda_file: str, wheels: list[str]) -> None:
    import yaml

    with open(conda_file, encoding="utf-8") as source:
        document = yaml.safe_load(source) or {}
    dependencies = [
        item
        for item in document.get("dependencies") or []
        if not (isinstance(item, dict) and "pip" in item)
    ]
    document["dependencies"] = [*dependencies, {"pip": wheels}]
    with open(conda_file, "w", encoding="utf-8") as out:
        yaml.safe_dump(document, out, default_flow_style=False, sort_keys=False)


def _add_wheels(model_dir: str) -> None:
    """Download the model's requirements as wheels and point its environment files at them."""
    requirements = os.path.join(model_dir, REQUIREMENTS)
    conda_file = os.path.join(model_dir, CONDA_ENV)
    if not os.path.isfile(requirements):
        if not os.path.isfile(conda_file):
            raise InvalidParameter("Cannot add libraries for model with no logged dependencies.")
        with open(requirements, "w", encoding="utf-8") as out:
            out.write("\n".join(_pip_section_of(conda_file)) + "\n")
    wheels_dir = os.path.join(model_dir, WHEELS_DIR)
    _download_wheels(requirements, wheels_dir)
    shutil.copy2(requirements, os.path.join(model_dir, ORIGINAL_REQUIREMENTS))
    wheels = sorted(f"{WHEELS_DIR}/{name}" for name in os.listdir(wheels_dir))
    with open(requirements, "w", encoding="utf-8") as out:
        out.write("\n".join(wheels) + "\n")
    if os.path.isfile(conda_file):
        _point_conda_at_wheels(conda_file, wheels)


def _save_wheeled(model_uri: str, path: str, mlflow_model: Model) -> None:
    from heron.artifacts import download_model

    with tempfile.TemporaryDirectory(prefix="heron-wheeled-") as staging:
        shutil.copytree(download_model(model_uri, staging), path)
    local = path
    original = Model.load(local)
    if "wheels" in original.extra:
        raise InvalidParameter("Model libraries are already added")
    _add_wheels(local)
    mlflow_model.flavors = original.flavors
    mlflow_model.signature = original.signature
    mlflow_model.saved_input_example_info = original.saved_input_example_info
    mlflow_model.metadata = original.metadata
    mlflow_model.extra = {**original.extra, "wheels": {"platform": platform.platform()}}
    mlflow_model.save(os.path.join(local, "MLmodel"))


def _log_wheeled(model_uri: str, registered_model_name: str, run_id: str) -> ModelInfo:
    from heron.pyfunc.logging import log_model_dir

    def save(path: str, mlflow_model: Model) -> None:
        _save_wheeled(model_uri, path, mlflow_model)

    return log_model_dir(
        save, name="model", run_id=run_id, registered_model_name=registered_model_name
    )


def add_libraries_to_model(
    model_uri: str, run_id: str | None = None, registered_model_name: str | None = None
) -> ModelInfo:
    """Log a registered model again with its libraries as wheels, as a new version.

    Args:
        model_uri: ``models:/<name>/<version|stage|latest>`` or ``models:/<name>@<alias>``.
        run_id: The run the new model is logged to; the active run, else the version's
            source run, else a new run.
        registered_model_name: The registered model of the new version; the same as
            ``model_uri``'s by default.

    Returns:
        The new model's :class:`~heron.models.ModelInfo` (``registered_model_version`` set).

    Raises:
        InvalidParameter: Not a registered-model URI, the model has wheels already, or no
            dependencies; an invalid ``MLFLOW_WHEELED_MODEL_PIP_DOWNLOAD_OPTIONS``.
        ExecutionException: ``pip wheel`` failed (its output's end is in the message).
    """
    from heron.models.uris import is_models_uri, parse_model_uri
    from heron.tracking import fluent_runs, session

    ref = parse_model_uri(model_uri) if is_models_uri(model_uri) else None
    if ref is None or ref.name is None:
        raise InvalidParameter(
            f"'{model_uri}' is not a registered model URI: use models:/<name>/<version>, "
            "models:/<name>/<stage>, models:/<name>/latest or models:/<name>@<alias>"
        )
    target = registered_model_name or ref.name
    active = fluent_runs.active_run()
    if active is not None:
        return _log_wheeled(model_uri, target, active.info.run_id)
    client: Any = session.client()
    if run_id is None:
        version = client.get_model_version(ref.name, client.registered_version_number(ref))
        run_id = version.run_id
    with fluent_runs.start_run(run_id=run_id) as run:
        return _log_wheeled(model_uri, target, run.info.run_id)
