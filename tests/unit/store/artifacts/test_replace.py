"""Replacing a file: atomic, and a big old file is freed in the background, not by the rename."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from heron.store.artifacts.local import (
    LocalArtifactRepository,
    atomic_write,
    finish_freeing,
    is_partial_upload,
    keep_old_file,
)


def test_a_big_replaced_file_is_freed_after_the_rename(tmp_path: Path) -> None:
    target = tmp_path / "model.bin"
    target.write_bytes(b"old" * 100)
    reader = open(target, "rb")  # noqa: SIM115 - a reader of the old file, open meanwhile
    old_inode = os.fstat(reader.fileno()).st_ino

    atomic_write(str(target), [b"new"], free_later_from=10)

    assert target.read_bytes() == b"new"
    assert reader.read() == b"old" * 100
    reader.close()
    finish_freeing()
    assert os.listdir(tmp_path) == ["model.bin"]
    assert os.stat(target).st_ino != old_inode


def test_a_big_file_gets_a_hidden_second_name(tmp_path: Path) -> None:
    target = tmp_path / "model.bin"
    target.write_bytes(b"old" * 100)

    kept = keep_old_file(str(target), 10)

    assert kept is not None
    assert is_partial_upload(os.path.basename(kept))
    assert os.stat(kept).st_ino == os.stat(target).st_ino
    assert os.stat(target).st_nlink == 2
    assert keep_old_file(str(target), 1000) is None  # small
    assert keep_old_file(str(tmp_path / "missing"), 10) is None


def test_small_files_are_replaced_in_place(tmp_path: Path) -> None:
    target = tmp_path / "small.txt"
    target.write_bytes(b"old")

    atomic_write(str(target), [b"new"], free_later_from=10)

    assert os.listdir(tmp_path) == ["small.txt"]
    assert target.read_bytes() == b"new"


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "model.bin"
    target.write_bytes(b"old" * 100)

    def failing() -> list[bytes]:
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        atomic_write(str(target), iter(failing, None), free_later_from=10)

    finish_freeing()
    assert os.listdir(tmp_path) == ["model.bin"]
    assert target.read_bytes() == b"old" * 100


def test_deleting_a_directory_while_a_replaced_file_is_freed(tmp_path: Path) -> None:
    repo = LocalArtifactRepository(str(tmp_path / "root"))
    repo.write_stream("d/model.bin", [b"old" * 100])
    atomic_write(str(tmp_path / "root" / "d" / "model.bin"), [b"new"], free_later_from=10)

    repo.delete_artifacts("d")

    finish_freeing()
    assert os.listdir(tmp_path / "root") == []
