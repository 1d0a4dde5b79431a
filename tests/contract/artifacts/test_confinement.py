"""Paths that try to leave the root are refused by every operation, and nothing outside moves.

The repository's root is ``<top>/1/run/artifacts`` and the canary lives in ``<top>/canary``, so
each escape below, if obeyed, would reach the canary. These are the bypasses of MLflow's
artifact CVEs (security-reliability.md section 1.2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heron.exceptions import InvalidParameter
from heron.store.artifacts.paths import safe_relative_path

ESCAPES = [
    "../../../canary",
    "..%2f..%2f..%2fcanary",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fcanary",
    "%252e%252e%252f%252e%252e%252f%252e%252e%252fcanary",
    "%25252e%25252e%25252f%25252e%25252e%25252f%25252e%25252e%25252fcanary",
    "..\\..\\..\\canary",
    "..%5c..%5c..%5ccanary",
    "{absolute}",
    "C:\\canary",
    "C:/canary",
    "x;/../../../../canary",
    "x#/../../../../canary",
    "canary%00.txt",
    "canary\x00.txt",
    "a/./../../../../canary",
    "a/../../../../canary",
]


def _spell(escape: str, backend: Any) -> str:
    return escape.replace("{absolute}", backend.absolute_canary)


@pytest.mark.parametrize("escape", ESCAPES)
def test_writing_outside_is_refused(
    backend: Any, canary: dict[str, int | None], escape: str, tmp_path: Path
) -> None:
    (tmp_path / "evil.txt").write_text("evil")

    with pytest.raises(InvalidParameter, match="Invalid artifact path"):
        backend.repo.log_artifact(str(tmp_path / "evil.txt"), _spell(escape, backend))

    assert backend.snapshot() == canary


@pytest.mark.parametrize("escape", ESCAPES)
def test_writing_a_tree_outside_is_refused(
    backend: Any, canary: dict[str, int | None], escape: str, source: Path
) -> None:
    with pytest.raises(InvalidParameter):
        backend.repo.log_artifacts(str(source), _spell(escape, backend))

    assert backend.snapshot() == canary


@pytest.mark.parametrize("escape", ESCAPES)
def test_listing_outside_is_refused(
    backend: Any, canary: dict[str, int | None], escape: str
) -> None:
    with pytest.raises(InvalidParameter):
        backend.repo.list_artifacts(_spell(escape, backend))


@pytest.mark.parametrize("escape", ESCAPES)
def test_reading_outside_is_refused(
    backend: Any, canary: dict[str, int | None], escape: str, tmp_path: Path
) -> None:
    dst = tmp_path / "dst"
    dst.mkdir()

    with pytest.raises(InvalidParameter):
        backend.repo.download_artifacts(_spell(escape, backend) + "/secret.txt", str(dst))

    assert list(dst.iterdir()) == []


@pytest.mark.parametrize("escape", ESCAPES)
def test_deleting_outside_is_refused(
    backend: Any, canary: dict[str, int | None], escape: str
) -> None:
    with pytest.raises(InvalidParameter):
        backend.repo.delete_artifacts(_spell(escape, backend))

    assert backend.snapshot() == canary


def test_lookalike_encodings_stay_inside_the_root(
    backend: Any, canary: dict[str, int | None], tmp_path: Path
) -> None:
    (tmp_path / "f.txt").write_text("x")

    backend.repo.log_artifact(str(tmp_path / "f.txt"), "%c0%ae%c0%ae/canary")

    assert backend.repo.list_artifacts("%c0%ae%c0%ae/canary")[0].path == "%c0%ae%c0%ae/canary/f.txt"
    snapshot = backend.snapshot()
    assert snapshot["1/run/artifacts/%c0%ae%c0%ae/canary/f.txt"] == 1
    assert {path: size for path, size in snapshot.items() if not path.startswith("1")} == canary


@pytest.mark.parametrize(
    ("path", "normalised"),
    [
        (None, ""),
        ("", ""),
        (".", ""),
        ("a/./b//c/", "a/b/c"),
        ("acc%step%10%timestamp%1700000000000%gabc.png", None),
        ("100%25 done/x.txt", None),
        ("dir with spaces/über.txt", None),
        ("..data/x..y/...", None),
    ],
)
def test_safe_paths_are_kept(path: str | None, normalised: str | None) -> None:
    assert safe_relative_path(path) == (path if normalised is None else normalised)


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "a\nb",
        "a\x7fb",
        "x/D:evil",
        "%2fetc",
        "%5c%5cserver%5cshare",
        "a%3bb",
        "a%23b",
        "%" + "25" * 11 + "2e%" + "25" * 11 + "2e/x",  # needs more rounds than allowed
    ],
)
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(InvalidParameter, match="Invalid artifact path"):
        safe_relative_path(path)
