"""Progress, summaries, generations of nested runs, and the tags an import writes."""

from __future__ import annotations

import io
import threading

import pytest

from heron.entities import RunInfo
from heron.transfer.errors import TransferFailed
from heron.transfer.options import ImportOptions
from heron.transfer.progress import Reporter, render_bar
from heron.transfer.records import RunRecord
from heron.transfer.summary import Summary
from heron.transfer.tagpolicy import Lineage, comparable_tags, import_tags
from heron.transfer.workers import run_all, waves


@pytest.mark.parametrize("width", [40, 80, 200])
def test_the_bar_never_reaches_the_last_column(width: int) -> None:
    for done in (0, 1, 499, 500):
        text = render_bar(done, 500, "runs", 3.0, min(width, 80))
        assert len(text) < min(width, 80)
    assert render_bar(250, 500, "runs", 2.0, 80).endswith("250/500 runs  50%  125.0/s")


def test_the_reporter_draws_a_bar_only_when_asked_or_on_a_terminal() -> None:
    out, bar = io.StringIO(), io.StringIO()
    reporter = Reporter(out=out, bar_stream=bar)  # StringIO is no terminal
    reporter.start(2)
    reporter.line("Exporting experiment 'x'")
    reporter.advance(2)
    reporter.finish()
    assert out.getvalue() == "Exporting experiment 'x'\n"
    assert bar.getvalue() == ""
    forced = io.StringIO()
    reporter = Reporter(out=io.StringIO(), bar_stream=forced, bar=True)
    reporter.start(2)
    reporter.advance(2)  # the last item always redraws
    reporter.finish()
    assert "2/2 runs  100%" in forced.getvalue()
    assert forced.getvalue().endswith("\r")  # the bar is cleared at the end


def test_a_quiet_reporter_prints_nothing() -> None:
    out = io.StringIO()
    Reporter(out=out, bar=True, quiet=True).line("x")
    assert out.getvalue() == ""


def test_the_summary_reads_like_the_user_guide() -> None:
    summary = Summary("exported", experiments=2)
    for index in range(3):
        summary.run_succeeded(f"r{index}", None, skipped=False)
    lines = summary.lines()
    assert lines[:2] == ["2 experiments exported", "3/3 runs successfully exported"]
    assert lines[2].startswith("Duration: ")
    summary.raise_for_failures()


def test_failures_are_named_and_raised() -> None:
    summary = Summary("imported", experiments=1)
    summary.run_succeeded("ok", "new", skipped=True)
    summary.run_failed("bad", "Checksum mismatch", "experiment 'e'")
    assert "1/2 runs successfully imported (1 already there)" in summary.lines()
    assert "Failed: run 'bad' (experiment 'e'): Checksum mismatch" in summary.lines()
    with pytest.raises(TransferFailed, match="1 of 2 runs failed to be imported: run 'bad'"):
        summary.raise_for_failures()


def test_waves_put_parents_before_children() -> None:
    parents = {"c": "b", "b": "a", "a": None, "x": "elsewhere", "y": "y"}
    assert waves(parents) == [["a", "x", "y"], ["b"], ["c"]]
    assert waves({}) == []


def test_run_all_runs_everything_and_raises_what_escapes() -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def work(item: int) -> None:
        with lock:
            seen.append(item)

    run_all(list(range(20)), work, workers=4)
    assert sorted(seen) == list(range(20))

    def broken(item: int) -> None:
        raise RuntimeError(f"bug {item}")

    with pytest.raises(RuntimeError, match="bug"):
        run_all([1, 2, 3], broken, workers=2)


def _record(tags: dict[str, str]) -> RunRecord:
    info = RunInfo("src", "1", "ann", "FINISHED", 1, 2, "active", None, "n")
    return RunRecord(info=info, tags=tags)


def test_import_tags_follow_the_options() -> None:
    record = _record(
        {
            "mlflow.source.name": "a.py",
            "mlflow.parentRunId": "p-src",
            "mlflow.note.content": "about",
            "mlflow_export_import.metadata.run_id": "src",
            "heron.transfer.state": "complete",
            "team": "x",
        }
    )
    ids = {"p-src": "p-dst"}
    plain = import_tags(record, ImportOptions(import_mlflow_tags=False), "me", ids, None)
    assert plain == {
        "mlflow.parentRunId": "p-dst",
        "mlflow.note.content": "about",
        "mlflow.user": "me",
        "team": "x",
    }
    lineage = Lineage("http://old", "exp", 1_600_000_000)
    full = import_tags(
        _record({"team": "x"}),
        ImportOptions(import_metadata_tags=True, import_source_tags=True),
        "ann",
        {},
        lineage,
    )
    assert full["mlflow_export_import.metadata.tracking_uri"] == "http://old"
    assert full["mlflow_export_import.metadata.timestamp_nice"] == "2020-09-13 12:26:40"
    assert full["mlflow_exim.run_info.user_id"] == "ann"
    assert "mlflow_exim.run_info.artifact_uri" not in full  # None values are left out


def test_comparable_tags_leave_out_markers_lineage_and_dropped_system_tags() -> None:
    tags = {
        "heron.transfer.state": "x",
        "mlflow_exim.a": "b",
        "mlflow.user": "u",
        "mlflow.source.name": "s",
        "mlflow.runName": "n",
        "k": "v",
    }
    assert comparable_tags(tags, ImportOptions()) == {
        "mlflow.source.name": "s",
        "mlflow.runName": "n",
        "k": "v",
    }
    assert comparable_tags(tags, ImportOptions(import_mlflow_tags=False)) == {
        "mlflow.runName": "n",
        "k": "v",
    }
