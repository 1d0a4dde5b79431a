"""Default run tags: user, source, and git facts read straight from a ``.git`` directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from heron.tracking import context

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER_SHA = "fedcba9876543210fedcba9876543210fedcba98"


def _repo(root: Path, head: str = "ref: refs/heads/main\n") -> Path:
    git = root / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text(head)
    return git


def test_branch_and_loose_ref(tmp_path: Path) -> None:
    git = _repo(tmp_path)
    (git / "refs" / "heads" / "main").write_text(SHA + "\n")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    info = context.read_git_info(tmp_path / "src" / "pkg")
    assert info == {"mlflow.source.git.commit": SHA, "mlflow.source.git.branch": "main"}


def test_packed_ref_and_remote_url(tmp_path: Path) -> None:
    git = _repo(tmp_path, "ref: refs/heads/feature/x\n")
    (git / "packed-refs").write_text(
        f"# pack-refs with: peeled\n{OTHER_SHA} refs/heads/main\n{SHA} refs/heads/feature/x\n"
    )
    (git / "config").write_text(
        '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://example.org/u.git\n'
        '[remote "origin"]\n\turl = git@example.org:team/repo.git\n'
    )
    info = context.read_git_info(tmp_path)
    assert info["mlflow.source.git.commit"] == SHA
    assert info["mlflow.source.git.branch"] == "feature/x"
    assert info["mlflow.source.git.repoURL"] == "git@example.org:team/repo.git"


def test_detached_head(tmp_path: Path) -> None:
    _repo(tmp_path, SHA + "\n")
    assert context.read_git_info(tmp_path) == {"mlflow.source.git.commit": SHA}


def test_repository_without_commits(tmp_path: Path) -> None:
    _repo(tmp_path)
    assert context.read_git_info(tmp_path) == {}


def test_outside_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert context.find_git_dir(tmp_path / "plain") is None
    assert context.read_git_info(tmp_path / "plain") == {}
    assert not context.GitContext(tmp_path / "missing.py").in_context()


def test_linked_worktree(tmp_path: Path) -> None:
    main_git = _repo(tmp_path / "main")
    (main_git / "refs" / "heads" / "topic").write_text(SHA + "\n")
    worktree_git = main_git / "worktrees" / "wt"
    worktree_git.mkdir(parents=True)
    (worktree_git / "HEAD").write_text("ref: refs/heads/topic\n")
    (worktree_git / "commondir").write_text("../..\n")
    (tmp_path / "wt").mkdir()
    (tmp_path / "wt" / ".git").write_text(f"gitdir: {worktree_git}\n")
    info = context.read_git_info(tmp_path / "wt")
    assert info == {"mlflow.source.git.commit": SHA, "mlflow.source.git.branch": "topic"}


def test_git_context_from_a_source_file(tmp_path: Path) -> None:
    git = _repo(tmp_path)
    (git / "refs" / "heads" / "main").write_text(SHA)
    script = tmp_path / "train.py"
    script.write_text("")
    provider = context.GitContext(script)
    assert provider.in_context()
    assert provider.tags()["mlflow.source.git.commit"] == SHA


def test_user_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "grace")
    assert context.current_user() == "grace"
    monkeypatch.setenv("HERON_TRACKING_USERNAME", "ada")
    assert context.current_user() == "ada"


def test_source_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["jobs/train.py", "--fast"])
    assert context.source_name() == "jobs/train.py"
    monkeypatch.setattr("sys.argv", [""])
    assert context.source_name() == "<console>"


def test_resolve_tags_lets_the_caller_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERON_TRACKING_USERNAME", "ada")
    monkeypatch.setattr("sys.argv", ["/nonexistent/train.py"])
    tags = context.resolve_tags({"mlflow.source.type": "JOB", "n": 1})
    assert tags == {
        "mlflow.user": "ada",
        "mlflow.source.name": "/nonexistent/train.py",
        "mlflow.source.type": "JOB",
        "n": "1",
    }
