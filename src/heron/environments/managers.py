"""Environment managers: how a spec becomes a folder (``uv``, ``virtualenv``, ``conda``)."""

from __future__ import annotations

import abc
import logging
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Sequence
from pathlib import Path

from heron.environments.environment import Environment
from heron.environments.interpreters import find_python
from heron.environments.spec import EnvironmentSpec
from heron.exceptions import ExecutionException

_logger = logging.getLogger(__name__)

HERON_PATH_FILE = "_heron_parent.pth"
HERON_PACKAGE = Path(__file__).resolve().parents[1]
"""The folder of the running ``heron`` package."""


def _tool(name: str) -> str | None:
    """An executable next to the running interpreter (a venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def run_step(command: Sequence[str], what: str, cwd: Path | None = None) -> None:
    """Run one build step; its output is kept and shown in the error when it fails."""
    _logger.info("%s: %s", what, shlex.join(command))
    env = dict(os.environ)
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        list(command), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip()[-4000:]
        raise ExecutionException(f"{what} failed (exit code {done.returncode}):\n{tail}")


class EnvironmentManager(abc.ABC):
    """Builds and locates environments of one kind.

    Implementers build into an empty ``folder`` (:meth:`build`) and say where its interpreter
    and executables are (:meth:`locate`); caching and locking are done by the caller.
    """

    name: str

    @abc.abstractmethod
    def available(self) -> bool:
        """Whether this machine has the tool this manager needs."""

    @abc.abstractmethod
    def build(self, spec: EnvironmentSpec, folder: Path) -> None:
        """Create the environment for ``spec`` in ``folder`` and install its requirements."""

    def locate(self, folder: Path, digest: str) -> Environment:
        """The :class:`Environment` of a built folder."""
        bin_dir = folder / "bin"
        return Environment(self.name, folder, bin_dir, bin_dir / "python", digest)

    def _install(self, base: list[str], spec: EnvironmentSpec, what: str) -> None:
        if spec.build_dependencies:
            run_step([*base, *spec.build_dependencies], f"{what}: build dependencies")
        if spec.dependencies:
            with tempfile.TemporaryDirectory() as scratch:
                requirements = Path(scratch) / "requirements.txt"
                requirements.write_text("\n".join(spec.dependencies) + "\n", encoding="utf-8")
                run_step([*base, "-r", str(requirements)], f"{what}: dependencies", spec.base_dir)


class UvManager(EnvironmentManager):
    """``uv venv`` + ``uv pip install``: the fastest way to a virtual environment."""

    name = "uv"

    def available(self) -> bool:
        """Whether a ``uv`` executable is installed."""
        return _tool("uv") is not None

    def build(self, spec: EnvironmentSpec, folder: Path) -> None:
        """Create a venv with ``uv`` for the wanted Python and install the requirements."""
        uv = _tool("uv")
        if uv is None:
            raise ExecutionException("The 'uv' executable was not found; pip install uv.")
        python = find_python(spec.python_version())
        run_step([uv, "venv", "--quiet", "--python", str(python), str(folder)], "uv venv")
        base = [uv, "pip", "install", "--quiet", "--python", str(folder / "bin" / "python")]
        self._install(base, spec, "uv pip install")


class VirtualenvManager(EnvironmentManager):
    """``virtualenv`` (else the standard ``venv`` module) + ``pip install``."""

    name = "virtualenv"

    def available(self) -> bool:
        """Always: the standard library's ``venv`` is the fallback."""
        return True

    def build(self, spec: EnvironmentSpec, folder: Path) -> None:
        """Create a virtualenv for the wanted Python and pip-install the requirements."""
        python = find_python(spec.python_version())
        tool = _tool("virtualenv")
        if tool is not None:
            run_step([tool, "--quiet", "--python", str(python), str(folder)], "virtualenv")
        else:
            run_step([str(python), "-m", "venv", str(folder)], "python -m venv")
        base = [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        self._install(base, spec, "pip install")


class CondaManager(EnvironmentManager):
    """``conda env create --prefix`` from the spec's conda document."""

    name = "conda"

    def available(self) -> bool:
        """Whether a ``conda`` executable is installed (``MLFLOW_CONDA_HOME`` honoured)."""
        return self._conda() is not None

    @staticmethod
    def _conda() -> str | None:
        home = os.environ.get("MLFLOW_CONDA_HOME")
        if home and (Path(home) / "bin" / "conda").is_file():
            return str(Path(home) / "bin" / "conda")
        return shutil.which("conda")

    def build(self, spec: EnvironmentSpec, folder: Path) -> None:
        """Create the conda environment from ``spec.conda`` (or a python-only document)."""
        import yaml

        conda = self._conda()
        if conda is None:
            raise ExecutionException(
                "Could not find Conda executable at 'conda'. Ensure Conda is installed or set "
                "MLFLOW_CONDA_HOME to its installation folder."
            )
        pip = {"pip": list(spec.dependencies)}
        document = spec.conda or {"dependencies": [f"python={spec.python_version()}", "pip", pip]}
        with tempfile.TemporaryDirectory() as scratch:
            file = Path(scratch) / "conda.yaml"
            file.write_text(yaml.safe_dump(document), encoding="utf-8")
            command = [conda, "env", "create", "--quiet", "--prefix", str(folder), "--file"]
            run_step([*command, str(file)], "conda env create", spec.base_dir)


MANAGERS: dict[str, EnvironmentManager] = {
    manager.name: manager for manager in (UvManager(), VirtualenvManager(), CondaManager())
}


def link_heron(environment: Environment) -> None:
    """Make the running Heron (and its dependencies) importable inside ``environment``.

    A ``.pth`` file appends the running interpreter's package folders to the environment's
    ``sys.path``, after its own packages, so a requirement pinned in the environment wins.
    Only done when both run the same ``x.y`` Python (compiled packages must match).
    """
    probe = subprocess.run(
        environment.python_command(
            "-c",
            "import sys, sysconfig; print(f'{sys.version_info[0]}.{sys.version_info[1]}'); "
            "print(sysconfig.get_paths()['purelib'])",
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = probe.stdout.split("\n")
    if probe.returncode != 0 or len(lines) < 2:
        raise ExecutionException(f"The environment's Python {environment.python} does not run.")
    if lines[0].strip() != f"{sys.version_info[0]}.{sys.version_info[1]}":
        return
    paths = [str(HERON_PACKAGE.parent)]
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths()[key]
        if path not in paths:
            paths.append(path)
    (Path(lines[1].strip()) / HERON_PATH_FILE).write_text("\n".join(paths) + "\n", encoding="utf-8")
