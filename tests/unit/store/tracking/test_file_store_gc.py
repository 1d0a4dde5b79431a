"""``heron gc`` on an mlruns folder: deleted runs, models and experiments leave for good."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from heron.exceptions import InvalidParameter, NotFound
from heron.store.gc import artifact_deleter
from heron.store.tracking import clear_store_cache
from heron.store.tracking.file.gc import plan_folder_gc, sweep_folder
from heron.store.tracking.file.store import FileTrackingStore


@pytest.fixture(autouse=True)
def _forget_stores() -> Iterator[None]:
    yield
    clear_store_cache()


def test_gc_removes_deleted_runs_models_and_experiments(tmp_path: Path) -> None:
    root = str(tmp_path / "mlruns")
    store = FileTrackingStore(root)
    kept_experiment = store.create_experiment("kept")
    kept = store.create_run(kept_experiment, "u", 1, [], "kept").info.run_id
    gone = store.create_run(kept_experiment, "u", 1, [], "gone").info.run_id
    artifact = tmp_path / "mlruns" / kept_experiment / gone / "artifacts" / "a.txt"
    artifact.write_text("x")
    store.delete_run(gone)
    model = store.create_logged_model(kept_experiment, name="m").model_id
    store.delete_logged_model(model)
    doomed = store.create_experiment("doomed")
    inside = store.create_run(doomed, "u", 1, [], "inside").info.run_id
    store.delete_experiment(doomed)
    messages: list[str] = []

    plan = plan_folder_gc(root, now=2**62)
    sweep_folder(root, plan, artifact_deleter(None, None), messages.append)

    assert {r for r, _ in plan.run_ids} == {gone, inside}
    assert [r.info.run_id for r in store.search_runs([kept_experiment], run_view_type=3)] == [kept]
    assert not (tmp_path / "mlruns" / kept_experiment / gone).exists()
    with pytest.raises(NotFound):
        store.get_logged_model(model, allow_deleted=True)
    assert not (tmp_path / "mlruns" / ".trash" / doomed).exists()
    assert store.create_experiment("doomed")  # the name is free again
    assert len(messages) == 4


def test_gc_refuses_live_or_missing_ids(tmp_path: Path) -> None:
    root = str(tmp_path / "mlruns")
    store = FileTrackingStore(root)
    live = store.create_run("0", "u", 1, [], "live").info.run_id
    with pytest.raises(InvalidParameter, match="not in the deleted lifecycle stage"):
        plan_folder_gc(root, now=2**62, run_ids=[live])
    with pytest.raises(NotFound):
        plan_folder_gc(root, now=2**62, run_ids=["f" * 32])
    store.delete_run(live)
    with pytest.raises(InvalidParameter, match="older than"):
        plan_folder_gc(root, now=0, older_than=1000, run_ids=[live])
