"""Projects from git: ``file://`` and a ``git daemon`` on 127.0.0.1, subdirectories, versions."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from project_store import LOG_SCRIPT, Store, clean_env, write_project

pytestmark = pytest.mark.integration

MLPROJECT = """\
name: git_project
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.1}
    command: "python log.py {alpha}"
"""


def _git(repo: Path, *args: str) -> str:
    env = clean_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t",
                    GIT_COMMITTER_EMAIL="t@e")  # fmt: skip
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A repository: v1 (tag) and main with the project in ``sub/``; ``feature`` branch."""
    root = tmp_path_factory.mktemp("git") / "repo"
    write_project(root / "sub", MLPROJECT, **{"log.py": LOG_SCRIPT + 'print("version one")\n'})
    _git(root, "init", "--quiet", "--initial-branch=main")
    _git(root, "add", ".")
    _git(root, "commit", "--quiet", "-m", "v1")
    _git(root, "tag", "v1")
    first = _git(root, "rev-parse", "HEAD")
    (root / "sub" / "log.py").write_text(LOG_SCRIPT + 'print("version two")\n')
    _git(root, "commit", "--quiet", "-am", "v2")
    _git(root, "branch", "feature", first)
    return {"path": str(root), "v1": first, "head": _git(root, "rev-parse", "HEAD")}


def test_file_uri_with_subdirectory_and_tag(store: Store, repo: dict[str, str]) -> None:
    uri = f"file://{repo['path']}#sub"
    done = store.heron("run", uri, "--version", "v1", "-P", "alpha=0.5", "--env-manager", "local")
    assert done.returncode == 0, done.stderr
    assert "version one" in done.stdout
    (run,) = store.runs()
    assert run.data.tags["mlflow.source.git.commit"] == repo["v1"]
    assert run.data.tags["mlflow.source.name"] == uri
    assert run.data.tags["mlflow.source.git.repoURL"] == f"file://{repo['path']}"
    assert run.data.params == {"alpha": "0.5"}
    assert list(store.tmp.iterdir()) == []  # the temporary clone is gone


def test_local_checkout_is_used_in_place_and_tagged(store: Store, repo: dict[str, str]) -> None:
    done = store.heron("run", f"{repo['path']}#sub", "--env-manager", "local")
    assert done.returncode == 0, done.stderr
    assert "version two" in done.stdout
    (run,) = store.runs()
    assert run.data.tags["mlflow.source.git.commit"] == repo["head"]
    assert run.data.tags["mlflow.source.git.branch"] == "main"


def test_a_version_that_does_not_exist_is_refused(store: Store, repo: dict[str, str]) -> None:
    done = store.heron("run", f"file://{repo['path']}#sub", "--version", "no-such-ref")
    assert done.returncode == 1
    assert "Unable to checkout version 'no-such-ref'" in done.stderr
    assert store.runs() == []
    assert list(store.tmp.iterdir()) == []


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("{path}#../..", "must be a relative path inside the project"),
        ("{path}#missing", "Could not find subdirectory missing"),
        ("/no/such/folder", "neither an existing local folder nor a git URI"),
    ],
)
def test_bad_sources_are_refused(
    store: Store, repo: dict[str, str], uri: str, message: str
) -> None:
    done = store.heron("run", uri.format(path=repo["path"]))
    assert done.returncode == 1
    assert message in done.stderr
    assert store.runs() == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def git_daemon(repo: dict[str, str]) -> Iterator[str]:
    """``git daemon`` serving the repository's parent folder on a free port."""
    base = str(Path(repo["path"]).parent)
    port = _free_port()
    command = ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={base}",
               "--listen=127.0.0.1", f"--port={port}", base]  # fmt: skip
    daemon = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"git://127.0.0.1:{port}/repo"
    deadline = time.monotonic() + 20
    while subprocess.run(["git", "ls-remote", url], capture_output=True, check=False).returncode:
        assert time.monotonic() < deadline, "git daemon did not start"
        time.sleep(0.1)
    yield url
    daemon.terminate()
    daemon.wait(timeout=10)


def test_git_daemon_uri_with_branch(store: Store, repo: dict[str, str], git_daemon: str) -> None:
    done = store.heron("run", f"{git_daemon}#sub", "--version", "feature", "--env-manager", "local")
    assert done.returncode == 0, done.stderr
    assert "version one" in done.stdout
    (run,) = store.runs()
    assert run.data.tags["mlflow.source.git.commit"] == repo["v1"]
    assert run.data.tags["mlflow.source.git.branch"] == "feature"
    assert run.data.tags["mlflow.source.name"] == f"{git_daemon}#sub"


def test_git_daemon_default_branch_and_commit_version(
    store: Store, repo: dict[str, str], git_daemon: str
) -> None:
    done = store.heron("run", f"{git_daemon}#sub", "--env-manager", "local")
    assert done.returncode == 0, done.stderr
    assert "version two" in done.stdout
    done = store.heron("run", f"{git_daemon}#sub", "-v", repo["v1"], "--env-manager", "local")
    assert done.returncode == 0, done.stderr
    assert "version one" in done.stdout
