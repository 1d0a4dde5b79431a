"""Running ``heron models serve|predict`` inside a model's own environment.

For ``--env-manager virtualenv|uv|conda`` the model is downloaded, its environment
(``python_env.yaml`` / ``conda.yaml`` / ``requirements.txt``) is built once and cached by
content hash (:mod:`heron.environments`), and the same command is run again inside it with
``--env-manager local`` on the local copy.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

ENV_MANAGERS = ("local", "virtualenv", "uv", "conda")
# Models name MLflow as their server; Heron serves them, so MLflow is not installed.
_MLFLOW_REQUIREMENT = re.compile(r"^\s*mlflow(-skinny)?\s*([=<>!~;\[@ ]|$)", re.IGNORECASE)


def prepare_model_environment(
    model_path: str,
    env_manager: str,
    install_heron: bool = False,
    pip_requirements_override: Sequence[str] | None = None,
) -> Any:
    """The built environment (:class:`heron.environments.Environment`) of a local model.

    Args:
        model_path: The model directory.
        env_manager: ``local``, ``virtualenv``, ``uv`` or ``conda``.
        install_heron: Install Heron itself into the environment (from PyPI) instead of
            making the running Heron importable there.
        pip_requirements_override: Extra requirements that win over the model's.

    Raises:
        InvalidParameter: An unknown manager.
        ExecutionException: The tool is missing or a build step failed.
    """
    from heron.environments import EnvironmentSpec, prepare_environment, validate_env_manager

    name = validate_env_manager(env_manager)
    conda_file = os.path.join(model_path, "conda.yaml")
    if name == "conda" and os.path.isfile(conda_file):
        spec = EnvironmentSpec.from_conda(conda_file)
    else:
        spec = EnvironmentSpec.from_directory(model_path)
    spec = replace(
        spec, dependencies=tuple(d for d in spec.dependencies if not _MLFLOW_REQUIREMENT.match(d))
    )
    extra = list(pip_requirements_override or [])
    if install_heron:
        from heron.version import __version__

        extra.append(f"heron=={__version__}")
    if extra:
        spec = spec.with_requirements(*extra)
    return prepare_environment(spec, name, link_running_heron=not install_heron)


def run_in_environment(
    environment: Any, arguments: Sequence[str], extra_env: Mapping[str, str] | None = None
) -> int:
    """Run ``python -m heron <arguments>`` inside ``environment``; its exit code.

    A SIGTERM sent to this process (``kill``, a service manager stopping it) is passed on, so
    a model server started here never outlives the command that started it.
    """
    env = environment.environ()
    env.update(extra_env or {})
    command = environment.python_command("-m", "heron", *arguments)
    process = subprocess.Popen(command, env=env)
    with _forwarding_sigterm(process):
        try:
            code = process.wait()
        except KeyboardInterrupt:  # the terminal sent SIGINT to the child as well
            process.wait()
            return 130
    return 128 - code if code < 0 else code  # killed by a signal: the shell's 128 + N


@contextlib.contextmanager
def _forwarding_sigterm(process: subprocess.Popen[bytes]) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a caller there keeps its own
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: process.send_signal(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def local_model(model_uri: str) -> str:
    """The model's local directory (downloaded first when the URI is remote)."""
    from heron.artifacts import download_model

    return os.path.abspath(download_model(model_uri))
