"""``heron gc``: permanently delete what is in the ``deleted`` lifecycle stage.

As MLflow's ``gc``: runs (their metrics, params, tags, inputs, outputs and artifacts),
logged models (their tags, params, metric points and artifacts) and experiments (with every
run and logged model they hold, their tags and datasets; the name is free again), chosen
by id or by age. Registered model versions that name a deleted run keep their source, as in
MLflow. Each run, model and experiment goes in its own transaction, after its artifacts:
an interrupted collection leaves whole rows, which the next one finishes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

from heron.exceptions import HeronError, InvalidParameter
from heron.store.artifacts import get_artifact_repository
from heron.store.db import Database
from heron.store.db.drivers import Cursor

_log = logging.getLogger(__name__)
_DELETED = "deleted"
_AGE = re.compile(
    r"^((?P<days>[.\d]+?)d)?((?P<hours>[.\d]+?)h)?((?P<minutes>[.\d]+?)m)?((?P<seconds>[.\d]+?)s)?$"
)


def parse_age(text: str) -> int:
    """``--older-than`` (``#d#h#m#s``, floats allowed, e.g. ``1.5d2h``) in milliseconds.

    Raises:
        InvalidParameter: for anything else.
    """
    match = _AGE.match(text.strip())
    parts = {k: v for k, v in match.groupdict().items() if v} if match else {}
    try:
        values = {name: float(value) for name, value in parts.items()}
    except ValueError:
        values = {}
    if not values:
        raise InvalidParameter(
            f"Could not parse any time information from '{text}'. "
            f"Examples of valid strings: '8h', '2d8h5m20s', '2m4s'"
        )
    return int(timedelta(**values).total_seconds() * 1000)


@dataclass(frozen=True)
class GcPlan:
    """What a collection deletes.

    Attributes:
        run_ids: Runs, each with its artifact URI.
        model_ids: Logged models, each with its artifact location.
        experiment_ids: Experiments (their runs and models are in the lists above).
    """

    run_ids: tuple[tuple[str, str | None], ...]
    model_ids: tuple[tuple[str, str | None], ...]
    experiment_ids: tuple[int, ...]


def plan_gc(
    db: Database,
    now: int,
    older_than: int | None = None,
    run_ids: Sequence[str] | None = None,
    experiment_ids: Sequence[str] | None = None,
    model_ids: Sequence[str] | None = None,
) -> GcPlan:
    """Choose what to delete, as MLflow's ``gc`` does; refuse ids not in the deleted stage.

    Args:
        now: The current time (ms since the epoch).
        older_than: Only what was deleted (runs), last updated (experiments, models) more
            than this many milliseconds ago.
        run_ids, experiment_ids, model_ids: Exactly these (all must be deleted and, with
            ``older_than``, old enough); None: everything deleted (and old enough).

    Raises:
        NotFound: an id does not exist. InvalidParameter: it is not deleted or too new.
    """
    cutoff = now - (older_than or 0)
    return db.read(
        lambda cursor: _plan(cursor, cutoff, older_than, run_ids, experiment_ids, model_ids)
    )


def _plan(
    cursor: Cursor,
    cutoff: int,
    older_than: int | None,
    run_ids: Sequence[str] | None,
    experiment_ids: Sequence[str] | None,
    model_ids: Sequence[str] | None,
) -> GcPlan:
    age = "" if older_than is None else " AND {column} <= ?"
    bound = () if older_than is None else (cutoff,)
    experiments = _chosen(
        cursor,
        "experiment",
        "SELECT experiment_id, lifecycle_stage, last_update_time, NULL FROM experiments",
        "experiment_id",
        [_int_id(e) for e in experiment_ids] if experiment_ids is not None else None,
        age.format(column="last_update_time"),
        bound,
    )
    runs = _chosen(
        cursor,
        "run",
        "SELECT run_uuid, lifecycle_stage, deleted_time, artifact_uri FROM runs",
        "run_uuid",
        run_ids,
        age.format(column="deleted_time"),
        bound,
    )
    models = _chosen(
        cursor,
        "logged model",
        "SELECT model_id, lifecycle_stage, last_updated_timestamp, artifact_location "
        "FROM logged_models",
        "model_id",
        model_ids,
        age.format(column="last_updated_timestamp"),
        bound,
    )
    ids = [int(e[0]) for e in experiments]
    for eid in ids:  # an experiment goes with every run and model it holds
        cursor.execute("SELECT run_uuid, artifact_uri FROM runs WHERE experiment_id = ?", (eid,))
        runs.extend((str(r), u) for r, u in cursor.fetchall())
        cursor.execute(
            "SELECT model_id, artifact_location FROM logged_models WHERE experiment_id = ?", (eid,)
        )
        models.extend((str(m), u) for m, u in cursor.fetchall())
    return GcPlan(tuple(dict(runs).items()), tuple(dict(models).items()), tuple(ids))


def _int_id(experiment_id: str) -> int:
    try:
        return int(experiment_id)
    except ValueError:
        raise InvalidParameter(f"Invalid experiment id '{experiment_id}'") from None


def _chosen(
    cursor: Cursor,
    kind: str,
    select: str,
    column: str,
    ids: Sequence[object] | None,
    age: str,
    bound: tuple[int, ...],
) -> list[tuple[str, str | None]]:
    from heron.exceptions import NotFound

    if ids is None:
        cursor.execute(f"{select} WHERE lifecycle_stage = ?{age}", (_DELETED, *bound))
        return [(str(row[0]), row[3]) for row in cursor.fetchall()]
    chosen = []
    for identifier in ids:
        cursor.execute(f"{select} WHERE {column} = ?", (identifier,))
        row = cursor.fetchone()
        if row is None:
            raise NotFound(f"No {kind} with id '{identifier}'")
        if row[1] != _DELETED:
            raise InvalidParameter(
                f"The {kind} {identifier} is not in the deleted lifecycle stage. Only "
                f"{kind}s in the deleted lifecycle stage can be permanently deleted."
            )
        if bound and (row[2] is None or int(row[2]) > bound[0]):
            raise InvalidParameter(f"The {kind} {identifier} is not older than the required age.")
        chosen.append((str(row[0]), row[3]))
    return chosen


ArtifactDeleter = Callable[[str], None]


def artifact_deleter(
    tracking_uri: str | None, artifacts_destination: str | None
) -> ArtifactDeleter:
    """Deletes an artifact tree by URI; ``mlflow-artifacts:`` URIs are found under
    ``artifacts_destination`` when given (no server needed), else through ``tracking_uri``."""

    def delete(uri: str) -> None:
        parsed = urlparse(uri)
        if parsed.scheme == "mlflow-artifacts" and artifacts_destination:
            uri = artifacts_destination.rstrip("/") + "/" + parsed.path.lstrip("/")
        get_artifact_repository(uri, tracking_uri=tracking_uri).delete_artifacts()

    return delete


def sweep(
    db: Database,
    plan: GcPlan,
    delete_artifacts: ArtifactDeleter,
    report: Callable[[str], None],
) -> None:
    """Delete what ``plan`` names: artifacts first, then the rows, one item a transaction."""
    for run_id, uri in plan.run_ids:
        _artifacts(delete_artifacts, uri, report)
        if db.write(lambda cursor, run_id=run_id: _delete_run(cursor, run_id)):  # type: ignore[misc]
            report(f"Run with ID {run_id} has been permanently deleted.")
    for model_id, uri in plan.model_ids:
        _artifacts(delete_artifacts, uri, report)
        if db.write(lambda cursor, model_id=model_id: _delete_model(cursor, model_id)):  # type: ignore[misc]
            report(f"Logged model with ID {model_id} has been permanently deleted.")
    for experiment_id in plan.experiment_ids:
        db.write(lambda cursor, eid=experiment_id: _delete_experiment(cursor, eid))  # type: ignore[misc]
        report(f"Experiment with ID {experiment_id} has been permanently deleted.")


def _artifacts(delete: ArtifactDeleter, uri: str | None, report: Callable[[str], None]) -> None:
    if not uri:
        return
    try:
        delete(uri)
    except HeronError as error:  # as MLflow: an unreachable location does not stop the gc
        report(f"Could not delete the artifacts at '{uri}' ({error.message}); continuing.")


def _run_statements() -> Iterable[str]:
    yield (
        "DELETE FROM input_tags WHERE input_uuid IN (SELECT input_uuid FROM inputs "
        "WHERE destination_type = 'RUN' AND destination_id = ?)"
    )
    yield "DELETE FROM inputs WHERE destination_type = 'RUN' AND destination_id = ?"
    for table in ("logged_model_metrics", "run_outputs", "metrics", "latest_metrics",
                  "metric_blocks", "params", "tags", "runs"):  # fmt: skip
        yield f"DELETE FROM {table} WHERE run_uuid = ?"


def _delete_run(cursor: Cursor, run_id: str, restored_too: bool = False) -> bool:
    cursor.execute("SELECT lifecycle_stage FROM runs WHERE run_uuid = ?", (run_id,))
    row = cursor.fetchone()
    if row is None or (row[0] != _DELETED and not restored_too):
        return False  # gone already, or restored since the plan was made
    for statement in _run_statements():
        cursor.execute(statement, (run_id,))
    return cursor.rowcount > 0


def _delete_model(cursor: Cursor, model_id: str) -> bool:
    cursor.execute("DELETE FROM inputs WHERE source_type = 'MODEL' AND source_id = ?", (model_id,))
    for table in ("logged_model_metrics", "logged_model_tags", "logged_model_params",
                  "run_outputs", "logged_models"):  # fmt: skip
        cursor.execute(f"DELETE FROM {table} WHERE model_id = ?", (model_id,))
    return cursor.rowcount > 0


def _delete_experiment(cursor: Cursor, experiment_id: int) -> None:
    cursor.execute("SELECT run_uuid FROM runs WHERE experiment_id = ?", (experiment_id,))
    for (run_id,) in cursor.fetchall():  # runs logged since the plan was made
        _delete_run(cursor, str(run_id), restored_too=True)
    cursor.execute("SELECT model_id FROM logged_models WHERE experiment_id = ?", (experiment_id,))
    for (model_id,) in cursor.fetchall():
        _delete_model(cursor, str(model_id))
    for table in ("datasets", "experiment_tags", "experiments"):
        cursor.execute(f"DELETE FROM {table} WHERE experiment_id = ?", (experiment_id,))
