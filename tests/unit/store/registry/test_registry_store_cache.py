"""get_registry_store: one store per database, a relative SQLite path per directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from heron.store.registry import clear_registry_store_cache, get_registry_store


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    yield
    clear_registry_store_cache()


def test_spellings_of_one_database_share_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = get_registry_store("sqlite:///heron.db")
    assert get_registry_store("sqlite:///heron.db") is store
    assert get_registry_store(f"sqlite:///{tmp_path / 'heron.db'}") is store


def test_a_relative_path_follows_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    first = get_registry_store("sqlite:///heron.db")
    monkeypatch.chdir(tmp_path / "b")
    second = get_registry_store("sqlite:///heron.db")
    assert second is not first
    assert second is get_registry_store(f"sqlite:///{tmp_path / 'b' / 'heron.db'}")
