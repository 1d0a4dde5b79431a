"""``heron gc`` on an MLflow ``mlruns`` folder (a plain path or a ``file:`` URI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from heron.cli.main import cli
from heron.exceptions import NotFound
from heron.store.tracking import clear_store_cache
from heron.store.tracking.file.store import FileTrackingStore

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _forget_stores() -> Iterator[None]:
    yield
    clear_store_cache()


def gc(uri: str, *options: str) -> Result:
    return CliRunner().invoke(cli, ["gc", "--backend-store-uri", uri, *options])


def _run_with_file(store: FileTrackingStore, root: Path, experiment_id: str) -> str:
    run_id = store.create_run(experiment_id, "me", 1, [], "r").info.run_id
    (root / experiment_id / run_id / "artifacts" / "model.txt").write_text("weights")
    return run_id


def test_gc_collects_a_folder_given_as_a_path(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    store = FileTrackingStore(str(root))
    kept, gone = _run_with_file(store, root, "0"), _run_with_file(store, root, "0")
    store.delete_run(gone)
    doomed = store.create_experiment("doomed")
    inside = _run_with_file(store, root, doomed)
    store.delete_experiment(doomed)

    listed = gc(str(root), "--dry-run")
    assert listed.exit_code == 0, listed.output
    assert f"Run with ID {gone} would be permanently deleted." in listed.output
    assert f"Experiment with ID {doomed} would be permanently deleted." in listed.output
    assert (root / "0" / gone / "artifacts" / "model.txt").exists()

    result = gc(str(root))
    assert result.exit_code == 0, result.output
    assert f"Run with ID {gone} has been permanently deleted." in result.output
    assert f"Experiment with ID {doomed} has been permanently deleted." in result.output
    assert not (root / "0" / gone).exists()
    assert not (root / ".trash" / doomed).exists()
    with pytest.raises(NotFound):
        store.get_run(inside)
    assert (root / "0" / kept / "artifacts" / "model.txt").exists()
    assert store.create_experiment("doomed")  # the name is free again


def test_gc_on_a_file_uri_honours_run_ids_and_refuses_live_runs(tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    store = FileTrackingStore(str(root))
    first, second = _run_with_file(store, root, "0"), _run_with_file(store, root, "0")
    store.delete_run(first)
    store.delete_run(second)

    live = _run_with_file(store, root, "0")
    refused = gc(root.as_uri(), "--run-ids", live)
    assert refused.exit_code != 0
    assert live in refused.output
    assert (root / "0" / live).exists()

    result = gc(root.as_uri(), "--run-ids", first)
    assert result.exit_code == 0, result.output
    assert not (root / "0" / first).exists()
    assert (root / "0" / second / "artifacts" / "model.txt").exists()


def test_gc_refuses_a_folder_that_is_not_mlruns(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    result = gc(str(tmp_path))
    assert result.exit_code != 0
    assert "not an mlruns folder" in result.output
    assert (tmp_path / "photos").exists()
    missing = gc(str(tmp_path / "nowhere"))
    assert missing.exit_code != 0
    assert "not a directory" in missing.output
