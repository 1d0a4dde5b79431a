"""A built environment: where its interpreter lives and how a child process is put inside it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Environment:
    """An environment ready to run commands in.

    Attributes:
        manager: ``local``, ``virtualenv``, ``uv`` or ``conda``.
        prefix: The environment's root folder (``sys.prefix`` for ``local``).
        bin_dir: Its executables folder, put first on ``PATH`` for commands run inside it.
        python: Its Python interpreter.
        digest: The content hash it is cached under (empty for ``local``).
    """

    manager: str
    prefix: Path
    bin_dir: Path
    python: Path
    digest: str = ""

    def environ(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """A process environment that runs inside this one: ``PATH`` starts at :attr:`bin_dir`,
        ``VIRTUAL_ENV`` (or ``CONDA_PREFIX``) names it, ``PYTHONHOME`` is dropped."""
        env = dict(os.environ if base is None else base)
        env.pop("PYTHONHOME", None)
        env["PATH"] = os.pathsep.join([str(self.bin_dir), env.get("PATH", os.defpath)])
        if self.manager == "conda":
            env["CONDA_PREFIX"] = str(self.prefix)
        elif self.manager != "local":
            env["VIRTUAL_ENV"] = str(self.prefix)
        return env

    def python_command(self, *args: str) -> list[str]:
        """``[python, *args]`` with this environment's interpreter."""
        return [str(self.python), *args]


def local_environment() -> Environment:
    """The running interpreter's environment; commands find its ``python`` first on ``PATH``."""
    python = Path(sys.executable)
    return Environment("local", Path(sys.prefix), python.parent, python)
