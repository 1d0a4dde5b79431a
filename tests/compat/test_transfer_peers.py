"""Export/import against the peers: the real MLflow 3.17.2 server and mlflow-export-import.

- Heron's tools export from an MLflow server and import into Heron, and copy the reverse
  way, with nothing lost (``transfer.diff`` finds no difference).
- Bundles written by mlflow-export-import 1.2.0 import into Heron; Heron's bundles (in the
  1.2 layout) import with mlflow-export-import into MLflow.

mlflow-export-import 1.2.0 lives in its own virtualenv (see ``exim.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from exim import exim_bin, run_peer
from processes import ServerProcess

from fixtures.server import HeronServer, start_server
from fixtures.transfer_data import populate
from heron import transfer
from heron.tracking.client import MlflowClient

pytestmark = [pytest.mark.compat, pytest.mark.slow]
__all__ = ["exim_bin"]  # the fixture, used by name


@pytest.fixture
def heron_pair(tmp_path: Path) -> Iterator[tuple[HeronServer, HeronServer]]:
    servers = (start_server(tmp_path / "a"), start_server(tmp_path / "b"))
    yield servers
    for server in servers:
        server.stop()


def test_heron_exports_from_mlflow_and_imports_into_heron(
    mlflow_server: ServerProcess, heron_pair: tuple[HeronServer, HeronServer], tmp_path: Path
) -> None:
    prefix = f"x{uuid.uuid4().hex[:8]}-"
    made = populate(MlflowClient(tracking_uri=mlflow_server.url), tmp_path, prefix)
    out = str(tmp_path / "out")
    exported = transfer.export_experiments(
        made.experiments, out, client=MlflowClient(tracking_uri=mlflow_server.url), workers=2
    )
    assert exported.runs_ok == 5
    target = heron_pair[1].url
    summary = transfer.import_experiments(
        out, client=MlflowClient(tracking_uri=target), use_src_user_id=True, verify=True
    )
    assert summary.runs_ok == 5
    options = transfer.ImportOptions(use_src_user_id=True)
    assert transfer.diff(mlflow_server.url, target, made.experiments, options=options) == []


def test_heron_copies_from_heron_into_mlflow(
    mlflow_server: ServerProcess, heron_pair: tuple[HeronServer, HeronServer], tmp_path: Path
) -> None:
    made = populate(MlflowClient(tracking_uri=heron_pair[0].url), tmp_path)
    prefix = f"c{uuid.uuid4().hex[:8]}-"
    summary = transfer.copy_experiments(
        made.experiments, heron_pair[0].url, mlflow_server.url, prefix, workers=3, verify=True
    )
    assert summary.runs_ok == 5
    copied = MlflowClient(tracking_uri=mlflow_server.url)
    run = copied.get_run(summary.id_map[made.runs["child"]])
    assert (run.info.status, run.info.start_time) == ("FAILED", 1_700_000_000_002)


def test_bundles_of_mlflow_export_import_import_into_heron(
    exim_bin: Path, heron_pair: tuple[HeronServer, HeronServer], tmp_path: Path
) -> None:
    origin, target = (server.url for server in heron_pair)
    made = populate(MlflowClient(tracking_uri=origin), tmp_path)
    out = tmp_path / "peer-out"
    run_peer(
        exim_bin, "export-experiment", origin, "--experiment", "wine", "--output-dir", str(out)
    )
    assert (out / "experiment.json").exists()
    summary = transfer.import_experiment(
        str(out), "wine", client=MlflowClient(tracking_uri=target), verify=True
    )
    assert summary.runs_ok == 3
    lines = transfer.diff(origin, target, ["wine"])
    # mlflow-export-import 1.2.0 writes no dataset inputs: the only thing lost on the way.
    assert lines == [
        f"run '{made.runs[role]}' -> '{summary.id_map[made.runs[role]]}': dataset inputs "
        "differ: 1 != 0"
        for role in ("parent", "child")
    ]


def test_heron_bundles_import_with_mlflow_export_import_into_mlflow(
    exim_bin: Path,
    mlflow_server: ServerProcess,
    heron_pair: tuple[HeronServer, HeronServer],
    tmp_path: Path,
) -> None:
    made = populate(MlflowClient(tracking_uri=heron_pair[0].url), tmp_path)
    out = tmp_path / "heron-out"
    transfer.export_experiment(
        "wine", str(out), client=MlflowClient(tracking_uri=heron_pair[0].url), bundle_format="1.2"
    )
    name = f"peer-{uuid.uuid4().hex[:8]}"
    run_peer(
        exim_bin,
        "import-experiment",
        mlflow_server.url,
        "--experiment-name",
        name,
        "--input-dir",
        str(out),
        "--import-source-tags",
        "True",
    )
    lines = transfer.diff(str(out), mlflow_server.url, experiment_name=name)
    assert lines, "mlflow-export-import loses run times; the comparison must see that"
    kept = [line for line in lines if "param" in line or "metric" in line or "artifact" in line]
    assert kept == []  # params, full metric histories and every file arrived intact
    imported = MlflowClient(tracking_uri=mlflow_server.url)
    experiment = imported.get_experiment_by_name(name)
    assert experiment is not None
    runs = imported.search_runs([experiment.experiment_id])
    assert sorted(r.data.tags["mlflow_exim.run_info.run_id"] for r in runs) == sorted(
        made.runs[role] for role in ("parent", "child", "modelled")
    )
