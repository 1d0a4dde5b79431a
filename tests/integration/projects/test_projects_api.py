"""``heron.projects.run`` from Python: asynchronous runs, status, cancel, nesting, failures."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from project_store import LOG_SCRIPT

import heron
from heron import config
from heron.exceptions import ExecutionException
from heron.tracking import session

pytestmark = pytest.mark.integration

WAIT_SCRIPT = """\
import pathlib, sys, time
gate = pathlib.Path(sys.argv[-1])
while not gate.exists():
    time.sleep(0.05)
"""


@pytest.fixture
def fluent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """``heron`` on a store given by a *relative* sqlite URI, from ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    for setting in config.ALL.values():
        for env in setting.env_names:
            monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("HERON_TRACKING_URI", "sqlite:///heron.db")
    session.reset()
    yield heron
    while heron.active_run() is not None:
        heron.end_run()
    session.reset()


def test_asynchronous_run_status_and_wait(
    fluent: ModuleType, make_project: Callable[..., Path], tmp_path: Path
) -> None:
    project = make_project("waiting", None, **{"wait.py": WAIT_SCRIPT})
    gate = tmp_path / "gate"
    submitted = fluent.projects.run(
        str(project), "wait.py", parameters={"gate": gate}, env_manager="local", synchronous=False
    )
    try:
        assert submitted.get_status() == "RUNNING"
        assert fluent.get_run(submitted.run_id).info.status == "RUNNING"
    finally:
        gate.touch()
    assert submitted.wait() is True
    assert submitted.get_status() == "FINISHED"
    assert fluent.get_run(submitted.run_id).info.status == "FINISHED"


def test_cancel_kills_the_command_and_marks_the_run_killed(
    fluent: ModuleType, make_project: Callable[..., Path], tmp_path: Path
) -> None:
    project = make_project("never", None, **{"wait.py": WAIT_SCRIPT})
    submitted = fluent.projects.run(
        str(project), "wait.py", parameters={"never": "x"}, synchronous=False
    )
    started = time.monotonic()
    submitted.cancel()
    assert time.monotonic() - started < 10
    assert submitted.get_status() == "KILLED"
    assert submitted.wait() is False
    assert fluent.get_run(submitted.run_id).info.status == "KILLED"


def test_a_failing_synchronous_run_raises_and_is_failed(
    fluent: ModuleType, make_project: Callable[..., Path]
) -> None:
    project = make_project("bad", None, **{"boom.py": "raise SystemExit(4)\n"})
    with pytest.raises(ExecutionException, match=r"Run \(ID '\w+'\) failed with exit code 4"):
        fluent.projects.run(str(project), "boom.py")
    (run,) = fluent.search_runs(output_format="list")
    assert run.info.status == "FAILED"


def test_a_project_run_inside_a_run_is_its_child_in_the_same_store(
    fluent: ModuleType, make_project: Callable[..., Path]
) -> None:
    project = make_project("child", None, **{"log.py": LOG_SCRIPT})
    with fluent.start_run() as parent:
        submitted = fluent.projects.run(str(project), "log.py", parameters={"lr": 0.01})
    child = fluent.get_run(submitted.run_id)
    # the child ran in the project folder: the relative sqlite URI was made absolute for it
    assert child.data.metrics == {"ran": 1.0}
    assert child.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert child.data.tags["argv"] == "--lr 0.01"
    assert child.data.params == {"lr": "0.01"}
    assert child.info.status == "FINISHED"


def test_experiment_name_and_id_together_are_refused(
    fluent: ModuleType, make_project: Callable[..., Path]
) -> None:
    project = make_project("either", None, **{"log.py": LOG_SCRIPT})
    with pytest.raises(Exception, match="Specify only one of 'experiment_name' or 'experiment_id'"):
        fluent.projects.run(str(project), "log.py", experiment_name="a", experiment_id="0")
    assert fluent.search_runs(output_format="list") == []
