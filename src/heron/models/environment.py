"""Environment files of a model directory: conda.yaml, python_env.yaml, requirements.txt.

Requirements are inferred from the modules a flavor needs (pinned to the installed versions)
unless the caller gives ``pip_requirements`` or ``conda_env``; ``extra_pip_requirements``
are added to the inferred ones. Arguments follow MLflow's ``save_model``.
"""

from __future__ import annotations

import functools
import os
import platform
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from heron.exceptions import InvalidParameter
from heron.models.model import MLFLOW_COMPATIBLE_VERSION

CONDA_ENV_FILE = "conda.yaml"
PYTHON_ENV_FILE = "python_env.yaml"
REQUIREMENTS_FILE = "requirements.txt"
CONSTRAINTS_FILE = "constraints.txt"

# Serving tools (``mlflow models serve``) install what requirements.txt names; MLflow is the
# runtime they know how to load a model format 3.x directory with.
BASE_REQUIREMENT = f"mlflow=={MLFLOW_COMPATIBLE_VERSION}"


def python_version() -> str:
    """The running Python's ``x.y.z``."""
    return platform.python_version()


def _distribution_of(module: str) -> str | None:
    top = module.split(".", 1)[0]
    names = _packages_distributions().get(top)
    return names[0] if names else None


@functools.cache
def _packages_distributions() -> Mapping[str, list[str]]:
    """Top-level module -> distributions; scanning every installed package costs ~0.25 s."""
    from importlib import metadata  # with email and zipfile: saving needs them, loading not

    return metadata.packages_distributions()


def pinned_requirement(distribution: str) -> str:
    """``name==version`` of an installed distribution, else the bare name.

    A local version label (``2.13.0+cpu``) is dropped, as MLflow does, so PyPI can install it.
    """
    from importlib import metadata

    try:
        return f"{distribution}=={metadata.version(distribution).split('+', 1)[0]}"
    except metadata.PackageNotFoundError:
        return distribution


def infer_pip_requirements(modules: Iterable[str]) -> list[str]:
    """Pinned requirements for importable modules (``sklearn`` -> ``scikit-learn==1.9.1``).

    Modules of the standard library, of Heron and unknown ones are skipped; MLflow comes
    first as :data:`BASE_REQUIREMENT`.
    """
    requirements = [BASE_REQUIREMENT]
    for module in modules:
        distribution = _distribution_of(module)
        if distribution is None or distribution.lower() in ("heron", "mlflow"):
            continue
        requirement = pinned_requirement(distribution)
        if requirement not in requirements:
            requirements.append(requirement)
    return requirements


def _read_requirements_file(path: str) -> list[str]:
    with open(path, encoding="utf-8") as source:
        lines = [line.strip() for line in source]
    return [line for line in lines if line and not line.startswith("#")]


def _requirement_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return _read_requirements_file(value)
    return [str(item) for item in value]


def _load_conda_env(conda_env: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(conda_env, Mapping):
        return dict(conda_env)
    import yaml

    with open(conda_env, encoding="utf-8") as source:
        loaded = yaml.safe_load(source)
    if not isinstance(loaded, dict):
        raise InvalidParameter(f"conda_env file '{conda_env}' is not a YAML mapping")
    return loaded


def _pip_of_conda(conda_env: Mapping[str, Any]) -> list[str]:
    for dependency in conda_env.get("dependencies") or []:
        if isinstance(dependency, Mapping) and "pip" in dependency:
            return [str(item) for item in dependency["pip"]]
    return []


def conda_environment(pip_requirements: Sequence[str]) -> dict[str, Any]:
    """MLflow's default conda.yaml content for these pip requirements."""
    return {
        "name": "mlflow-env",
        "channels": ["conda-forge"],
        "dependencies": [
            f"python={python_version()}",
            f"pip<={pinned_requirement('pip').partition('==')[2] or '24.0'}",
            {"pip": list(pip_requirements)},
        ],
    }


def python_environment(with_constraints: bool) -> dict[str, Any]:
    """python_env.yaml content (``-r requirements.txt``, plus constraints when used)."""
    build = [pinned_requirement("pip"), pinned_requirement("setuptools"), "wheel"]
    dependencies = ["-r requirements.txt"]
    if with_constraints:
        dependencies.append(f"-c {CONSTRAINTS_FILE}")
    return {"python": python_version(), "build_dependencies": build, "dependencies": dependencies}


def resolve_requirements(
    default_modules: Iterable[str],
    conda_env: str | Mapping[str, Any] | None = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The conda environment and pip requirements to write, from MLflow's arguments.

    Raises:
        InvalidParameter: More than one of the three arguments is given.
    """
    given = [x is not None for x in (conda_env, pip_requirements, extra_pip_requirements)]
    if sum(given) > 1:
        raise InvalidParameter(
            "Only one of `conda_env`, `pip_requirements`, and `extra_pip_requirements` "
            "can be specified"
        )
    if conda_env is not None:
        env = _load_conda_env(conda_env)
        return env, _pip_of_conda(env)
    if pip_requirements is not None:
        requirements = _requirement_list(pip_requirements)
    else:
        requirements = infer_pip_requirements(default_modules)
        requirements += [
            r for r in _requirement_list(extra_pip_requirements) if r not in requirements
        ]
    return conda_environment(requirements), requirements


def write_environment(
    model_dir: str,
    default_modules: Iterable[str] = (),
    conda_env: str | Mapping[str, Any] | None = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
) -> dict[str, str]:
    """Write conda.yaml, python_env.yaml, requirements.txt (and constraints.txt if needed).

    Returns:
        The python_function flavor's ``env`` entry: ``{"conda": ..., "virtualenv": ...}``.
    """
    import yaml

    env, requirements = resolve_requirements(
        default_modules, conda_env, pip_requirements, extra_pip_requirements
    )
    constraints = [r[2:].strip() for r in requirements if r.startswith("-c ")]
    requirements = [r for r in requirements if not r.startswith("-c ")]
    if constraints:
        constraint_lines: list[str] = []
        for path in constraints:
            constraint_lines += _read_requirements_file(path)
        with open(os.path.join(model_dir, CONSTRAINTS_FILE), "w", encoding="utf-8") as out:
            out.write("\n".join(constraint_lines) + "\n")
        requirements.append(f"-c {CONSTRAINTS_FILE}")
    with open(os.path.join(model_dir, CONDA_ENV_FILE), "w", encoding="utf-8") as out:
        yaml.safe_dump(env, out, default_flow_style=False, sort_keys=False)
    with open(os.path.join(model_dir, PYTHON_ENV_FILE), "w", encoding="utf-8") as out:
        yaml.safe_dump(python_environment(bool(constraints)), out, sort_keys=False)
    with open(os.path.join(model_dir, REQUIREMENTS_FILE), "w", encoding="utf-8") as out:
        out.write("\n".join(requirements) + "\n")
    return {"conda": CONDA_ENV_FILE, "virtualenv": PYTHON_ENV_FILE}
