"""Saving a flavor's model directory in MLflow's layout, once for every flavor.

A flavor supplies a ``write(directory)`` function that serializes its model into the (still
temporary) model directory and returns a :class:`FlavorFiles`: the keys of its MLmodel block
and of the ``python_function`` block. :func:`save_flavor_model` does the rest, in MLflow's
order: ``code/``, ``extra_files/``, the environment files with the flavor's packages pinned,
signature (inferred from the input example when a ``predict`` is given), input example,
metadata, size and the MLmodel file; the directory appears at ``path`` only when complete.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heron.exceptions import InvalidParameter
from heron.models.environment import write_environment
from heron.models.model import Model
from heron.models.save import copy_code_paths, finish_model, model_directory

if TYPE_CHECKING:
    from heron.models.signature import ModelSignature

EXTRA_FILES_KEY = "extra_files"

_logger = logging.getLogger(__name__)


@dataclass
class FlavorFiles:
    """What a flavor's ``write`` function produced.

    Attributes:
        flavor: Keys of the flavor's MLmodel block (``code`` and ``extra_files`` are added).
        pyfunc: Keys of the ``python_function`` block besides ``loader_module``, ``code`` and
            ``env`` (``data``, ``predict_fn``, ``model_config`` ...); None when the model
            cannot be loaded as a python function.
        modules: Importable modules whose distributions are pinned in requirements.txt.
    """

    flavor: dict[str, Any]
    pyfunc: dict[str, Any] | None = field(default_factory=dict)
    modules: list[str] = field(default_factory=list)


def copy_extra_files(model_dir: str, extra_files: Sequence[str] | None) -> dict[str, Any]:
    """Copy files (local paths or artifact URIs) into ``extra_files/``; the flavor keys.

    Raises:
        InvalidParameter: ``extra_files`` is not a list of strings.
    """
    if not extra_files:
        return {}
    if isinstance(extra_files, str) or not all(isinstance(f, str) for f in extra_files):
        raise InvalidParameter("Extra files argument should be a list of paths or URIs")
    from heron.artifacts import download_artifacts

    target = os.path.join(model_dir, EXTRA_FILES_KEY)
    os.makedirs(target, exist_ok=True)
    entries = []
    for extra in extra_files:
        name = os.path.basename(extra.rstrip("/"))
        if name in ("", ".", ".."):
            raise InvalidParameter(f"Extra file {extra!r} names no file")
        with tempfile.TemporaryDirectory() as temp:
            local = download_artifacts(artifact_uri=extra, dst_path=temp)
            shutil.copy2(local, os.path.join(target, name))
        entries.append({"path": f"{EXTRA_FILES_KEY}/{name}"})
    return {EXTRA_FILES_KEY: entries}


def _example_data(example: Any) -> Any:
    if isinstance(example, tuple) and len(example) == 2 and isinstance(example[1], dict):
        return example[0]  # (data, params)
    return example


def infer_flavor_signature(
    example: Any, predict: Callable[[Any], Any] | None
) -> ModelSignature | None:
    """The signature of ``predict`` on the example; None (with a warning) when it fails."""
    if example is None or predict is None:
        return None
    from heron.models.signature import infer_signature_from_example

    try:
        return infer_signature_from_example(example, predict(_example_data(example)))
    except Exception as error:  # inference is best effort, as in MLflow
        _logger.warning("Failed to infer the model signature from the input example: %s", error)
        return None


def save_flavor_model(
    path: str | os.PathLike[str],
    flavor_name: str,
    loader_module: str,
    write: Callable[[str], FlavorFiles],
    *,
    mlflow_model: Model | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    code_paths: Sequence[str] | None = None,
    signature: ModelSignature | bool | None = None,
    input_example: Any = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    extra_files: Sequence[str] | None = None,
    predict: Callable[[Any], Any] | None = None,
) -> Model:
    """Save a model directory at ``path`` with ``write`` and MLflow's common arguments.

    Args:
        path: The directory to create (must not exist, or be empty).
        flavor_name: The flavor's MLmodel key (``pytorch``, ``xgboost``, ...).
        loader_module: The module whose ``_load_pyfunc`` loads it; MLflow's name for
            built-in flavors (``mlflow.pytorch``) so MLflow loads it too.
        write: Serializes the model into the directory it is given.
        mlflow_model: The Model to add the flavors to; a new one if None.
        conda_env: A conda environment (dict or YAML file) instead of inferred pins.
        code_paths: Local files or directories copied into ``code/``.
        signature: The signature; inferred from ``input_example`` with ``predict`` if None,
            none if False.
        input_example: An example input, saved beside the model.
        pip_requirements: Requirements replacing the inferred ones.
        extra_pip_requirements: Requirements added to the inferred ones.
        metadata: Free-form metadata written to MLmodel.
        extra_files: Files (paths or URIs) copied into ``extra_files/``.
        predict: The pyfunc predict used to infer the signature.

    Returns:
        The Model written to ``path/MLmodel``.

    Raises:
        AlreadyExists: ``path`` is a file or a non-empty directory.
        InvalidParameter: Conflicting environment arguments, bad extra files.
    """
    model = mlflow_model if mlflow_model is not None else Model()
    with model_directory(path) as directory:
        code = copy_code_paths(directory, list(code_paths) if code_paths else None)
        files = write(directory)
        extra = copy_extra_files(directory, extra_files)
        env = write_environment(
            directory, files.modules, conda_env, pip_requirements, extra_pip_requirements
        )
        if files.pyfunc is not None:
            from heron.pyfunc.saving import add_to_model

            add_to_model(model, loader_module=loader_module, code=code, env=env, **files.pyfunc)
        model.add_flavor(flavor_name, **files.flavor, code=code, **extra)
        if signature is None:
            signature = infer_flavor_signature(input_example, predict)
        finish_model(
            directory,
            model,
            None if isinstance(signature, bool) else signature,
            input_example,
            metadata,
        )
    return model
