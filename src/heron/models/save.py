"""Atomic model directories: build in a temporary directory beside the target, then rename.

A save that fails leaves nothing behind; a finished save appears at once and complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from heron.exceptions import AlreadyExists

if TYPE_CHECKING:
    from heron.models.model import Model
    from heron.models.signature import ModelSignature


def check_model_target(path: str | os.PathLike[str]) -> str:
    """The absolute target path; AlreadyExists if it is a file or a non-empty directory."""
    target = os.path.abspath(os.fspath(path))
    if os.path.exists(target) and (not os.path.isdir(target) or os.listdir(target)):
        raise AlreadyExists(f"Path '{target}' already exists and is not empty")
    return target


def directory_size(path: str) -> int:
    """Total size in bytes of the files under ``path``."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


@contextmanager
def model_directory(path: str | os.PathLike[str]) -> Iterator[str]:
    """Yield a fresh temporary directory that becomes ``path`` when the block succeeds.

    Raises:
        AlreadyExists: ``path`` is a file or a non-empty directory (checked before and
            again when renaming).
    """
    target = check_model_target(path)
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    temp = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.", dir=parent)
    try:
        yield temp
        check_model_target(target)
        if os.path.isdir(target):
            os.rmdir(target)  # empty: MLflow accepts an existing empty directory
        os.replace(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


CODE_DIR = "code"


def copy_code_paths(model_dir: str, code_paths: list[str] | None) -> str | None:
    """Copy files and directories into ``code/``; the flavors' ``code`` value (or None)."""
    if not code_paths:
        return None
    target = os.path.join(model_dir, CODE_DIR)
    os.makedirs(target, exist_ok=True)
    for code_path in code_paths:
        source = os.path.abspath(os.fspath(code_path))
        destination = os.path.join(target, os.path.basename(source.rstrip(os.sep)))
        if os.path.isdir(source):
            shutil.copytree(source, destination, dirs_exist_ok=True)
        else:
            shutil.copy2(source, destination)
    return CODE_DIR


def finish_model(
    model_dir: str,
    mlflow_model: Model,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Add signature, input example and metadata, measure the size, write the MLmodel."""
    if signature is not None:
        mlflow_model.signature = signature
    if input_example is not None:
        from heron.models.example import save_example

        mlflow_model.saved_input_example_info = save_example(model_dir, input_example)
    if metadata is not None:
        mlflow_model.metadata = dict(metadata)
    mlflow_model.model_size_bytes = directory_size(model_dir)
    mlflow_model.save(model_dir)
