"""What only the local backend does: ``file:`` URIs, symlinks, empty directories, temp files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from heron.entities import FileInfo
from heron.exceptions import InvalidParameter
from heron.store.artifacts import get_artifact_repository
from heron.store.artifacts.local import LocalArtifactRepository, local_path_from_uri


@pytest.mark.parametrize("form", ["file://{p}", "file:{p}", "file://localhost{p}", "{p}"])
def test_uri_forms_name_the_same_directory(form: str, tmp_path: Path) -> None:
    uri = form.format(p=tmp_path / "my dir")

    assert local_path_from_uri(uri) == str(tmp_path / "my dir")


def test_file_uris_are_percent_decoded(tmp_path: Path) -> None:
    repo = get_artifact_repository((tmp_path / "a b%c").as_uri())

    assert isinstance(repo, LocalArtifactRepository)
    assert repo.artifact_dir == str(tmp_path / "a b%c")


def test_relative_paths_resolve_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert LocalArtifactRepository("rel/dir").artifact_dir == str(tmp_path / "rel" / "dir")


@pytest.mark.parametrize("uri", ["file://otherhost/x", "file:///x#/../y", "file:///x?y=1"])
def test_ambiguous_file_uris_are_refused(uri: str) -> None:
    with pytest.raises(InvalidParameter):
        LocalArtifactRepository(uri)


def test_uploads_leave_no_temporary_files(tmp_path: Path) -> None:
    repo = LocalArtifactRepository(str(tmp_path / "root"))
    (tmp_path / "f.txt").write_text("x")

    repo.log_artifact(str(tmp_path / "f.txt"), "d")
    with pytest.raises(FileNotFoundError):
        repo.log_artifact(str(tmp_path / "missing.txt"), "d")

    assert os.listdir(tmp_path / "root" / "d") == ["f.txt"]


def test_uploads_in_flight_are_hidden_from_listings(tmp_path: Path) -> None:
    repo = LocalArtifactRepository(str(tmp_path))
    (tmp_path / ".heron-x1y2.partial").write_text("half a fi")
    (tmp_path / ".hidden").write_text("a user's dotfile")

    assert repo.list_artifacts() == [FileInfo(".hidden", False, 16)]


def test_empty_directories_are_copied_and_downloaded(tmp_path: Path) -> None:
    (tmp_path / "src" / "empty").mkdir(parents=True)
    repo = LocalArtifactRepository(str(tmp_path / "root"))

    repo.log_artifacts(str(tmp_path / "src"), "t")

    assert repo.list_artifacts("t") == [FileInfo("t/empty", True, None)]
    assert os.path.isdir(repo.download_artifacts("t/empty", str(tmp_path / "dst")))


def test_names_with_percent_signs_are_stored_literally(tmp_path: Path) -> None:
    repo = LocalArtifactRepository(str(tmp_path / "root"))
    (tmp_path / "acc%step%10%timestamp%1700000000000%gx.png").write_text("png")

    repo.log_artifact(str(tmp_path / "acc%step%10%timestamp%1700000000000%gx.png"), "a%2fb")

    assert (tmp_path / "root" / "a%2fb" / "acc%step%10%timestamp%1700000000000%gx.png").exists()


@pytest.fixture
def linked(tmp_path: Path) -> LocalArtifactRepository:
    """A root holding ``link``, a symlink to a canary directory outside the root."""
    (tmp_path / "canary").mkdir()
    (tmp_path / "canary" / "secret.txt").write_text("secret")
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "link").symlink_to(tmp_path / "canary", target_is_directory=True)
    return LocalArtifactRepository(str(tmp_path / "root"))


def test_symlinks_out_of_the_root_are_not_followed(
    linked: LocalArtifactRepository, tmp_path: Path
) -> None:
    (tmp_path / "evil.txt").write_text("evil")

    with pytest.raises(InvalidParameter, match="outside the artifact root"):
        linked.log_artifact(str(tmp_path / "evil.txt"), "link")
    with pytest.raises(InvalidParameter):
        linked.list_artifacts("link")
    with pytest.raises(InvalidParameter):
        linked.download_artifacts("link/secret.txt", str(tmp_path / "dst"))
    with pytest.raises(InvalidParameter):
        linked.delete_artifacts("link")

    assert sorted(os.listdir(tmp_path / "canary")) == ["secret.txt"]
    assert not (tmp_path / "dst").exists()


def test_symlinks_out_of_the_root_are_left_out_of_listings(
    linked: LocalArtifactRepository, tmp_path: Path
) -> None:
    (tmp_path / "root" / "own.txt").write_text("mine")

    assert linked.list_artifacts() == [FileInfo("own.txt", False, 4)]


def test_deleting_a_tree_holding_an_outward_symlink_spares_its_target(
    linked: LocalArtifactRepository, tmp_path: Path
) -> None:
    linked.delete_artifacts()

    assert not (tmp_path / "root").exists()
    assert (tmp_path / "canary" / "secret.txt").read_text() == "secret"


def test_symlinks_within_the_root_are_followed(tmp_path: Path) -> None:
    (tmp_path / "root" / "real").mkdir(parents=True)
    (tmp_path / "root" / "real" / "f.txt").write_text("inside")
    (tmp_path / "root" / "alias").symlink_to(tmp_path / "root" / "real")
    repo = LocalArtifactRepository(str(tmp_path / "root"))

    assert repo.list_artifacts("alias") == [FileInfo("alias/f.txt", False, 6)]
    assert Path(repo.download_artifacts("alias/f.txt", str(tmp_path / "d"))).read_text() == "inside"
