"""Python environments for projects and model serving, built once and cached by content.

``prepare_environment(spec, "uv")`` returns an :class:`Environment` whose
:meth:`~Environment.environ` runs a child process inside it. ``local`` is the running
interpreter; ``uv``, ``virtualenv`` and ``conda`` build a folder under the cache root
(HERON_ENV_ROOT / MLFLOW_ENV_ROOT, default ``~/.heron/envs``) named by the spec's content hash,
so a second run with the same ``python_env.yaml`` / ``conda.yaml`` / ``requirements.txt``
reuses it.
"""

from __future__ import annotations

import os
from pathlib import Path

from heron.environments.cache import cache_root, get_or_build
from heron.environments.environment import Environment, local_environment
from heron.environments.managers import HERON_PACKAGE, MANAGERS, EnvironmentManager, link_heron
from heron.environments.spec import (
    CONDA_ENV_FILE,
    PYTHON_ENV_FILE,
    REQUIREMENTS_FILE,
    EnvironmentSpec,
    read_requirements,
)
from heron.exceptions import ExecutionException, InvalidParameter

ENV_MANAGERS = ("local", "virtualenv", "uv", "conda")
"""The values ``--env-manager`` accepts."""


def validate_env_manager(name: str) -> str:
    """``name`` lower-cased if it is one of :data:`ENV_MANAGERS`.

    Raises:
        InvalidParameter: Any other value, with the accepted ones listed.
    """
    lowered = name.strip().lower()
    if lowered not in ENV_MANAGERS:
        raise InvalidParameter(
            f"Invalid value for `env_manager`: {name!r}. Must be one of {list(ENV_MANAGERS)}."
        )
    return lowered


def prepare_environment(
    spec: EnvironmentSpec,
    env_manager: str,
    *,
    root: str | os.PathLike[str] | None = None,
    link_running_heron: bool = True,
) -> Environment:
    """The environment for ``spec`` built by ``env_manager``, from the cache when it exists.

    Args:
        spec: What to install (see :class:`EnvironmentSpec`).
        env_manager: One of :data:`ENV_MANAGERS`; ``local`` installs nothing.
        root: The cache folder; default HERON_ENV_ROOT / MLFLOW_ENV_ROOT / ``~/.heron/envs``.
        link_running_heron: Make the running ``heron`` package (and its dependencies)
            importable in the environment, behind the environment's own packages, when both
            use the same ``x.y`` Python. Without it, list ``heron`` in the spec.

    Raises:
        InvalidParameter: An unknown manager.
        ExecutionException: The tool is missing or a build step failed (nothing is left in
            the cache).
    """
    name = validate_env_manager(env_manager)
    if name == "local":
        return local_environment()
    manager = MANAGERS[name]
    link = ""
    if link_running_heron:
        link = str(HERON_PACKAGE)
    digest = spec.digest(f"{name}|{link}")

    def build(folder: Path) -> None:
        manager.build(spec, folder)
        if link_running_heron:
            link_heron(manager.locate(folder, digest))

    folder, _ = get_or_build(cache_root(root), f"{name}-{digest}", build)
    return manager.locate(folder, digest)


__all__ = [
    "CONDA_ENV_FILE",
    "ENV_MANAGERS",
    "PYTHON_ENV_FILE",
    "REQUIREMENTS_FILE",
    "Environment",
    "EnvironmentManager",
    "EnvironmentSpec",
    "ExecutionException",
    "cache_root",
    "local_environment",
    "prepare_environment",
    "read_requirements",
    "validate_env_manager",
]
