"""A fluent ``heron`` on a fresh SQLite store, for autologging, datasets and evaluate tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import heron
from heron import config
from heron.tracking import session


@pytest.fixture
def fluent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """``heron`` on a new SQLite store in ``tmp_path``, with no active run."""
    monkeypatch.chdir(tmp_path)
    for name in ("TRACKING_URI", "EXPERIMENT_NAME", "EXPERIMENT_ID", "RUN_ID"):
        for env in config.ALL[name].env_names:
            monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("HERON_TRACKING_URI", f"sqlite:///{tmp_path / 'heron.db'}")
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    session.reset()
    yield heron
    while heron.active_run() is not None:
        heron.end_run()
    session.reset()
