"""Default tags of runs started by the fluent API: who ran what code, from which commit.

Each source of tags is a :class:`RunContextProvider` (MLflow's plugin contract, in
:mod:`~heron.tracking.context.abstract_context`); :func:`resolve_tags` merges the tags of
every provider of the registry (:mod:`~heron.tracking.context.registry`: these, the
``MLFLOW_RUN_CONTEXT`` variable's and plugins') that applies, then the caller's own tags, which
win. Git facts are read from
the ``.git`` directory itself (HEAD, refs, packed-refs, config): no subprocess, no GitPython.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from heron import config
from heron.tracking.context.abstract_context import RunContextProvider

USER_TAG = "mlflow.user"
SOURCE_NAME_TAG = "mlflow.source.name"
SOURCE_TYPE_TAG = "mlflow.source.type"
GIT_COMMIT_TAG = "mlflow.source.git.commit"
GIT_BRANCH_TAG = "mlflow.source.git.branch"
GIT_REPO_URL_TAG = "mlflow.source.git.repoURL"
UNKNOWN_USER = "unknown"
CONSOLE_SOURCE = "<console>"


def current_user() -> str:
    """``HERON_/MLFLOW_TRACKING_USERNAME``, else the OS user name, else ``unknown``."""
    user = config.TRACKING_USERNAME.get()
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return UNKNOWN_USER


def source_name() -> str:
    """The program being run (``sys.argv[0]``), or ``<console>`` for an interactive session."""
    if sys.argv and sys.argv[0]:
        return sys.argv[0]
    return CONSOLE_SOURCE


class DefaultContext(RunContextProvider):
    """User, source name and source type: present for every run."""

    def in_context(self) -> bool:
        """Always applies."""
        return True

    def tags(self) -> dict[str, str]:
        """``mlflow.user``, ``mlflow.source.name`` and ``mlflow.source.type`` (LOCAL)."""
        return {
            USER_TAG: current_user(),
            SOURCE_NAME_TAG: source_name(),
            SOURCE_TYPE_TAG: "LOCAL",
        }


class GitContext(RunContextProvider):
    """Commit, branch and remote URL of the git checkout holding the program's source file.

    Args:
        source: The file or directory to look from; defaults to the program being run.
    """

    def __init__(self, source: str | os.PathLike[str] | None = None):
        self._source = source

    def _info(self) -> dict[str, str]:
        source = self._source if self._source is not None else source_name()
        path = Path(source)
        if not path.exists():
            return {}
        start = path.resolve()
        return read_git_info(start if start.is_dir() else start.parent)

    def in_context(self) -> bool:
        """Whether the source lies inside a git checkout with at least one commit."""
        return GIT_COMMIT_TAG in self._info()

    def tags(self) -> dict[str, str]:
        """``mlflow.source.git.commit``, and branch / repoURL when known."""
        return self._info()


def find_git_dir(start: Path) -> Path | None:
    """The git directory of the checkout containing ``start``, walking up; None outside one."""
    for directory in (start, *start.parents):
        dot_git = directory / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a worktree or submodule: ".git" names the real directory
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:") :].strip())
                return target if target.is_absolute() else (directory / target).resolve()
    return None


def _common_dir(git_dir: Path) -> Path:
    """Where shared refs and config live (differs from ``git_dir`` in a linked worktree)."""
    marker = git_dir / "commondir"
    if marker.is_file():
        target = Path(marker.read_text(encoding="utf-8").strip())
        return target if target.is_absolute() else (git_dir / target).resolve()
    return git_dir


def _resolve_ref(git_dir: Path, common: Path, ref: str) -> str | None:
    for base in (git_dir, common):
        loose = base / ref
        if loose.is_file():
            return loose.read_text(encoding="utf-8").strip() or None
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8", errors="replace").splitlines():
            sha, _, name = line.partition(" ")
            if name.strip() == ref and not line.startswith(("#", "^")):
                return sha
    return None


def _remote_url(common: Path, remote: str = "origin") -> str | None:
    """The URL of ``remote`` from the repository's ``config`` file."""
    config_file = common / "config"
    if not config_file.is_file():
        return None
    in_section = False
    for raw in config_file.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_section = line.replace(" ", "") == f'[remote"{remote}"]'
        elif in_section and line.partition("=")[0].strip() == "url":
            return line.partition("=")[2].strip()
    return None


def read_git_info(start: Path) -> dict[str, str]:
    """Git tags for the checkout containing ``start``; empty outside a checkout.

    Args:
        start: A directory inside the checkout.

    Returns:
        ``mlflow.source.git.commit`` (absent before the first commit), plus
        ``mlflow.source.git.branch`` unless HEAD is detached and
        ``mlflow.source.git.repoURL`` when an ``origin`` remote is configured.
    """
    git_dir = find_git_dir(start)
    if git_dir is None or not (git_dir / "HEAD").is_file():
        return {}
    common = _common_dir(git_dir)
    head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    info: dict[str, str] = {}
    if head.startswith("ref:"):
        ref = head[len("ref:") :].strip()
        commit = _resolve_ref(git_dir, common, ref)
        info[GIT_BRANCH_TAG] = ref.removeprefix("refs/heads/")
    else:
        commit = head or None
    if commit is None:
        return {}
    info[GIT_COMMIT_TAG] = commit
    url = _remote_url(common)
    if url:
        info[GIT_REPO_URL_TAG] = url
    return info


def default_tags() -> dict[str, str]:
    """The tags every registered provider that applies contributes right now."""
    from heron.tracking.context.registry import resolve_tags as registry_tags

    return {key: str(value) for key, value in registry_tags().items()}


def resolve_tags(tags: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The default tags overlaid with ``tags`` (stringified); the caller's tags win."""
    resolved = default_tags()
    resolved.update({key: str(value) for key, value in (tags or {}).items()})
    return resolved


__all__ = [
    "DefaultContext",
    "GitContext",
    "RunContextProvider",
    "current_user",
    "default_tags",
    "read_git_info",
    "resolve_tags",
    "source_name",
]
