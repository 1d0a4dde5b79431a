"""Fixtures of the project tests: a fresh store per test, project folders under tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from project_store import Store, env_cache, write_project


@pytest.fixture
def store(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A fresh store in the test's folder; environments cached per session; ``heron run``'s
    temporary files (clones, downloads) in ``store.tmp``."""
    work, scratch = tmp_path / "cwd", tmp_path / "tmp"
    work.mkdir()
    scratch.mkdir()
    return Store(f"sqlite:///{tmp_path / 'heron.db'}", work, env_cache(tmp_path_factory), scratch)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """``make_project(name, mlproject, **files)`` -> the project folder under the test's tmp."""

    def make(name: str, mlproject: str | None, **files: str) -> Path:
        return write_project(tmp_path / name, mlproject, **files)

    return make
