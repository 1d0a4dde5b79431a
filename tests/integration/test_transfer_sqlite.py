"""Export and import between embedded SQLite stores: fidelity, resume, bad bundles."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import yaml

from fixtures.transfer_data import START, Source, artifact_text, populate, sqlite_client
from heron import transfer
from heron.entities import ViewType
from heron.tracking.client import MlflowClient
from heron.transfer.tagpolicy import SOURCE_RUN_TAG, STATE_TAG

pytestmark = pytest.mark.integration


@pytest.fixture
def source(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[MlflowClient, Source]:
    client = sqlite_client(monkeypatch, tmp_path / "source")
    return client, populate(client, tmp_path)


@pytest.fixture
def destination(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MlflowClient:
    return sqlite_client(monkeypatch, tmp_path / "destination")


def _round_trip(
    source: tuple[MlflowClient, Source],
    destination: MlflowClient,
    tmp_path: Path,
    **options: object,
) -> transfer.Summary:
    client, _ = source
    transfer.export_experiments("all", str(tmp_path / "out"), client=client, workers=3)
    return transfer.import_experiments(
        str(tmp_path / "out"), "copy_", client=destination, **options
    )


def test_round_trip_keeps_times_status_names_history_and_files(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    client, made = source
    summary = _round_trip(source, destination, tmp_path, use_src_user_id=True, workers=2)
    assert (summary.experiments, summary.runs_ok, summary.runs_total) == (3, 5, 5)
    for role, source_id in made.runs.items():
        ours, theirs = client.get_run(source_id), destination.get_run(summary.id_map[source_id])
        assert theirs.info.run_name == ours.info.run_name == role
        assert (theirs.info.start_time, theirs.info.end_time, theirs.info.status) == (
            ours.info.start_time,
            ours.info.end_time,
            ours.info.status,
        )
        assert theirs.info.user_id == ours.info.user_id
        assert theirs.data.params == ours.data.params
        assert theirs.inputs.dataset_inputs == ours.inputs.dataset_inputs
    parent_id = made.runs["parent"]
    history = destination.get_metric_history(summary.id_map[parent_id], "loss")
    expected = client.get_metric_history(parent_id, "loss")
    assert len(history) == 61
    assert [(m.step, m.timestamp, m.value) for m in history] == [
        (m.step, m.timestamp, m.value) for m in expected
    ]
    nan = destination.get_run(summary.id_map[parent_id]).data.metrics["nan_metric"]
    assert math.isnan(nan)
    assert "notes of" in artifact_text(
        destination, summary.id_map[parent_id], "notes.txt", tmp_path
    )


def test_nested_runs_point_at_their_new_parents_across_experiments(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    _, made = source
    summary = _round_trip(source, destination, tmp_path)
    new_parent = summary.id_map[made.runs["parent"]]
    for role in ("child", "cousin"):
        tags = destination.get_run(summary.id_map[made.runs[role]]).data.tags
        assert tags["mlflow.parentRunId"] == new_parent


def test_mlmodel_files_name_the_new_run_and_logged_model(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    client, made = source
    summary = _round_trip(source, destination, tmp_path)
    new_parent = summary.id_map[made.runs["parent"]]
    mlmodel = yaml.safe_load(artifact_text(destination, new_parent, "model/MLmodel", tmp_path))
    assert mlmodel["run_id"] == new_parent
    new_run = destination.get_run(summary.id_map[made.runs["modelled"]])
    (output,) = new_run.outputs.model_outputs
    assert (output.model_id != made.model_id, output.step) == (True, 2)
    model = destination.get_logged_model(output.model_id)
    assert (model.name, model.model_type, model.params, model.status.value) == (
        "classifier",
        "sklearn",
        {"depth": "4"},
        "READY",
    )
    assert model.source_run_id == new_run.info.run_id
    (point,) = destination.get_metric_history(new_run.info.run_id, "model_acc")
    assert point.model_id == output.model_id
    files = destination.list_artifacts(new_run.info.run_id)
    assert files == []  # the model's files went to the logged model, as at the source
    assert client.get_logged_model(made.model_id).tags == model.tags


def test_mlmodel_fix_off_keeps_the_source_run_id(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    _, made = source
    summary = _round_trip(source, destination, tmp_path, mlmodel_fix=False)
    new_parent = summary.id_map[made.runs["parent"]]
    mlmodel = yaml.safe_load(artifact_text(destination, new_parent, "model/MLmodel", tmp_path))
    assert mlmodel["run_id"] == made.runs["parent"]


def test_tag_options_decide_system_user_and_lineage_tags(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    _, made = source
    summary = _round_trip(
        source,
        destination,
        tmp_path,
        import_mlflow_tags=False,
        import_metadata_tags=True,
        import_source_tags=True,
    )
    tags = destination.get_run(summary.id_map[made.runs["child"]]).data.tags
    assert "mlflow.source.name" not in tags
    assert tags["mlflow.note.content"] == "about child"  # the description is kept
    assert tags["mlflow.user"] != "user2"  # the importing user, without --use-src-user-id
    assert tags["mlflow_export_import.metadata.run_id"] == made.runs["child"]
    assert tags["mlflow_export_import.metadata.experiment_name"] == "wine"
    assert tags["mlflow_exim.run_info.run_id"] == made.runs["child"]
    assert tags["mlflow_exim.mlflow_tag.source.name"] == "train.py"
    assert tags[SOURCE_RUN_TAG] == made.runs["child"]


def test_experiment_tags_and_description_are_kept(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    _round_trip(source, destination, tmp_path)
    experiment = destination.get_experiment_by_name("copy_wine")
    assert experiment is not None
    assert experiment.tags == {"team": "a", "mlflow.note.content": "desc"}


def test_verify_finds_no_difference_and_diff_finds_a_changed_run(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    _, made = source
    summary = _round_trip(source, destination, tmp_path, verify=True)
    out = str(tmp_path / "out")
    assert transfer.diff(out, destination.tracking_uri, experiment_name_prefix="copy_") == []
    changed = summary.id_map[made.runs["child"]]
    destination.log_metric(changed, "loss", 7.0, START, 999)
    destination.set_tag(changed, "team", "red")
    lines = transfer.diff(out, destination.tracking_uri, experiment_name_prefix="copy_")
    assert len(lines) == 2
    assert "tag 'team' differs: 'blue' != 'red'" in lines[0]
    assert "metric 'loss' history differs: 61 points != 62" in lines[1]


def test_importing_again_skips_what_is_there(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    first = _round_trip(source, destination, tmp_path)
    again = transfer.import_experiments(str(tmp_path / "out"), "copy_", client=destination)
    assert (again.runs_ok, again.runs_skipped) == (5, 5)
    assert again.id_map == first.id_map
    experiment = destination.get_experiment_by_name("copy_wine")
    assert experiment is not None
    runs = destination.search_runs([experiment.experiment_id], run_view_type=ViewType.ALL)
    assert len(runs) == 3


def test_an_interrupted_import_continues(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    """A run left half-written (state 'importing') is replaced; complete ones are kept."""
    client, made = source
    out = tmp_path / "out"
    transfer.export_experiment("wine", str(out), client=client)
    experiment_id = destination.create_experiment("wine")
    left = destination.create_run(
        experiment_id, tags={SOURCE_RUN_TAG: made.runs["parent"], STATE_TAG: "importing"}
    ).info.run_id
    destination.log_param(left, "alpha", "half")
    summary = transfer.import_experiment(str(out), "wine", client=destination)
    assert (summary.runs_ok, summary.runs_skipped) == (3, 0)
    assert destination.get_run(left).info.lifecycle_stage == "deleted"
    active = destination.search_runs([experiment_id])
    assert sorted(r.data.tags[SOURCE_RUN_TAG] for r in active) == sorted(
        made.runs[r] for r in ("parent", "child", "modelled")
    )
    assert all(r.data.tags[STATE_TAG] == "complete" for r in active)


def test_a_damaged_artifact_fails_its_run_and_imports_nothing_of_it(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    client, made = source
    out = tmp_path / "out"
    transfer.export_experiment("wine", str(out), client=client)
    damaged = out / "runs" / made.runs["child"] / "artifacts" / "notes.txt"
    damaged.write_text("tampered\n")
    with pytest.raises(transfer.TransferFailed) as failed:
        transfer.import_experiment(str(out), "wine", client=destination)
    assert "Checksum mismatch for artifact 'notes.txt'" in failed.value.message
    assert made.runs["child"] in failed.value.message
    experiment = destination.get_experiment_by_name("wine")
    assert experiment is not None
    runs = destination.search_runs([experiment.experiment_id], run_view_type=ViewType.ALL)
    assert sorted(r.info.run_name for r in runs) == ["modelled", "parent"]
    shutil.copy(tmp_path / f"files-{made.runs['child']}" / "notes.txt", damaged)
    summary = transfer.import_experiment(str(out), "wine", client=destination)
    assert (summary.runs_ok, summary.runs_skipped) == (3, 2)


def test_a_corrupt_run_file_fails_that_run_only(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    client, made = source
    out = tmp_path / "out"
    transfer.export_experiment("wine", str(out), client=client)
    (out / "runs" / made.runs["parent"] / "run.json").write_text('{"mlflow": {"info": ')
    with pytest.raises(transfer.TransferFailed) as failed:
        transfer.import_experiment(str(out), "wine", client=destination)
    assert f"Corrupt run file '{out / 'runs' / made.runs['parent'] / 'run.json'}'" in str(
        failed.value.failures
    )
    # The child's parent could not be imported: the child waits for a later import.
    assert any("its parent run" in line for line in failed.value.failures)


def test_a_missing_bundle_is_a_clear_error(destination: MlflowClient, tmp_path: Path) -> None:
    with pytest.raises(transfer.CorruptBundle, match="is not an exported experiment"):
        transfer.import_experiment(str(tmp_path / "nowhere"), "x", client=destination)
    with pytest.raises(transfer.CorruptBundle, match="not an export of experiments"):
        transfer.import_experiments(str(tmp_path), client=destination)
    assert destination.get_experiment_by_name("x") is None


def test_the_1_2_layout_puts_runs_in_the_experiment_directory(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    client, made = source
    out = tmp_path / "old"
    transfer.export_experiment("wine", str(out), client=client, bundle_format="1.2")
    assert (out / made.runs["parent"] / "run.json").exists()
    assert not (out / "runs").exists()
    summary = transfer.import_experiment(str(out), "wine", client=destination, verify=True)
    assert summary.runs_ok == 3


def test_run_json_holds_full_history_and_checksums(
    source: tuple[MlflowClient, Source], tmp_path: Path
) -> None:
    client, made = source
    out = tmp_path / "run"
    transfer.export_run(made.runs["parent"], str(out), client=client)
    content = json.loads((out / "run.json").read_text())
    assert set(content) == {"system", "info", "mlflow"}
    assert len(content["mlflow"]["metrics"]["loss"]) == 61
    assert content["mlflow"]["info"]["start_time"] == START + 1
    listed = {entry["path"] for entry in content["info"]["artifacts"]}
    assert listed == {"notes.txt", "plots/curve.bin", "model/MLmodel"}
    assert all(len(entry["sha256"]) == 64 for entry in content["info"]["artifacts"])


def test_export_run_and_import_run(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    client, made = source
    out = tmp_path / "single"
    out.mkdir()
    (out / "keep.txt").write_text("the user's own file")
    transfer.export_run(made.runs["modelled"], str(out), client=client)
    assert (out / "keep.txt").exists()
    assert (out / made.model_id / "logged_model.json").exists()
    new_id = transfer.import_run(str(out), "single", client=destination)
    run = destination.get_run(new_id)
    assert run.info.run_name == "modelled"
    assert "mlflow.user" in run.data.tags
    assert len(run.outputs.model_outputs) == 1
    assert transfer.import_run(str(out), "single", client=destination) == new_id


def test_workers_give_the_same_result(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    summary = _round_trip(source, destination, tmp_path, workers=4, verify=True)
    assert (summary.runs_ok, summary.failures) == (5, [])


def test_verify_fails_the_import_on_a_difference(
    source: tuple[MlflowClient, Source], destination: MlflowClient, tmp_path: Path
) -> None:
    client, made = source
    out = str(tmp_path / "out")
    summary = transfer.export_experiment("wine", out, client=client)
    first = transfer.import_experiment(out, "wine", client=destination)
    destination.log_param(first.id_map[made.runs["parent"]], "drift", "yes")
    with pytest.raises(transfer.TransferFailed, match="param 'drift' was not in the source"):
        transfer.import_experiment(out, "wine", client=destination, verify=True)
    assert summary.runs_ok == 3
