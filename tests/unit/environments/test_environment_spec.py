"""Environment specs: python_env.yaml / conda.yaml / requirements.txt, and their digests."""

from __future__ import annotations

from pathlib import Path

import pytest

from heron.environments import EnvironmentSpec, validate_env_manager
from heron.exceptions import ExecutionException, InvalidParameter


def test_python_env_with_an_included_requirements_file(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("# pinned\nrequests==2.31.0\n\n-r more.txt\n")
    (tmp_path / "more.txt").write_text("click>=8  # cli\n")
    (tmp_path / "python_env.yaml").write_text(
        'python: "3.11"\nbuild_dependencies: [pip]\ndependencies: ["-r requirements.txt", six]\n'
    )
    spec = EnvironmentSpec.from_directory(tmp_path)
    assert spec.python == "3.11"
    assert spec.build_dependencies == ("pip",)
    assert spec.dependencies == ("requests==2.31.0", "click>=8", "six")


def test_conda_yaml_gives_python_and_pip_parts(tmp_path: Path) -> None:
    (tmp_path / "conda.yaml").write_text(
        "name: x\ndependencies:\n- python=3.11.7\n- pip\n- pip:\n  - mlflow==3.1\n"
    )
    spec = EnvironmentSpec.from_directory(tmp_path)
    assert spec.python == "3.11.7"
    assert spec.dependencies == ("mlflow==3.1",)
    assert spec.conda is not None


def test_requirements_only_and_empty_folders(tmp_path: Path) -> None:
    assert EnvironmentSpec.from_directory(tmp_path).dependencies == ()
    (tmp_path / "requirements.txt").write_text("six\n")
    assert EnvironmentSpec.from_directory(tmp_path).dependencies == ("six",)


def test_digest_follows_content_and_manager(tmp_path: Path) -> None:
    first = EnvironmentSpec(python="3.11", dependencies=("six",))
    same = EnvironmentSpec(python="3.11", dependencies=("six",), base_dir=tmp_path)
    other = EnvironmentSpec(python="3.11", dependencies=("six==1.16",))
    assert first.digest("uv") == same.digest("uv")
    assert first.digest("uv") != other.digest("uv")
    assert first.digest("uv") != first.digest("virtualenv")


def test_a_local_wheel_changes_the_digest_when_rebuilt(tmp_path: Path) -> None:
    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    wheel.write_bytes(b"one")
    spec = EnvironmentSpec(dependencies=(wheel.name,), base_dir=tmp_path)
    before = spec.digest("uv")
    wheel.write_bytes(b"rebuilt, longer")
    assert spec.digest("uv") != before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("python: [3]\n", "'python' must be a version"),
        ("dependencies: six\n", "'dependencies' must be a list of strings"),
        ("pythn: '3.11'\n", "unexpected keys"),
        ("dependencies: [\n", "not valid YAML at line 2"),
        ("- a\n", "must be a YAML mapping"),
    ],
)
def test_bad_python_env_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "python_env.yaml").write_text(text)
    with pytest.raises(ExecutionException, match=message):
        EnvironmentSpec.from_python_env(tmp_path / "python_env.yaml")


def test_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ExecutionException, match=r"python_env file .* was not found"):
        EnvironmentSpec.from_python_env(tmp_path / "python_env.yaml")
    (tmp_path / "python_env.yaml").write_text("dependencies: ['-r nope.txt']\n")
    with pytest.raises(ExecutionException, match=r"requirements file .*nope\.txt was not found"):
        EnvironmentSpec.from_python_env(tmp_path / "python_env.yaml")


def test_a_requirements_file_including_itself_is_refused(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r requirements.txt\n")
    with pytest.raises(ExecutionException, match="includes itself"):
        EnvironmentSpec.from_requirements(tmp_path / "requirements.txt")


def test_env_manager_names() -> None:
    assert validate_env_manager("UV") == "uv"
    with pytest.raises(InvalidParameter, match="Must be one of"):
        validate_env_manager("pipenv")
