"""What an environment holds, read from ``python_env.yaml``, ``conda.yaml`` or ``requirements.txt``.

An :class:`EnvironmentSpec` is the normalised content of those files (a Python version, build
dependencies, pip requirements with ``-r`` files inlined, or a conda document); its
:meth:`~EnvironmentSpec.digest` names the cached environment, so two projects or models with
the same content share one.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heron.exceptions import ExecutionException

PYTHON_ENV_FILE = "python_env.yaml"
CONDA_ENV_FILE = "conda.yaml"
REQUIREMENTS_FILE = "requirements.txt"


def _load_yaml(path: Path, what: str) -> Any:
    import yaml

    if not path.is_file():
        raise ExecutionException(f"The {what} file {path} was not found.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ExecutionException(f"The {what} file {path} is not valid YAML{where}.") from error


def read_requirements(path: Path, _seen: frozenset[Path] = frozenset()) -> list[str]:
    """The requirement lines of a pip requirements file, ``-r`` includes inlined.

    Comments and blank lines are dropped; ``-c`` constraint files are inlined the same way.
    """
    resolved = path.resolve()
    if resolved in _seen:
        raise ExecutionException(f"Requirements file {path} includes itself.")
    if not path.is_file():
        raise ExecutionException(f"The requirements file {path} was not found.")
    lines: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        lines.extend(_expand(line, path.parent, _seen | {resolved}))
    return lines


def _expand(line: str, base: Path, seen: frozenset[Path]) -> list[str]:
    for flag in ("-r", "--requirement", "-c", "--constraint"):
        if line.startswith(flag + " ") or line.startswith(flag + "="):
            target = line[len(flag) + 1 :].strip()
            return read_requirements(base / target, seen)
    return [line]


@dataclass(frozen=True)
class EnvironmentSpec:
    """The normalised content of an environment file.

    Attributes:
        python: The Python version wanted (``"3.11"`` or ``"3.11.7"``); None means the running one.
        build_dependencies: Installed first (``pip``, ``setuptools``...).
        dependencies: pip requirement lines, ``-r`` files inlined.
        conda: The conda environment document, for the conda manager; None otherwise.
        base_dir: Where relative paths in the requirements are resolved (the file's folder).
    """

    python: str | None = None
    build_dependencies: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    conda: dict[str, Any] | None = field(default=None, compare=False)
    base_dir: Path | None = field(default=None, compare=False)

    @classmethod
    def from_python_env(cls, path: str | os.PathLike[str]) -> EnvironmentSpec:
        """Read a ``python_env.yaml`` (``python``, ``build_dependencies``, ``dependencies``)."""
        file = Path(path)
        doc = _load_yaml(file, "python_env")
        if not isinstance(doc, dict):
            raise ExecutionException(f"The python_env file {file} must be a YAML mapping.")
        unknown = set(doc) - {"python", "build_dependencies", "dependencies"}
        if unknown:
            raise ExecutionException(
                f"The python_env file {file} has unexpected keys: {sorted(unknown)}; expected "
                "python, build_dependencies, dependencies."
            )
        python = doc.get("python")
        if python is not None and not isinstance(python, (str, int, float)):
            raise ExecutionException(f"The python_env file {file}: 'python' must be a version.")
        return cls(
            python=str(python) if python is not None else None,
            build_dependencies=tuple(_string_list(doc, "build_dependencies", file)),
            dependencies=tuple(_inline(_string_list(doc, "dependencies", file), file.parent)),
            base_dir=file.parent.resolve(),
        )

    @classmethod
    def from_conda(cls, path: str | os.PathLike[str]) -> EnvironmentSpec:
        """Read a ``conda.yaml``; its ``python=`` and ``pip:`` parts also serve pip managers."""
        file = Path(path)
        doc = _load_yaml(file, "conda environment")
        if not isinstance(doc, dict):
            raise ExecutionException(f"The conda environment file {file} must be a YAML mapping.")
        python: str | None = None
        pip: list[str] = []
        for item in doc.get("dependencies") or []:
            if isinstance(item, str) and item.replace(" ", "").startswith("python="):
                python = item.split("=", 1)[1].strip().strip("=")
            elif isinstance(item, dict) and isinstance(item.get("pip"), list):
                pip.extend(str(entry) for entry in item["pip"])
        return cls(
            python=python,
            build_dependencies=("pip",),
            dependencies=tuple(_inline(pip, file.parent)),
            conda=doc,
            base_dir=file.parent.resolve(),
        )

    @classmethod
    def from_requirements(cls, path: str | os.PathLike[str]) -> EnvironmentSpec:
        """A spec of the running Python plus the lines of a ``requirements.txt``."""
        file = Path(path)
        return cls(dependencies=tuple(read_requirements(file)), base_dir=file.parent.resolve())

    @classmethod
    def from_directory(cls, path: str | os.PathLike[str]) -> EnvironmentSpec:
        """The spec of a model or project folder: python_env.yaml, else conda.yaml, else
        requirements.txt, else an empty spec (the running Python, nothing installed)."""
        folder = Path(path)
        if (folder / PYTHON_ENV_FILE).is_file():
            return cls.from_python_env(folder / PYTHON_ENV_FILE)
        if (folder / CONDA_ENV_FILE).is_file():
            return cls.from_conda(folder / CONDA_ENV_FILE)
        if (folder / REQUIREMENTS_FILE).is_file():
            return cls.from_requirements(folder / REQUIREMENTS_FILE)
        return cls(base_dir=folder.resolve())

    def with_requirements(self, *extra: str) -> EnvironmentSpec:
        """A copy with more pip requirements (``heron``, a model's flavor...) appended."""
        return EnvironmentSpec(
            self.python,
            self.build_dependencies,
            self.dependencies + tuple(extra),
            self.conda,
            self.base_dir,
        )

    def python_version(self) -> str:
        """The wanted Python version, the running interpreter's when none is given."""
        return self.python or platform.python_version()

    def digest(self, manager: str) -> str:
        """A content hash naming the cached environment built by ``manager`` from this spec.

        Local paths in requirements (wheels, ``-e`` folders) enter with their file's size and
        modification time, so a rebuilt wheel gives a new environment.
        """
        content = {
            "manager": manager,
            "python": self.python_version(),
            "build": list(self.build_dependencies),
            "deps": [self._fingerprint(line) for line in self.dependencies],
            "conda": self.conda if manager == "conda" else None,
        }
        text = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]

    def _fingerprint(self, line: str) -> str:
        candidate = Path(line.removeprefix("-e ").strip())
        if self.base_dir is not None and not candidate.is_absolute():
            candidate = self.base_dir / candidate
        if line.startswith(("-e ", ".", "/")) or line.endswith((".whl", ".tar.gz")):
            try:
                stat = candidate.stat()
                return f"{line}@{stat.st_size}:{stat.st_mtime_ns}"
            except OSError:
                return line
        return line


def _string_list(doc: dict[str, Any], key: str, file: Path) -> list[str]:
    value = doc.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ExecutionException(f"The python_env file {file}: '{key}' must be a list of strings.")
    return [str(v) for v in value]


def _inline(lines: list[str], base: Path) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.extend(_expand(line.strip(), base, frozenset()))
    return out
