"""Fixtures of the fast UI tests (see ``fixtures.ui_app``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.ui_app import UiApp, make_ui_app


@pytest.fixture
def ui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[UiApp]:
    """The UI over a fresh store; the client logs artifacts to ``tmp_path/artifacts``."""
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    app = make_ui_app(tmp_path)
    with app.http:
        yield app
