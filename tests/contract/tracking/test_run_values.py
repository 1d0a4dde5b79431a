"""Param and tag values come back exactly as logged, whatever characters they hold, from
get_run and search_runs alike (the stores read them in bulk, e.g. as JSON on SQLite)."""

from __future__ import annotations

from collections.abc import Callable

from heron.entities import Param, RunTag
from heron.store.tracking.base import TrackingStore

AWKWARD = {
    "quote": 'say "hi"',
    "backslash": "C:\\path\\n",
    "newline": "two\nlines\ttab",
    "json": '{"a": [1, 2]}',
    "number": "123",
    "float": "1e400",
    "null": "null",
    "empty": "",
    "unicode": "héron 鷺 \U0001f426",
    "control": "bell\x07esc\x1b",
}


def test_awkward_values_round_trip(store: TrackingStore, make_run: Callable[..., str]) -> None:
    run_id = make_run()
    store.log_batch(
        run_id,
        params=[Param(key, value) for key, value in AWKWARD.items()],
        tags=[RunTag(key, value) for key, value in AWKWARD.items()],
    )
    fetched = store.get_run(run_id)
    found = store.search_runs([fetched.info.experiment_id], "params.number = '123'")
    assert [run.info.run_id for run in found] == [run_id]
    for run in (fetched, found[0]):
        assert run.data.params == AWKWARD
        assert {key: run.data.tags[key] for key in AWKWARD} == AWKWARD


def test_runs_without_params_or_tags(store: TrackingStore, make_run: Callable[..., str]) -> None:
    bare, full = make_run(), make_run()
    store.log_batch(full, params=[Param("p", "1")], tags=[RunTag("t", "2")])
    runs = {
        run.info.run_id: run for run in store.search_runs([store.get_run(bare).info.experiment_id])
    }
    assert runs[bare].data.params == {}
    assert runs[full].data.params == {"p": "1"}
    assert runs[full].data.tags["t"] == "2"
