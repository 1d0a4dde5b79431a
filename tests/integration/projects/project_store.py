"""What the project tests share: a ``heron run`` runner on a store, project folders, scripts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from heron.entities import Run
from heron.tracking.client import MlflowClient

LOG_SCRIPT = """\
import sys
import heron as mlflow

with mlflow.start_run() as run:
    mlflow.log_metric("ran", 1)
    mlflow.set_tag("argv", " ".join(sys.argv[1:]))
    print("RUN", run.info.run_id, "ARGS", sys.argv[1:], flush=True)
"""


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the tester's MLFLOW_*/HERON_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "HERON_"))}
    env.update(extra)
    return env


@dataclass
class Store:
    """A SQLite tracking store for one test, and ways to run ``heron run`` against it."""

    uri: str
    cwd: Path
    env_root: Path
    tmp: Path

    @property
    def client(self) -> MlflowClient:
        """A client of the store."""
        return MlflowClient(tracking_uri=self.uri)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment ``heron run`` gets: no tester settings, a private env cache."""
        return clean_env(HERON_ENV_ROOT=str(self.env_root), TMPDIR=str(self.tmp), **extra)

    def heron(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        """``heron --tracking-uri <store> <args>``, output captured."""
        command = [sys.executable, "-m", "heron", "--tracking-uri", self.uri, *args]
        env = self.env()
        return subprocess.run(
            command, check=False, cwd=self.cwd, env=env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip

    def runs(self) -> list[Run]:
        """Every run of every experiment, newest first."""
        experiments = [e.experiment_id for e in self.client.search_experiments()]
        return list(self.client.search_runs(experiments, order_by=["attributes.start_time DESC"]))


_ENV_CACHE: list[Path] = []


def env_cache(factory: pytest.TempPathFactory) -> Path:
    """One environment cache folder per test session (so reuse across tests is real)."""
    if not _ENV_CACHE:
        _ENV_CACHE.append(factory.mktemp("env-cache"))
    return _ENV_CACHE[0]


def write_project(root: Path, mlproject: str | None, **files: str) -> Path:
    """A project folder with an MLproject (dedented) and other files."""
    root.mkdir(parents=True, exist_ok=True)
    if mlproject is not None:
        (root / "MLproject").write_text(textwrap.dedent(mlproject))
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    return root
