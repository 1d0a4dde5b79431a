"""Downloads from the artifact browser: folders as streamed zips, with their guards."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from fixtures.ui_app import UiApp
from heron.server.ui import zips
from heron.store.artifacts.local import LocalArtifactRepository


def _run(ui: UiApp, tmp_path: Path, files: dict[str, bytes]) -> tuple[str, str, Path]:
    """A run with these artifact files; also the run's artifact folder on disk."""
    experiment = ui.client.create_experiment("exp", artifact_location=(tmp_path / "art").as_uri())
    run_id = ui.client.create_run(experiment).info.run_id
    folder = tmp_path / "files"
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    ui.client.log_artifacts(run_id, str(folder))
    return experiment, run_id, tmp_path / "art" / run_id / "artifacts"


def _zip(ui: UiApp, e: str, r: str, path: str):  # type: ignore[no-untyped-def]
    return ui.http.get(f"/experiments/{e}/runs/{r}/artifact-zip", params={"path": path})


def test_folder_downloads_as_a_zip_named_after_it(ui: UiApp, tmp_path: Path) -> None:
    files = {"d/a.txt": b"a", "d/sub/b.bin": os.urandom(3000), "other.txt": b"o"}
    e, r, _ = _run(ui, tmp_path, files)
    response = _zip(ui, e, r, "d")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == "attachment; filename=d.zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["d/a.txt", "d/sub/b.bin"]
        assert archive.read("d/sub/b.bin") == files["d/sub/b.bin"]


def test_root_zip_holds_every_file(ui: UiApp, tmp_path: Path) -> None:
    e, r, _ = _run(ui, tmp_path, {"x/a.txt": b"a", "b.txt": b"b"})
    response = _zip(ui, e, r, "")
    assert f"filename={r}-artifacts.zip" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["b.txt", "x/a.txt"]


def test_zip_is_streamed_in_pieces(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "big.bin").write_bytes(os.urandom(3 << 20))
    repository = LocalArtifactRepository(str(tmp_path))
    pieces = list(zips.zip_stream(repository, "d", zips.zip_files(repository, "d")))
    assert len([p for p in pieces if p]) >= 3  # one per chunk read, not one at the end
    with zipfile.ZipFile(io.BytesIO(b"".join(pieces))) as archive:
        assert archive.read("d/big.bin") == (tmp_path / "d" / "big.bin").read_bytes()


def test_too_many_files_is_refused_before_anything_is_sent(
    ui: UiApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zips, "MAX_ZIP_FILES", 2)
    e, r, _ = _run(ui, tmp_path, {"d/1": b"1", "d/2": b"2", "d/3": b"3"})
    response = _zip(ui, e, r, "d")
    assert response.status_code == 413
    assert "download its files one by one" in response.text


def test_zip_of_a_file_or_outside_the_root_is_refused(ui: UiApp, tmp_path: Path) -> None:
    e, r, _ = _run(ui, tmp_path, {"a.txt": b"a"})
    assert _zip(ui, e, r, "a.txt").status_code == 400
    for path in ("..", "../..", "%2e%2e", "/tmp"):
        assert _zip(ui, e, r, path).status_code == 400, path


def test_symlink_out_of_the_root_is_not_followed(ui: UiApp, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.txt").write_text("top secret")
    e, r, root = _run(ui, tmp_path, {"d/a.txt": b"a"})
    os.symlink(secret, root / "d" / "link")
    response = _zip(ui, e, r, "d")  # the link is not part of the artifacts: left out
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["d/a.txt"]
    through_link = _zip(ui, e, r, "d/link")
    assert through_link.status_code == 400
    assert "top secret" not in through_link.text


def test_file_download_link_is_mlflows_get_artifact(ui: UiApp, tmp_path: Path) -> None:
    e, r, _ = _run(ui, tmp_path, {"w.bin": b"\x00" * 10})
    pane = ui.http.get(f"/experiments/{e}/runs/{r}/artifact-preview?path=w.bin").text
    assert f'href="/get-artifact?run_id={r}&amp;path=w.bin" download' in pane
    download = ui.http.get(f"/get-artifact?run_id={r}&path=w.bin")
    assert download.content == b"\x00" * 10
    assert download.headers["content-disposition"] == "attachment; filename=w.bin"
