"""``heron gc`` on an ``mlruns`` folder: the same choice and order as on a database
(:mod:`heron.store.gc`), with folders removed instead of rows.

Deleted experiments sit in ``.trash``; deleted runs and logged models in their
experiment's folder with ``lifecycle_stage: deleted``. Artifacts go first, then the folder
(one ``rmtree`` each), so an interrupted collection leaves whole folders the next one
finishes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence

from heron.entities import LifecycleStage, ViewType
from heron.exceptions import InvalidParameter, NotFound
from heron.store.gc import ArtifactDeleter, GcPlan
from heron.store.tracking.file import layout
from heron.store.tracking.file.reader import MlrunsReader

_Item = tuple[str, str, "int | None", "str | None"]  # id, stage, time, artifact location


def plan_folder_gc(
    root: str,
    now: int,
    older_than: int | None = None,
    run_ids: Sequence[str] | None = None,
    experiment_ids: Sequence[str] | None = None,
    model_ids: Sequence[str] | None = None,
) -> GcPlan:
    """What :func:`heron.store.gc.plan_gc` would choose, in the folder at ``root``.

    Raises:
        NotFound: an id does not exist. InvalidParameter: it is not deleted or too new.
    """
    reader = MlrunsReader(root)
    cutoff = None if older_than is None else now - older_than
    experiments = _chosen("experiment", _experiments(reader), experiment_ids, cutoff)
    runs = _chosen("run", _runs(reader), run_ids, cutoff)
    models = _chosen("logged model", _models(reader), model_ids, cutoff)
    for experiment_id, _ in experiments:  # an experiment goes with its runs and models
        runs += [(i, u) for i, _, _, u in _runs(reader, experiment_id)]
        models += [(i, u) for i, _, _, u in _models(reader, experiment_id)]
    ids = tuple(int(e) for e, _ in experiments)
    return GcPlan(tuple(dict(runs).items()), tuple(dict(models).items()), ids)


def _experiments(reader: MlrunsReader) -> list[_Item]:
    return [
        (e.experiment_id, e.lifecycle_stage, e.last_update_time, None)
        for e in reader.experiments(ViewType.ALL)
    ]


def _runs(reader: MlrunsReader, experiment_id: str | None = None) -> list[_Item]:
    ids = [experiment_id] if experiment_id else reader.experiment_ids(ViewType.ALL)
    found: list[_Item] = []
    for eid in ids:
        for run_dir in reader.run_dirs(eid):
            meta = layout.read_yaml(os.path.join(run_dir, layout.META))
            info = reader.read_run_info(run_dir)
            deleted = meta.get("deleted_time")
            found.append((info.run_id, info.lifecycle_stage, deleted, info.artifact_uri))
    return found


def _models(reader: MlrunsReader, experiment_id: str | None = None) -> list[_Item]:
    ids = [experiment_id] if experiment_id else reader.experiment_ids(ViewType.ALL)
    found: list[_Item] = []
    for eid in ids:
        for model_dir in reader.logged_model_dirs(eid):
            model, stage = reader.read_logged_model(model_dir)
            found.append(
                (model.model_id, stage, model.last_updated_timestamp, model.artifact_location)
            )
    return found


def _chosen(
    kind: str, items: list[_Item], ids: Sequence[str] | None, cutoff: int | None
) -> list[tuple[str, str | None]]:
    def old_enough(time: int | None) -> bool:
        return cutoff is None or (time is not None and int(time) <= cutoff)

    if ids is None:
        return [
            (i, uri)
            for i, stage, time, uri in items
            if stage == LifecycleStage.DELETED
            and (cutoff is None or time is None or old_enough(time))
        ]
    by_id = {item[0]: item for item in items}
    chosen = []
    for identifier in ids:
        item = by_id.get(str(identifier))
        if item is None:
            raise NotFound(f"No {kind} with id '{identifier}'")
        if item[1] != LifecycleStage.DELETED:
            raise InvalidParameter(
                f"The {kind} {identifier} is not in the deleted lifecycle stage. Only "
                f"{kind}s in the deleted lifecycle stage can be permanently deleted."
            )
        if not old_enough(item[2]):
            raise InvalidParameter(f"The {kind} {identifier} is not older than the required age.")
        chosen.append((item[0], item[3]))
    return chosen


def sweep_folder(
    root: str,
    plan: GcPlan,
    delete_artifacts: ArtifactDeleter,
    report: Callable[[str], None],
) -> None:
    """Delete what ``plan`` names: artifacts first, then each folder."""
    reader = MlrunsReader(root)
    for run_id, uri in plan.run_ids:
        _artifacts(delete_artifacts, uri, report)
        try:
            shutil.rmtree(reader.find_run_dir(run_id))
        except NotFound:
            continue  # gone already (an earlier, interrupted collection)
        report(f"Run with ID {run_id} has been permanently deleted.")
    for model_id, uri in plan.model_ids:
        _artifacts(delete_artifacts, uri, report)
        try:
            shutil.rmtree(reader.find_logged_model_dir(model_id))
        except NotFound:
            continue
        report(f"Logged model with ID {model_id} has been permanently deleted.")
    for experiment_id in plan.experiment_ids:
        path = reader.experiment_dir(str(experiment_id))
        if path is not None:
            shutil.rmtree(path)
        report(f"Experiment with ID {experiment_id} has been permanently deleted.")


def _artifacts(delete: ArtifactDeleter, uri: str | None, report: Callable[[str], None]) -> None:
    from heron.exceptions import HeronError

    if not uri:
        return
    try:
        delete(uri)
    except HeronError as error:  # as MLflow: an unreachable location does not stop the gc
        report(f"Could not delete the artifacts at '{uri}' ({error.message}); continuing.")
