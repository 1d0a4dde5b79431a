"""Export, import and copy between live Heron servers (proxied artifacts, REST stores)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.server import HeronServer
from fixtures.transfer_data import Source, populate
from heron import transfer
from heron.entities import Metric
from heron.exceptions import TemporarilyUnavailable
from heron.tracking.client import MlflowClient
from heron.transfer.history import HistoryReader

pytestmark = pytest.mark.integration


@pytest.fixture
def servers(
    start_heron_server: Callable[..., HeronServer],
) -> tuple[HeronServer, HeronServer]:
    return start_heron_server(), start_heron_server()


@pytest.fixture
def source(servers: tuple[HeronServer, HeronServer], tmp_path: Path) -> Source:
    return populate(MlflowClient(tracking_uri=servers[0].url), tmp_path)


def test_bundle_round_trip_between_servers(
    servers: tuple[HeronServer, HeronServer], source: Source, tmp_path: Path
) -> None:
    origin, target = (MlflowClient(tracking_uri=s.url) for s in servers)
    out = str(tmp_path / "out")
    exported = transfer.export_experiments("all", out, client=origin, workers=4)
    assert (exported.experiments, exported.runs_ok) == (3, 5)
    summary = transfer.import_experiments(out, client=target, workers=4, verify=True)
    assert summary.runs_ok == 5
    new_parent = summary.id_map[source.runs["parent"]]
    run = target.get_run(new_parent)
    assert run.info.artifact_uri is not None
    assert run.info.artifact_uri.startswith("mlflow-artifacts:")
    assert {f.path for f in target.list_artifacts(new_parent)} == {"model", "notes.txt", "plots"}
    assert transfer.diff(servers[0].url, servers[1].url) == []


def test_copy_experiment_streams_from_server_to_server(
    servers: tuple[HeronServer, HeronServer], source: Source
) -> None:
    summary = transfer.copy_experiment(
        "wine", "wine-copy", servers[0].url, servers[1].url, workers=2, verify=True
    )
    assert (summary.runs_ok, summary.runs_total) == (3, 3)
    target = MlflowClient(tracking_uri=servers[1].url)
    copied = target.get_run(summary.id_map[source.runs["modelled"]])
    (output,) = copied.outputs.model_outputs
    assert target.get_logged_model(output.model_id).source_run_id == copied.info.run_id
    again = transfer.copy_experiment("wine", "wine-copy", servers[0].url, servers[1].url)
    assert again.runs_skipped == 3


def test_copy_run(servers: tuple[HeronServer, HeronServer], source: Source) -> None:
    new_id = transfer.copy_run(source.runs["child"], "single", servers[0].url, servers[1].url)
    copied = MlflowClient(tracking_uri=servers[1].url).get_run(new_id)
    assert (copied.info.run_name, copied.info.status) == ("child", "FAILED")
    # The parent was not copied: the child keeps naming the source parent.
    assert copied.data.tags["mlflow.parentRunId"] == source.runs["parent"]


def test_an_unreachable_destination_is_a_clear_error(
    servers: tuple[HeronServer, HeronServer],
    source: Source,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = str(tmp_path / "out")
    transfer.export_experiment("wine", out, client=MlflowClient(tracking_uri=servers[0].url))
    monkeypatch.setenv("HERON_HTTP_REQUEST_MAX_RETRIES", "0")
    servers[1].stop()
    with pytest.raises(TemporarilyUnavailable, match=r"API request to http://127\.0\.0\.1"):
        transfer.import_experiment(out, "wine", client=MlflowClient(tracking_uri=servers[1].url))


@pytest.mark.parametrize("whole_runs", [True, False], ids=["heron-route", "mlflow-ui-route"])
def test_histories_are_read_in_bulk_and_whole(heron_server: HeronServer, whole_runs: bool) -> None:
    """Three runs of 10000 points each, through Heron's whole-run route or MLflow's UI bulk
    route: there more than one bulk answer holds (25000 points), so the batch is halved
    until every answer is whole."""
    client = MlflowClient(tracking_uri=heron_server.url)
    experiment = client.create_experiment(f"bulk-{uuid.uuid4().hex}")
    run_ids = []
    for index in range(3):
        run_id = client.create_run(experiment).info.run_id
        points = [Metric("loss", index + step / 1e4, step, step) for step in range(10_000)]
        client.log_batch(run_id, metrics=points, synchronous=True)
        client.log_metric(run_id, "short", 1.0, 5, 0)
        run_ids.append(run_id)
    reader = HistoryReader(client, whole_runs=whole_runs)
    found = reader.read([client.get_run(run_id) for run_id in run_ids])
    for index, run_id in enumerate(run_ids):
        points = found[run_id].by_key()
        steps = sorted((m.step, m.value) for m in points["loss"])
        assert steps == [(step, index + step / 1e4) for step in range(10_000)]
        assert [m.value for m in points["short"]] == [1.0]
