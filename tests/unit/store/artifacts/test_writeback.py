"""Big files pushed to disk window by window while they are written (Linux only)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from heron.store.artifacts.local import LocalArtifactRepository
from heron.store.artifacts.writeback import WINDOW, Writeback

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="sync_file_range is Linux's"
)


@linux_only
def test_windows_before_the_last_are_waited_for_and_the_bytes_kept(tmp_path: Path) -> None:
    block = os.urandom(WINDOW // 4)
    fd = os.open(tmp_path / "f.bin", os.O_WRONLY | os.O_CREAT)
    try:
        writeback = Writeback(fd)
        settled = []
        for _ in range(13):  # three full windows and a quarter
            os.write(fd, block)
            writeback.wrote(len(block))
            settled.append(writeback.settled)
        os.fsync(fd)
    finally:
        os.close(fd)

    assert writeback.active
    assert settled[3] == 0  # one window pushed out, none waited for yet
    assert settled[7] == WINDOW
    assert settled[-1] == 2 * WINDOW
    assert (tmp_path / "f.bin").read_bytes() == block * 13


@linux_only
def test_a_descriptor_that_refuses_the_hints_turns_them_off() -> None:
    read_end, write_end = os.pipe()  # sync_file_range on a pipe: ESPIPE
    try:
        writeback = Writeback(write_end)
        writeback.wrote(WINDOW)
        writeback.wrote(WINDOW)
    finally:
        os.close(read_end)
        os.close(write_end)

    assert not writeback.active
    assert writeback.settled == 0


def test_a_stream_of_many_windows_is_stored_whole(tmp_path: Path) -> None:
    repo = LocalArtifactRepository(str(tmp_path / "root"))
    pieces = [os.urandom(n) for n in (1, 3 << 20, 5 << 20, 1 << 20, 7, 9 << 20)]

    repo.write_stream("d/big.bin", iter(pieces))

    assert (tmp_path / "root" / "d" / "big.bin").read_bytes() == b"".join(pieces)
    assert os.listdir(tmp_path / "root" / "d") == ["big.bin"]
