"""Environment files: inferred pinned requirements and MLflow's three arguments."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from heron.exceptions import InvalidParameter
from heron.models import infer_pip_requirements
from heron.models.environment import BASE_REQUIREMENT, write_environment


def _requirements(model_dir: Path) -> list[str]:
    return (model_dir / "requirements.txt").read_text().splitlines()


def test_infers_pinned_distributions_from_modules() -> None:
    requirements = infer_pip_requirements(["sklearn", "sklearn.linear_model", "os", "heron"])
    assert requirements == [BASE_REQUIREMENT, f"scikit-learn=={metadata.version('scikit-learn')}"]


def test_writes_the_three_files_like_mlflow(tmp_path: Path) -> None:
    env = write_environment(str(tmp_path), ["cloudpickle"])
    assert env == {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}
    expected = [BASE_REQUIREMENT, f"cloudpickle=={metadata.version('cloudpickle')}"]
    assert _requirements(tmp_path) == expected
    conda = yaml.safe_load((tmp_path / "conda.yaml").read_text())
    assert conda["name"] == "mlflow-env"
    assert conda["channels"] == ["conda-forge"]
    assert conda["dependencies"][0] == f"python={platform.python_version()}"
    assert conda["dependencies"][-1] == {"pip": expected}
    python_env = yaml.safe_load((tmp_path / "python_env.yaml").read_text())
    assert python_env["python"] == platform.python_version()
    assert python_env["dependencies"] == ["-r requirements.txt"]
    assert python_env["build_dependencies"][-1] == "wheel"


def test_pip_requirements_replace_and_extra_add(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    write_environment(str(first), ["cloudpickle"], pip_requirements=["numpy", "pandas>=2"])
    assert _requirements(first) == ["numpy", "pandas>=2"]
    write_environment(str(second), [], extra_pip_requirements=["vaderSentiment==3.3.2"])
    assert _requirements(second) == [BASE_REQUIREMENT, "vaderSentiment==3.3.2"]


def test_requirements_file_and_constraints(tmp_path: Path) -> None:
    (tmp_path / "constraints.in").write_text("numpy<3\n")
    (tmp_path / "reqs.txt").write_text(f"# comment\nnumpy\n-c {tmp_path / 'constraints.in'}\n")
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    write_environment(str(model_dir), [], pip_requirements=str(tmp_path / "reqs.txt"))
    assert _requirements(model_dir) == ["numpy", "-c constraints.txt"]
    assert (model_dir / "constraints.txt").read_text() == "numpy<3\n"
    python_env = yaml.safe_load((model_dir / "python_env.yaml").read_text())
    assert python_env["dependencies"] == ["-r requirements.txt", "-c constraints.txt"]


def test_conda_env_as_given(tmp_path: Path) -> None:
    conda_env = {"name": "mine", "dependencies": ["python=3.11", {"pip": ["mlflow", "x==1"]}]}
    write_environment(str(tmp_path), ["cloudpickle"], conda_env=conda_env)
    assert yaml.safe_load((tmp_path / "conda.yaml").read_text()) == conda_env
    assert _requirements(tmp_path) == ["mlflow", "x==1"]


def test_only_one_of_the_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match="Only one of"):
        write_environment(str(tmp_path), [], pip_requirements=["a"], extra_pip_requirements=["b"])
