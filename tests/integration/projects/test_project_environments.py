"""``--env-manager uv|virtualenv|conda`` and docker projects, built for real where possible.

The project's dependency is a wheel the test writes (no index needed); environments live in
a per-session cache, so the second run of a spec reuses the first one's folder.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from project_store import LOG_SCRIPT, Store

from heron.environments import EnvironmentSpec, prepare_environment
from heron.exceptions import ExecutionException
from heron.projects.docker import docker_available

pytestmark = pytest.mark.integration

INFO = "heron_probe_pkg-1.0.dist-info"
WHEEL = "heron_probe_pkg-1.0-py3-none-any.whl"
PROBE = "import heron_probe_pkg, sys\nprint('PROBE', heron_probe_pkg.VALUE, sys.prefix)\n"


def _wheel(folder: Path, value: int) -> Path:
    """A minimal pure-Python wheel ``heron_probe_pkg`` whose VALUE is ``value``."""
    files = {
        "heron_probe_pkg/__init__.py": f"VALUE = {value}\n",
        f"{INFO}/METADATA": "Metadata-Version: 2.1\nName: heron-probe-pkg\nVersion: 1.0\n",
        f"{INFO}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    lines = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        lines.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    lines.append(f"{INFO}/RECORD,,")
    files[f"{INFO}/RECORD"] = "\n".join(lines) + "\n"
    path = folder / WHEEL
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)
    os.utime(path, (1_600_000_000, 1_600_000_000))  # same content, same digest: one env
    return path


def _env_project(make_project: Callable[..., Path], name: str) -> Path:
    project = make_project(
        name,
        """\
        name: envs
        python_env: python_env.yaml
        entry_points:
          main:
            command: "python probe.py && python log.py"
        """,
        **{"probe.py": PROBE, "log.py": LOG_SCRIPT},
    )
    _wheel(project, 42)
    (project / "python_env.yaml").write_text(
        f"python: '3.11'\nbuild_dependencies: []\ndependencies: [{WHEEL}]\n"
    )
    return project


@pytest.mark.parametrize("manager", ["uv", "virtualenv"])
def test_env_manager_builds_once_and_reuses(
    store: Store, make_project: Callable[..., Path], manager: str
) -> None:
    project = _env_project(make_project, f"proj-{manager}")
    first = store.heron("run", str(project), "--env-manager", manager)
    assert first.returncode == 0, first.stderr
    assert "PROBE 42" in first.stdout
    prefix = first.stdout.split("PROBE 42 ", 1)[1].split()[0]
    assert Path(prefix).parent == store.env_root
    assert Path(prefix).name.startswith(f"{manager}-")
    started = time.monotonic()
    second = store.heron("run", str(project), "--env-manager", manager)
    assert second.returncode == 0, second.stderr
    assert f"PROBE 42 {prefix}" in second.stdout  # the same folder: reused, not rebuilt
    assert time.monotonic() - started < 30
    runs = store.runs()
    assert [r.info.status for r in runs] == ["FINISHED", "FINISHED"]
    assert {r.data.tags["mlflow.project.env"] for r in runs} == {manager}
    assert all(r.data.metrics == {"ran": 1.0} for r in runs)


def test_default_env_manager_of_a_python_env_project_is_virtualenv(
    store: Store, make_project: Callable[..., Path]
) -> None:
    project = _env_project(make_project, "proj-default")
    done = store.heron("run", str(project))
    assert done.returncode == 0, done.stderr
    (run,) = store.runs()
    assert run.data.tags["mlflow.project.env"] == "virtualenv"


def test_a_failed_build_leaves_nothing_cached_and_fails_the_run(
    store: Store, make_project: Callable[..., Path]
) -> None:
    project = _env_project(make_project, "proj-broken")
    (project / "python_env.yaml").write_text("dependencies: [./missing-1.0-py3-none-any.whl]\n")
    before = set(store.env_root.iterdir())
    done = store.heron("run", str(project), "--env-manager", "uv")
    assert done.returncode == 1
    assert "uv pip install: dependencies failed" in done.stderr
    assert {p for p in store.env_root.iterdir() if not p.name.endswith(".lock")} <= before
    (run,) = store.runs()
    assert run.info.status == "FAILED"


def test_a_python_version_that_is_not_installed_is_named(tmp_path: Path) -> None:
    spec = EnvironmentSpec(python="2.7")
    with pytest.raises(ExecutionException, match=r"Python 2\.7 is required .* no python2\.7"):
        prepare_environment(spec, "uv", root=tmp_path)
    assert [p for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_python_env_project_cannot_use_conda(
    store: Store, make_project: Callable[..., Path]
) -> None:
    project = _env_project(make_project, "proj-conda")
    done = store.heron("run", str(project), "--env-manager", "conda")
    assert done.returncode == 1
    assert "python_env project cannot be executed using conda" in done.stderr


@pytest.mark.skipif(shutil.which("conda") is None, reason="no conda executable on this machine")
def test_conda_env_manager(store: Store, make_project: Callable[..., Path]) -> None:
    project = make_project(
        "proj-condaenv",
        "conda_env: conda.yaml\nentry_points:\n  main:\n    command: python log.py\n",
        **{"log.py": LOG_SCRIPT, "conda.yaml": "dependencies:\n- python=3.11\n"},
    )
    done = store.heron("run", str(project), "--env-manager", "conda")
    assert done.returncode == 0, done.stderr


_DOCKER = docker_available()


@pytest.mark.skipif(_DOCKER is not None, reason=f"docker projects need an engine: {_DOCKER}")
def test_docker_project_with_a_locally_made_base_image(
    store: Store, make_project: Callable[..., Path]
) -> None:
    import subprocess

    # A base image from this machine's own files (no registry): bash and its libraries.
    tar = subprocess.Popen(
        ["tar", "-C", "/", "-c", "bin", "lib", "lib64", "usr/bin", "usr/lib"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    subprocess.run(["docker", "import", "-", "heron-test-base:1"], stdin=tar.stdout, check=True)
    tar.wait()
    project = make_project(
        "proj-docker",
        """\
        docker_env:
          image: heron-test-base:1
          environment: [["GREETING", "hello"]]
        entry_points:
          main:
            parameters: {word: string}
            command: "test -f MLproject && echo \\"$GREETING {word} $MLFLOW_RUN_ID\\""
        """,
    )
    done = store.heron("run", str(project), "--build-image", "-P", "word=docker")
    assert done.returncode == 0, done.stderr
    (run,) = store.runs()
    assert f"hello docker {run.info.run_id}" in done.stdout
    assert run.data.tags["mlflow.project.env"] == "docker"
    assert run.data.tags["mlflow.docker.image.uri"] == "docker-project"
    assert run.info.status == "FINISHED"


def test_docker_project_without_an_engine_is_refused_before_any_run(
    store: Store, make_project: Callable[..., Path]
) -> None:
    if _DOCKER is None:
        pytest.skip("a docker engine runs here: the refusal cannot happen")
    project = make_project(
        "proj-nodocker", "docker_env:\n  image: x\nentry_points:\n  main:\n    command: 'true'\n"
    )
    done = store.heron("run", str(project))
    assert done.returncode == 1
    assert "Cannot run docker project" in done.stderr
    assert store.runs() == []
