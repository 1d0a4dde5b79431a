"""Writing runs into a destination: whole, or deleted and marked for retry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from heron.entities import Metric, RunInfo, ViewType
from heron.tracking.client import MlflowClient
from heron.transfer.options import ImportOptions
from heron.transfer.packages import RunPackage
from heron.transfer.records import RunRecord
from heron.transfer.resume import DestinationIndex, IdMap, StateFile
from heron.transfer.sources import ArtifactSource
from heron.transfer.store_writer import StoreWriter
from heron.transfer.tagpolicy import SOURCE_RUN_TAG, STATE_TAG


class Files(ArtifactSource):
    """Files held in memory; ``broken`` names one whose reading fails half way."""

    def __init__(self, files: dict[str, bytes], broken: str | None = None):
        super().__init__("test files")
        self.files = files
        self.broken = broken

    def paths(self) -> list[str]:
        return sorted(self.files)

    def chunks(self, path: str) -> Iterator[bytes]:
        yield self.files[path][:2]
        if path == self.broken:
            raise OSError(f"disk error reading {path}")
        yield self.files[path][2:]


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    return MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'heron.db'}")


def _package(files: Files) -> RunPackage:
    info = RunInfo("source-run", "1", "ann", "FINISHED", 100, 200, "active", None, "name")
    record = RunRecord(info, {"p": "1"}, tags={"t": "v"})
    record.set_metrics({"m": [Metric("m", 1.0, 150, 3)]})
    return RunPackage(record, files)


def test_a_run_is_written_whole_with_its_markers(client: MlflowClient) -> None:
    experiment = client.create_experiment("e")
    ids = IdMap()
    writer = StoreWriter(client, ImportOptions(), ids)
    run_id = writer.write_run(_package(Files({"a/b.txt": b"hello"})), experiment)
    run = client.get_run(run_id)
    assert (run.info.start_time, run.info.end_time, run.info.status) == (100, 200, "FINISHED")
    assert run.data.tags[SOURCE_RUN_TAG] == "source-run"
    assert run.data.tags[STATE_TAG] == "complete"
    assert ids.get("source-run") == run_id
    assert [f.path for f in client.list_artifacts(run_id, "a")] == ["a/b.txt"]


def test_a_run_that_fails_half_way_is_marked_and_deleted(client: MlflowClient) -> None:
    experiment = client.create_experiment("e")
    ids = IdMap()
    writer = StoreWriter(client, ImportOptions(), ids)
    files = Files({"a.txt": b"fine", "b.txt": b"broken"}, broken="b.txt")
    with pytest.raises(OSError, match=r"disk error reading b\.txt"):
        writer.write_run(_package(files), experiment)
    (run,) = client.search_runs([experiment], run_view_type=ViewType.ALL)
    assert run.info.lifecycle_stage == "deleted"
    assert run.data.tags[STATE_TAG] == "failed"
    assert "source-run" not in ids
    index = DestinationIndex(client)
    index.scan(experiment)
    assert (index.completed("source-run"), index.leftovers("source-run", experiment)) == (
        None,
        [],
    )


def test_the_state_file_merges_id_maps(tmp_path: Path) -> None:
    state = StateFile.default(str(tmp_path), None)
    assert state is not None
    state.record("sqlite:///a.db", {"runs": [("s1", "d1")]})
    state.record("sqlite:///a.db", {"runs": [("s2", "d2")], "experiments": [("1", "4")]})
    content = state.read()["destinations"]["sqlite:///a.db"]
    assert content == {"runs": {"s1": "d1", "s2": "d2"}, "experiments": {"1": "4"}}
    assert StateFile.default(str(tmp_path / "missing"), None) is None
