"""Bundle files: run.json in every layout, checksums, experiment files, MLmodel patching."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from heron.entities import Metric, RunInfo
from heron.transfer import jsonio
from heron.transfer.checksums import digest_file, verify_tree
from heron.transfer.errors import ChecksumMismatch, CorruptBundle
from heron.transfer.experimentfile import read_experiment, read_experiment_list
from heron.transfer.mlmodel import patch_mlmodel, replace_ids
from heron.transfer.records import RunRecord
from heron.transfer.runfile import decode_run, encode_info, encode_run


def _record() -> RunRecord:
    info = RunInfo("r1", "7", "ann", "KILLED", 10, 20, "active", "/a/r1/artifacts", "name")
    record = RunRecord(info=info, params={"p": "1"}, tags={"mlflow.runName": "name", "t": "v"})
    record.set_metrics(
        {
            "m": [Metric("m", 0.5, 11, 0), Metric("m", 0.25, 12, 1, model_id="m-1")],
            "n": [Metric("n", float("nan"), 3, 0), Metric("n", 2.0, 4, 1)],
        }
    )
    return record


def test_a_run_survives_encoding_and_decoding() -> None:
    record = _record()
    content = jsonio.envelope({}, encode_run(record), encode_info(record))
    again = decode_run(json.loads(json.dumps(content)), "run.json")
    assert again.info == record.info
    assert (again.params, again.tags) == (record.params, record.tags)
    assert [(m.value, m.timestamp, m.step, m.model_id) for m in again.metrics["m"]] == [
        (0.5, 11, 0, None),
        (0.25, 12, 1, "m-1"),
    ]
    assert [(m.timestamp, m.step) for m in again.metrics["n"]] == [(3, 0), (4, 1)]
    assert math.isnan(again.metrics["n"][0].value)
    assert again.series["n"].values[1] == 2.0
    assert again.full_history


def test_the_oldest_run_file_has_last_values_and_rest_shaped_tags() -> None:
    content = {
        "info": {"run_uuid": "r2", "experiment_id": "1", "status": "FINISHED", "end_time": 99},
        "metrics": {"rmse": 0.7},
        "tags": [{"key": "mlflow.runName", "value": "old"}],
    }
    record = decode_run(content, "run.json")
    assert (record.run_id, record.info.run_name, record.full_history) == ("r2", "old", False)
    assert [(m.value, m.timestamp) for m in record.metrics["rmse"]] == [(0.7, 99)]
    assert record.artifacts is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"mlflow": {"info": {}}}, "the run has no 'run_id'"),
        ({"mlflow": {"info": {"run_id": "x"}, "params": []}}, "'params' is not an object"),
        ({"mlflow": {"info": {"run_id": "x", "status": "DONE"}}}, "Invalid run status 'DONE'"),
        ({"mlflow": {"info": {"run_id": "x"}, "metrics": {"m": [{"v": 1}]}}}, "'value'"),
    ],
)
def test_a_malformed_run_file_is_corrupt(content: dict[str, object], message: str) -> None:
    with pytest.raises(CorruptBundle, match=message):
        decode_run(content, "run.json")


def test_read_json_names_the_file_and_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(CorruptBundle, match=r"Missing run file '.*nothing.json'"):
        jsonio.read_json(str(tmp_path / "nothing.json"), "run")
    (tmp_path / "cut.json").write_text('{"info": {')
    with pytest.raises(CorruptBundle, match=r"Corrupt run file '.*cut.json': Expecting"):
        jsonio.read_json(str(tmp_path / "cut.json"), "run")
    (tmp_path / "list.json").write_text("[1]")
    with pytest.raises(CorruptBundle, match="not a JSON object"):
        jsonio.read_json(str(tmp_path / "list.json"), "run")


def test_verify_tree_finds_changed_missing_and_extra_files(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("alpha")
    digests = [digest_file(str(tmp_path / "d" / "a.txt"), "d/a.txt")]
    verify_tree(str(tmp_path), digests, "run 'r'")
    (tmp_path / "d" / "a.txt").write_text("alphA")
    with pytest.raises(ChecksumMismatch, match=r"artifact 'd/a.txt' of run 'r'") as mismatch:
        verify_tree(str(tmp_path), digests, "run 'r'")
    assert mismatch.value.error_code == "DATA_LOSS"
    (tmp_path / "d" / "a.txt").write_text("alpha")
    (tmp_path / "b.txt").write_text("extra")
    with pytest.raises(CorruptBundle, match=r"'b\.txt' .* is not listed"):
        verify_tree(str(tmp_path), digests, "run 'r'")
    with pytest.raises(CorruptBundle, match=r"Missing artifact file 'd/a\.txt'"):
        verify_tree(str(tmp_path / "elsewhere"), digests, "run 'r'")


def test_experiment_files_of_both_layouts(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "experiment": {
                    "experiment_id": "1",
                    "name": "e",
                    "tags": [{"key": "k", "value": "v"}],
                },
                "export_info": {"ok_runs": ["a", "b"], "failed_runs": ["c"]},
            }
        )
    )
    record = read_experiment(str(tmp_path))
    assert (record.experiment.name, record.experiment.tags) == ("e", {"k": "v"})
    assert (record.run_ids, record.failed_run_ids) == (["a", "b"], ["c"])
    listing = {"mlflow": {"experiments": [{"id": "1", "name": "e", "ok_runs": 2}]}}
    (tmp_path / "experiments.json").write_text(json.dumps(listing))
    (listed,) = read_experiment_list(str(tmp_path))
    assert (listed.experiment_id, listed.name) == ("1", "e")
    assert listed.directory == str(tmp_path / "1")


def test_patch_mlmodel_rewrites_ids_and_leaves_other_files_alone() -> None:
    content = yaml.safe_dump(
        {
            "run_id": "old",
            "model_id": "m-old",
            "model_uuid": "m-old",
            "artifact_path": "loc",
            "flavors": {"x": {"y": 1}},
        }
    ).encode()
    patched = yaml.safe_load(patch_mlmodel(content, "new", {"m-old": "m-new"}, {"loc": "loc2"}))
    assert patched == {
        "run_id": "new",
        "model_id": "m-new",
        "model_uuid": "m-new",
        "artifact_path": "loc2",
        "flavors": {"x": {"y": 1}},
    }
    unchanged = yaml.safe_dump({"flavors": {}}).encode()
    assert patch_mlmodel(unchanged, "new", {}) is unchanged
    assert patch_mlmodel(b"not: [yaml", "new", {}) == b"not: [yaml"
    assert replace_ids('[{"run_id": "a1"}]', {"a1": "b2"}) == '[{"run_id": "b2"}]'
