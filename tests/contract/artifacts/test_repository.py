"""The artifact-repository contract: what every backend does with files and directories."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from heron.entities import FileInfo
from heron.exceptions import NotFound
from heron.store.artifacts.base import ArtifactRepository


def test_an_empty_root_lists_nothing(repo: ArtifactRepository) -> None:
    assert repo.list_artifacts() == []
    assert repo.list_artifacts("missing/dir") == []


def test_a_logged_file_is_listed_with_its_size(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifact(str(source / "a.txt"))

    assert repo.list_artifacts() == [FileInfo("a.txt", False, 5)]
    assert repo.list_artifacts(None) == repo.list_artifacts("")


def test_nested_artifact_paths_list_level_by_level(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifact(str(source / "a.txt"), "x/y")

    assert repo.list_artifacts() == [FileInfo("x", True, None)]
    assert repo.list_artifacts("x") == [FileInfo("x/y", True, None)]
    assert repo.list_artifacts("x/y/") == [FileInfo("x/y/a.txt", False, 5)]


def test_listing_a_file_path_gives_nothing(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifact(str(source / "a.txt"), "dir")

    assert repo.list_artifacts("dir/a.txt") == []


def test_log_artifacts_copies_a_tree(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifacts(str(source), "tree")

    assert repo.list_artifacts("tree") == [
        FileInfo("tree/a.txt", False, 5),
        FileInfo("tree/sub", True, None),
    ]
    assert repo.list_artifacts("tree/sub") == [
        FileInfo("tree/sub/b.txt", False, 6),
        FileInfo("tree/sub/deeper", True, None),
    ]
    assert repo.list_artifacts("tree/sub/deeper") == [FileInfo("tree/sub/deeper/c.bin", False, 256)]


def test_listings_are_sorted_by_path(repo: ArtifactRepository, tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "C.txt", "a0.txt"):
        (tmp_path / name).write_text(name)
        repo.log_artifact(str(tmp_path / name))

    paths = [info.path for info in repo.list_artifacts()]

    assert paths == sorted(paths) == ["C.txt", "a.txt", "a0.txt", "b.txt"]


def test_download_a_file(repo: ArtifactRepository, source: Path, tmp_path: Path) -> None:
    repo.log_artifact(str(source / "sub" / "b.txt"), "docs")

    local = repo.download_artifacts("docs/b.txt", str(tmp_path / "dst"))

    assert local == str(tmp_path / "dst" / "docs" / "b.txt")
    assert Path(local).read_text() == "bravo!"


def test_download_a_directory_tree(repo: ArtifactRepository, source: Path, tmp_path: Path) -> None:
    repo.log_artifacts(str(source), "tree")

    local = Path(repo.download_artifacts("tree/sub", str(tmp_path / "dst")))

    assert local == tmp_path / "dst" / "tree" / "sub"
    assert (local / "b.txt").read_text() == "bravo!"
    assert (local / "deeper" / "c.bin").read_bytes() == bytes(range(256))
    assert not (local.parent / "a.txt").exists()


def test_download_the_whole_root(repo: ArtifactRepository, source: Path, tmp_path: Path) -> None:
    repo.log_artifacts(str(source))

    local = Path(repo.download_artifacts("", str(tmp_path / "dst")))

    assert local == tmp_path / "dst"
    assert (local / "a.txt").read_text() == "alpha"
    assert (local / "sub" / "deeper" / "c.bin").stat().st_size == 256


def test_downloading_an_empty_root_gives_an_empty_directory(
    repo: ArtifactRepository, tmp_path: Path
) -> None:
    local = Path(repo.download_artifacts("", str(tmp_path / "dst")))

    assert local == tmp_path / "dst"
    assert list(local.iterdir()) == []


def test_download_without_destination_uses_a_new_directory(
    repo: ArtifactRepository, source: Path
) -> None:
    repo.log_artifact(str(source / "a.txt"))

    local = Path(repo.download_artifacts("a.txt"))

    assert local.name == "a.txt"
    assert local.read_text() == "alpha"


def test_download_of_a_missing_path_is_not_found(repo: ArtifactRepository, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=r"nothing\.txt"):
        repo.download_artifacts("nothing.txt", str(tmp_path / "dst"))


def test_logging_again_overwrites(repo: ArtifactRepository, tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "f.txt").write_text("first version")
    (tmp_path / "two" / "f.txt").write_text("second")
    repo.log_artifact(str(tmp_path / "one" / "f.txt"))

    repo.log_artifact(str(tmp_path / "two" / "f.txt"))

    assert repo.list_artifacts() == [FileInfo("f.txt", False, 6)]
    assert Path(repo.download_artifacts("f.txt", str(tmp_path / "dst"))).read_text() == "second"


def test_a_failed_upload_leaves_the_old_file_whole(
    repo: ArtifactRepository, tmp_path: Path
) -> None:
    (tmp_path / "f.txt").write_text("kept")
    repo.log_artifact(str(tmp_path / "f.txt"), "d")

    with pytest.raises(FileNotFoundError):
        repo.log_artifact(str(tmp_path / "gone" / "f.txt"), "d")

    assert repo.list_artifacts("d") == [FileInfo("d/f.txt", False, 4)]
    assert Path(repo.download_artifacts("d/f.txt", str(tmp_path / "dst"))).read_text() == "kept"


def test_readers_see_a_whole_old_or_new_file(repo: ArtifactRepository, tmp_path: Path) -> None:
    contents = [b"a" * 3_000_000, b"b" * 2_000_000]
    for index, content in enumerate(contents):
        (tmp_path / str(index)).mkdir()
        (tmp_path / str(index) / "big.bin").write_bytes(content)
    repo.log_artifact(str(tmp_path / "0" / "big.bin"))
    seen: set[bytes] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            local = repo.download_artifacts("big.bin", str(tmp_path / "dst"))
            seen.add(Path(local).read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    for round_ in range(30):
        repo.log_artifact(str(tmp_path / str(round_ % 2) / "big.bin"))
    done.set()
    reader.join()

    assert seen
    assert seen <= set(contents)


def test_delete_a_file(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifacts(str(source))

    repo.delete_artifacts("sub/b.txt")

    assert repo.list_artifacts("sub") == [FileInfo("sub/deeper", True, None)]


def test_delete_a_tree(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifacts(str(source))

    repo.delete_artifacts("sub")

    assert repo.list_artifacts() == [FileInfo("a.txt", False, 5)]


def test_delete_everything(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifacts(str(source))

    repo.delete_artifacts()

    assert repo.list_artifacts() == []


def test_delete_of_a_missing_path_changes_nothing(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifact(str(source / "a.txt"))

    repo.delete_artifacts("not/there")

    assert repo.list_artifacts() == [FileInfo("a.txt", False, 5)]


def test_is_dir(repo: ArtifactRepository, source: Path) -> None:
    repo.log_artifacts(str(source))

    assert repo.is_dir("sub")
    assert repo.is_dir("")
    assert not repo.is_dir("a.txt")
    assert not repo.is_dir("missing")
