"""The file store on its own: URIs, bad folders, half-written runs, concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from heron.entities import Metric, Param, RunTag, ViewType
from heron.exceptions import InvalidParameter, NotFound
from heron.store.tracking import clear_store_cache, get_tracking_store
from heron.store.tracking.file import MalformedFolder, MlrunsReader
from heron.store.tracking.file.layout import read_yaml
from heron.store.tracking.file.store import FileTrackingStore
from heron.store.tracking.file.uris import mlruns_path


@pytest.fixture(autouse=True)
def _forget_stores() -> Iterator[None]:
    yield
    clear_store_cache()


@pytest.mark.parametrize("uri", ["file:./mlruns", "./mlruns", "mlruns", "file://localhost/X"])
def test_plain_paths_and_file_uris_name_folders(
    uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = "/X" if uri.endswith("/X") else str(tmp_path / "mlruns")
    assert mlruns_path(uri) == expected


def test_a_remote_file_uri_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="host"):
        mlruns_path("file://elsewhere/data")


def test_a_new_folder_gets_the_default_experiment_and_trash(tmp_path: Path) -> None:
    store = get_tracking_store(str(tmp_path / "new"))
    assert isinstance(store, FileTrackingStore)
    assert (tmp_path / "new" / "0" / "meta.yaml").is_file()
    assert (tmp_path / "new" / ".trash").is_dir()
    assert store.get_experiment("0").artifact_location == (tmp_path / "new" / "0").as_uri()


def test_a_folder_that_is_not_mlruns_is_refused(tmp_path: Path) -> None:
    (tmp_path / "photos" / "2024").mkdir(parents=True)
    with pytest.raises(InvalidParameter, match=r"not an mlruns folder.*2024"):
        FileTrackingStore(str(tmp_path / "photos"))


def test_a_half_written_run_is_reported_and_skipped(tmp_path: Path) -> None:
    store = FileTrackingStore(str(tmp_path / "mlruns"))
    run_id = store.create_run("0", "u", 1, [], "whole").info.run_id
    half = tmp_path / "mlruns" / "0" / ("f" * 32)
    (half / "metrics").mkdir(parents=True)  # a crash before meta.yaml was written
    reader = MlrunsReader(str(tmp_path / "mlruns"))
    assert reader.half_written_runs("0") == [str(half)]
    found = store.search_runs(["0"], run_view_type=ViewType.ALL)
    assert [r.info.run_id for r in found] == [run_id]
    with pytest.raises(MalformedFolder, match=r"no meta\.yaml"):
        store.get_run("f" * 32)


def test_a_key_cannot_leave_the_run_folder(tmp_path: Path) -> None:
    store = FileTrackingStore(str(tmp_path / "mlruns"))
    run_id = store.create_run("0", "u", 1, [], "r").info.run_id
    with pytest.raises(NotFound):
        store.delete_tag(run_id, "../meta.yaml")
    assert store.get_run(run_id).info.run_name == "r"


def _hammer(root: str, run_id: str, worker: int) -> None:
    store = FileTrackingStore(root)
    for step in range(100):
        store.log_batch(
            run_id,
            metrics=[Metric("m", float(worker), 1000 + step, step)],
            params=[Param("same", "value")],
            tags=[RunTag(f"w{worker}", str(step))],
        )
        if step % 10 == 0:
            store.update_run_info(run_id, "RUNNING", None, f"name-{worker}")


def test_concurrent_writers_do_not_corrupt_a_run(tmp_path: Path) -> None:
    root = str(tmp_path / "mlruns")
    run_id = FileTrackingStore(root).create_run("0", "u", 1, [], "r").info.run_id
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_hammer, args=(root, run_id, w)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]

    store = FileTrackingStore(root)
    run = store.get_run(run_id)
    history = store.get_metric_history(run_id, "m")
    assert len(history) == 400  # every line whole, none lost
    assert sorted({m.value for m in history}) == [0.0, 1.0, 2.0, 3.0]
    assert run.data.params == {"same": "value"}
    assert {run.data.tags[f"w{w}"] for w in range(4)} == {"99"}
    assert run.info.run_name in {f"name-{w}" for w in range(4)}
    leftovers = [n for _, _, files in os.walk(root) for n in files if n.startswith(".heron")]
    assert leftovers == []


YAML_VALUES = (
    *("0x1f", "2001-12-14", "1e10", "76c4e5", "1_000", "1:20", "null", "yes", "a b", ".5"),
    *("0755", "-1", "007", "12", "run-1", "'it''s'", "file:///a b/c", "[]", "'1'", "~"),
)


@pytest.mark.parametrize("value", YAML_VALUES)
def test_meta_files_read_as_yaml_reads_them(value: str, tmp_path: Path) -> None:
    path = tmp_path / "meta.yaml"
    path.write_text(f"run_name: {value}\nstatus: 3\n")
    assert read_yaml(str(path)) == yaml.safe_load(path.read_text())
