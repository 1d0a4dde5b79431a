"""``heron.pyfunc``'s Context, EnvType, environment archives and type-hint flagging."""

from __future__ import annotations

import io
import logging
import os
import tarfile
import threading
from pathlib import Path

import pandas as pd
import pytest

import heron.pyfunc
from heron.exceptions import InvalidParameter
from heron.models import Model, infer_signature
from heron.pyfunc.context import get_prediction_context


def test_prediction_context_is_set_inside_the_block_only() -> None:
    context = heron.pyfunc.Context(request_id="r1", is_evaluate=True, unknown_later_field=1)
    assert get_prediction_context() is None
    with heron.pyfunc.set_prediction_context(context):
        assert get_prediction_context() is context
        seen: list[object] = []
        thread = threading.Thread(target=lambda: seen.append(get_prediction_context()))
        thread.start()
        thread.join()
        assert seen == [None]  # another thread has its own context
    assert get_prediction_context() is None
    context.update(model_id="m-1")
    assert context.model_id == "m-1"
    with pytest.raises(AttributeError, match="no attribute named 'nope'"):
        context.update(nope=1)
    with (
        pytest.raises(TypeError, match="instance of Context"),
        heron.pyfunc.set_prediction_context("r1"),  # type: ignore[arg-type]
    ):
        pass


def test_env_type_names_and_is_not_instantiable() -> None:
    assert (heron.pyfunc.EnvType.CONDA, heron.pyfunc.EnvType.VIRTUALENV) == ("conda", "virtualenv")
    with pytest.raises(NotImplementedError):
        heron.pyfunc.EnvType()


def test_archive_round_trip_keeps_symlinks(tmp_path: Path) -> None:
    source = tmp_path / "env"
    (source / "bin").mkdir(parents=True)
    (source / "bin" / "tool").write_text("#!/bin/sh\n")
    os.symlink("/usr/bin/env", source / "bin" / "python")
    archive = heron.pyfunc.archive_directory(str(source), str(tmp_path / "env.tar.gz"))
    assert archive == str(tmp_path / "env.tar.gz")
    out = heron.pyfunc.extract_archive_to_dir(archive, str(tmp_path / "out"))
    assert (Path(out) / "bin" / "tool").read_text() == "#!/bin/sh\n"
    assert os.readlink(Path(out) / "bin" / "python") == "/usr/bin/env"


def _tar_with(tmp_path: Path, *members: tarfile.TarInfo) -> str:
    path = tmp_path / "evil.tar"
    with tarfile.open(path, "w") as archive:
        for member in members:
            archive.addfile(member, io.BytesIO(b"x" * member.size))
    return str(path)


def test_extract_refuses_members_leaving_the_destination(tmp_path: Path) -> None:
    outside = tarfile.TarInfo("../escaped.txt")
    outside.size = 1
    with pytest.raises(InvalidParameter, match="outside the destination"):
        heron.pyfunc.extract_archive_to_dir(_tar_with(tmp_path, outside), str(tmp_path / "d"))
    link = tarfile.TarInfo("link")
    link.type, link.linkname = tarfile.SYMTYPE, str(tmp_path)
    through = tarfile.TarInfo("link/escaped.txt")
    through.size = 1
    archive = _tar_with(tmp_path, link, through)
    with pytest.raises(InvalidParameter, match="outside the destination"):
        heron.pyfunc.extract_archive_to_dir(archive, str(tmp_path / "e"))
    assert not (tmp_path / "escaped.txt").exists()
    (tmp_path / "not.tar").write_text("plain text")
    with pytest.raises(InvalidParameter, match="not a valid tar archive"):
        heron.pyfunc.extract_archive_to_dir(str(tmp_path / "not.tar"), str(tmp_path / "f"))


def test_build_model_env_refuses_bad_arguments(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(InvalidParameter, match="virtualenv"):
        heron.pyfunc.build_model_env(str(tmp_path), str(tmp_path / "out"), env_manager="conda")
    with pytest.raises(InvalidParameter, match="must be a directory"):
        heron.pyfunc.build_model_env(str(tmp_path), str(tmp_path / "file"))


def test_type_hint_from_example_flags_the_signature(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    frame = pd.DataFrame({"a": [1.5]})
    signature = infer_signature(frame)
    heron.pyfunc.update_signature_for_type_hint_from_example(frame, signature)
    model = Model(signature=signature)
    assert model.to_dict()["type_hint_from_example"] is True
    other = infer_signature(frame)
    with caplog.at_level(logging.WARNING):
        heron.pyfunc.update_signature_for_type_hint_from_example({"a": 1}, other)
    assert "must be one of pandas.DataFrame" in caplog.text
    assert Model(signature=other).to_dict()["type_hint_from_example"] is False


def test_build_model_env_archives_a_working_environment(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "MLmodel").write_text("flavors: {}\n")
    (model / "requirements.txt").write_text("")
    archive = heron.pyfunc.build_model_env(str(model), str(tmp_path / "out"), env_manager="uv")
    name = os.path.basename(archive)
    assert name.startswith("heron-")
    assert name.endswith(".tar.gz")
    env = Path(heron.pyfunc.extract_archive_to_dir(archive, str(tmp_path / "env")))
    assert (env / "pyvenv.cfg").is_file()
    assert (env / "bin" / "python").is_symlink()
    with pytest.raises(InvalidParameter, match="already exists"):
        heron.pyfunc.build_model_env(str(model), str(tmp_path / "out"), env_manager="uv")
