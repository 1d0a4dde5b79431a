"""The fluent run lifecycle: start, end, nest, resume, and the default tags."""

from __future__ import annotations

import subprocess
import sys
import threading
from types import ModuleType

import pytest

from heron.exceptions import InvalidParameter


def test_with_block_ends_run_finished(fluent: ModuleType) -> None:
    with fluent.start_run(run_name="ok") as run:
        assert fluent.active_run().info.run_id == run.info.run_id
    ended = fluent.get_run(run.info.run_id)
    assert ended.info.status == "FINISHED"
    assert ended.info.end_time is not None
    assert ended.info.run_name == "ok"
    assert fluent.active_run() is None


def test_exception_in_with_block_fails_run(fluent: ModuleType) -> None:
    with pytest.raises(ZeroDivisionError), fluent.start_run() as run:
        1 / 0  # noqa: B018
    assert fluent.get_run(run.info.run_id).info.status == "FAILED"
    assert fluent.active_run() is None


def test_keyboard_interrupt_kills_run(fluent: ModuleType) -> None:
    with pytest.raises(KeyboardInterrupt), fluent.start_run() as run:
        raise KeyboardInterrupt
    assert fluent.get_run(run.info.run_id).info.status == "KILLED"


def test_end_run_with_status(fluent: ModuleType) -> None:
    run = fluent.start_run()
    fluent.end_run("KILLED")
    assert fluent.get_run(run.info.run_id).info.status == "KILLED"


def test_end_run_refuses_unknown_status(fluent: ModuleType) -> None:
    fluent.start_run()
    with pytest.raises(InvalidParameter, match="Invalid run status"):
        fluent.end_run("DONE")
    assert fluent.active_run() is not None


def test_second_run_without_nested_is_refused(fluent: ModuleType) -> None:
    with fluent.start_run() as run, pytest.raises(InvalidParameter) as error:
        fluent.start_run()
    assert error.value.message == (
        f"Run with UUID {run.info.run_id} is already active. To start a new run, first end "
        "the current run with mlflow.end_run(). To start a nested run, call start_run with "
        "nested=True"
    )


def test_nested_run_records_its_parent(fluent: ModuleType) -> None:
    with fluent.start_run() as parent, fluent.start_run(nested=True) as child:
        assert fluent.active_run().info.run_id == child.info.run_id
    assert child.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert fluent.get_parent_run(child.info.run_id).info.run_id == parent.info.run_id
    assert fluent.get_parent_run(parent.info.run_id) is None
    assert fluent.get_run(parent.info.run_id).info.status == "FINISHED"


def test_parent_run_id_must_be_the_active_run(fluent: ModuleType) -> None:
    with fluent.start_run() as other:
        pass
    with fluent.start_run() as active:
        with pytest.raises(InvalidParameter, match="does not match the specified parent_run_id"):
            fluent.start_run(nested=True, parent_run_id=other.info.run_id)
        assert fluent.active_run().info.run_id == active.info.run_id


def test_parent_run_id_without_active_run(fluent: ModuleType) -> None:
    with fluent.start_run() as parent:
        pass
    with fluent.start_run(parent_run_id=parent.info.run_id) as child:
        assert child.data.tags["mlflow.parentRunId"] == parent.info.run_id


def test_resume_run_by_id(fluent: ModuleType) -> None:
    with fluent.start_run() as first:
        fluent.log_param("p", "1")
    with fluent.start_run(run_id=first.info.run_id, tags={"again": "yes"}) as resumed:
        assert resumed.info.status == "RUNNING"
        assert resumed.data.params == {"p": "1"}
        assert resumed.data.tags["again"] == "yes"
    assert fluent.get_run(first.info.run_id).info.status == "FINISHED"


def test_resume_run_from_environment(fluent: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    with fluent.start_run() as first:
        pass
    monkeypatch.setenv("MLFLOW_RUN_ID", first.info.run_id)
    with fluent.start_run() as resumed:
        assert resumed.info.run_id == first.info.run_id
    with fluent.start_run() as fresh:  # the variable is used once
        assert fresh.info.run_id != first.info.run_id


def test_resume_deleted_run_is_refused(fluent: ModuleType) -> None:
    with fluent.start_run() as run:
        pass
    fluent.delete_run(run.info.run_id)
    with pytest.raises(InvalidParameter, match="because it is in the deleted state"):
        fluent.start_run(run_id=run.info.run_id)
    assert fluent.active_run() is None


def test_description_becomes_note_tag(fluent: ModuleType) -> None:
    with fluent.start_run(description="**first** try") as run:
        pass
    assert fluent.get_run(run.info.run_id).data.tags["mlflow.note.content"] == "**first** try"


def test_description_given_twice_is_refused(fluent: ModuleType) -> None:
    with pytest.raises(InvalidParameter, match="Description is already set"):
        fluent.start_run(description="a", tags={"mlflow.note.content": "b"})


def test_default_tags(fluent: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERON_TRACKING_USERNAME", "ada")
    monkeypatch.setattr("sys.argv", ["train.py"])
    with fluent.start_run() as run:
        pass
    tags = run.data.tags
    assert tags["mlflow.user"] == "ada"
    assert tags["mlflow.source.name"] == "train.py"
    assert tags["mlflow.source.type"] == "LOCAL"
    assert run.info.user_id == "ada"


def test_user_tags_override_defaults(fluent: ModuleType) -> None:
    with fluent.start_run(tags={"mlflow.source.type": "JOB", "team": 7}) as run:
        pass
    assert run.data.tags["mlflow.source.type"] == "JOB"
    assert run.data.tags["team"] == "7"


def test_last_active_run(fluent: ModuleType) -> None:
    assert fluent.last_active_run() is None
    with fluent.start_run() as run:
        fluent.log_metric("m", 1.0)
        assert fluent.last_active_run().data.metrics == {"m": 1.0}
    last = fluent.last_active_run()
    assert last.info.run_id == run.info.run_id
    assert last.info.status == "FINISHED"


def test_logging_without_active_run_starts_one(fluent: ModuleType) -> None:
    fluent.log_param("p", 1)
    run = fluent.active_run()
    assert run is not None
    assert fluent.get_run(run.info.run_id).data.params == {"p": "1"}


def test_active_run_is_per_thread(fluent: ModuleType) -> None:
    seen: list[object] = []
    with fluent.start_run():
        thread = threading.Thread(target=lambda: seen.append(fluent.active_run()))
        thread.start()
        thread.join()
    assert seen == [None]


def test_run_left_active_is_finished_at_exit(fluent: ModuleType) -> None:
    script = (
        "import heron\nrun = heron.start_run()\nheron.log_param('p', 1)\nprint(run.info.run_id)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    run = fluent.get_run(result.stdout.strip())
    assert run.info.status == "FINISHED"
    assert run.data.params == {"p": "1"}
