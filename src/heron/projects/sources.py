"""Where a project comes from: a local folder, or a git repository cloned to a temp folder.

``uri#sub/dir`` selects a subfolder; ``version`` is a branch, tag or commit. Git runs as a
subprocess with prompts disabled and the ``ext::`` transport refused, and every user string
is passed after ``--`` or checked, so a URI or version cannot become a git option.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from heron.exceptions import ExecutionException
from heron.tracking.context import read_git_info

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_SCP_LIKE = re.compile(r"^[\w.\-]+@[\w.\-]+:")


@dataclass
class FetchedProject:
    """A project folder ready to run, and what the run's tags say about its source.

    Attributes:
        directory: The project root (the subdirectory when one was asked for).
        source_name: ``mlflow.source.name``: the remote URI, or the local folder's git URL
            (else its absolute path).
        git: ``mlflow.source.git.*`` tags (commit, branch, repoURL) when it is a checkout.
        temporary: A folder to delete when the run ends (the clone), else None.
    """

    directory: Path
    source_name: str
    git: dict[str, str] = field(default_factory=dict)
    temporary: Path | None = None

    def cleanup(self) -> None:
        """Delete the temporary clone, if any."""
        if self.temporary is not None:
            shutil.rmtree(self.temporary, ignore_errors=True)
            self.temporary = None


def parse_subdirectory(uri: str) -> tuple[str, str]:
    """Split ``uri#subdir`` (quotes stripped); the subdirectory must stay inside the project.

    Raises:
        ExecutionException: An absolute subdirectory or one with ``..``.
    """
    text = uri.strip().strip("'\"")
    base, _, subdirectory = text.partition("#")
    sub = PurePosixPath(subdirectory) if subdirectory else None
    if sub is not None and (sub.is_absolute() or ".." in sub.parts):
        raise ExecutionException(
            f"Project subdirectory {subdirectory!r} must be a relative path inside the project."
        )
    return base, subdirectory


def _local_path(uri: str) -> Path | None:
    if uri.startswith("file://"):
        parsed = urlparse(uri)
        return Path(parsed.netloc + parsed.path)
    if _SCHEME.match(uri) or _SCP_LIKE.match(uri):
        return None
    return Path(uri).expanduser()


def _git(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true")
    if shutil.which("git") is None:
        raise ExecutionException("Running a project from git needs the 'git' executable.")
    command = ["git", "-c", "protocol.ext.allow=never", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _is_git_checkout(path: Path) -> bool:
    return _git(["rev-parse", "--git-dir"], cwd=path).returncode == 0


def _clone(uri: str, version: str | None, destination: Path) -> None:
    done = _git(["clone", "--quiet", "--recurse-submodules", "--", uri, str(destination)])
    if done.returncode != 0:
        raise ExecutionException(f"Unable to clone git repo {uri}: {done.stderr.strip()}")
    if version is None:
        return
    if version.startswith("-") or not version.strip():
        raise ExecutionException(f"Invalid git version {version!r}.")
    checkout = _git(["checkout", "--quiet", version, "--"], cwd=destination)
    if checkout.returncode != 0:
        raise ExecutionException(
            f"Unable to checkout version '{version}' of git repo {uri} - please ensure that "
            f"the version exists in the repo. Error: {checkout.stderr.strip()}"
        )
    _git(["submodule", "update", "--init", "--recursive"], cwd=destination)


def fetch_project(uri: str, version: str | None = None) -> FetchedProject:
    """Make the project at ``uri`` available locally.

    A local folder is used in place (cloned when ``version`` is given, which needs a git
    checkout); anything else is cloned with git into a temporary folder.

    Raises:
        ExecutionException: A missing folder or subdirectory, a failed clone, or a version
            that does not exist; a partial clone is removed.
    """
    base, subdirectory = parse_subdirectory(uri)
    local = _local_path(base)
    if local is not None and not local.exists():
        if base.startswith("file://"):
            raise ExecutionException(f"Project directory {local} does not exist.")
        raise ExecutionException(
            f"Project {base} is neither an existing local folder nor a git URI."
        )
    if local is not None and version is None:
        root = local.resolve()
        git = read_git_info(root)
        source = git.get("mlflow.source.git.repoURL") or str(root)
        return _with_subdirectory(FetchedProject(root, source, git), subdirectory)
    if local is not None and not _is_git_checkout(local):
        raise ExecutionException("Setting a version is only supported for Git project URIs")
    temporary = Path(tempfile.mkdtemp(prefix="heron-project-"))
    clone = temporary / "repo"
    remote = local is None or base.startswith("file://")
    try:
        _clone(base if remote or local is None else str(local.resolve()), version, clone)
        source = uri.strip().strip("'\"") if remote else str(local.resolve())  # type: ignore[union-attr]
        fetched = FetchedProject(clone, source, read_git_info(clone), temporary)
        return _with_subdirectory(fetched, subdirectory)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _with_subdirectory(fetched: FetchedProject, subdirectory: str) -> FetchedProject:
    if not subdirectory:
        return fetched
    target = (fetched.directory / subdirectory).resolve()
    if not target.is_relative_to(fetched.directory.resolve()) or not target.is_dir():
        fetched.cleanup()
        raise ExecutionException(
            f"Could not find subdirectory {subdirectory} of {fetched.directory}"
        )
    fetched.directory = target
    return fetched
